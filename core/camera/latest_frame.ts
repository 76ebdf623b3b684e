/**
 * The most recent frame as a client downloads it: the FITS file from disk, or an auto-stretched
 * JPEG, and its histogram. Pixels of a frame taken in this run are still in memory; after a
 * restart the latest file is read back and decoded, so the phone shows the last frame either
 * way. Decoding, stretching and encoding run in the imaging worker pool.
 */
import { basename, join } from "node:path";
import type { ImageHistogram } from "../imaging/histogram.ts";
import type { PreviewFrame } from "../imaging/preview.ts";
import type { FitsJob, HistogramJob, PreviewJob } from "../imaging/preview_tasks.ts";
import type { Services } from "../services.ts";

export interface FrameImage {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  frameId: string;
}

export async function latestFrameImage(
  s: Pick<Services, "frameSink" | "frames" | "dataDir" | "imaging">,
  format: "fits" | "jpeg",
  maxSizePx: number,
): Promise<FrameImage | null> {
  const dto = await s.frames.latest();
  if (!dto) return null;
  const path = join(s.dataDir, dto.path);
  const fileName = basename(dto.path);
  if (format === "fits") {
    return {
      bytes: await Deno.readFile(path),
      contentType: "application/fits",
      fileName,
      frameId: dto.id,
    };
  }
  // Rendered in the imaging workers: a 24-megapixel preview would otherwise stall every request.
  const options = { maxSizePx };
  const frame = inMemoryFrame(s, dto.id);
  const bytes = frame
    ? await s.imaging.run<Uint8Array>("previewJpeg", { frame, options } satisfies PreviewJob)
    : await fromFile<Uint8Array>(s, path, "fitsPreviewJpeg", { options });
  return {
    bytes,
    contentType: "image/jpeg",
    fileName: fileName.replace(/\.fits$/, ".jpg"),
    frameId: dto.id,
  };
}

/** The latest frame's pixels when it was taken in this run (cloned to the worker, not moved). */
function inMemoryFrame(s: Pick<Services, "frameSink">, frameId: string): PreviewFrame | null {
  const latest = s.frameSink.latest;
  if (latest?.dto.id !== frameId) return null;
  const { pixels, widthPx, heightPx, bayerPattern } = latest.frame;
  return { pixels, widthPx, heightPx, bayerPattern };
}

/** Reads a FITS file and hands its bytes (transferred) to a worker task that decodes it. */
async function fromFile<T>(
  s: Pick<Services, "imaging">,
  path: string,
  task: string,
  args: Omit<FitsJob, "fits"> | Omit<HistogramJob, "fits">,
): Promise<T> {
  const fits = await Deno.readFile(path);
  return s.imaging.run<T>(task, { ...args, fits }, [fits.buffer]);
}

/** Per-channel histogram (counts, median, MAD) of the most recent frame; null before any. */
export async function latestFrameHistogram(
  s: Pick<Services, "frameSink" | "frames" | "dataDir" | "imaging">,
  bins: number,
): Promise<{ frameId: string; histogram: ImageHistogram } | null> {
  const dto = await s.frames.latest();
  if (!dto) return null;
  const frame = inMemoryFrame(s, dto.id);
  const result = frame
    ? await s.imaging.run<ImageHistogram>("frameHistogram", { frame, bins } satisfies HistogramJob)
    : await fromFile<ImageHistogram>(s, join(s.dataDir, dto.path), "frameHistogram", { bins });
  return { frameId: dto.id, histogram: result };
}
