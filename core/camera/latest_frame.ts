/**
 * The most recent frame as a client downloads it: the FITS file from disk, or an auto-stretched
 * JPEG. Pixels of a frame taken in this run are still in memory; after a restart the latest file
 * is read back and decoded, so the phone shows the last frame either way.
 */
import { basename, join } from "node:path";
import type { RawFrame } from "../../devices/camera.ts";
import type { BayerPattern } from "../../devices/camera.ts";
import { decodeFits } from "../imaging/fits.ts";
import { renderPreviewJpeg } from "../imaging/preview.ts";
import type { Services } from "../services.ts";

export interface FrameImage {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  frameId: string;
}

export async function latestFrameImage(
  s: Pick<Services, "exposures" | "frames" | "dataDir">,
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
  const inMemory = s.exposures.latest;
  const frame = inMemory?.dto.id === dto.id ? inMemory.frame : await readFrame(path);
  return {
    bytes: renderPreviewJpeg(frame, { maxSizePx }),
    contentType: "image/jpeg",
    fileName: fileName.replace(/\.fits$/, ".jpg"),
    frameId: dto.id,
  };
}

async function readFrame(
  path: string,
): Promise<Pick<RawFrame, "pixels" | "widthPx" | "heightPx" | "bayerPattern">> {
  const fits = decodeFits(await Deno.readFile(path));
  const pattern = fits.header.get("BAYERPAT");
  const pixels = fits.pixels instanceof Uint16Array ? fits.pixels : toUint16(fits.pixels);
  return {
    pixels,
    widthPx: fits.widthPx,
    heightPx: fits.heightPx,
    bayerPattern: typeof pattern === "string" ? pattern.trim() as BayerPattern : null,
  };
}

function toUint16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(65535, values[i]!));
  return out;
}
