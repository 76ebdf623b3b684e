/**
 * One saved frame as the viewer needs it: its row, its file, a region of it as a JPEG, its stars
 * and figures, its histogram. The pixel work runs in the imaging worker pool, which keeps the
 * last decoded frame (core/imaging/frame_view.ts), so zooming into one frame reads it once.
 * A row whose file was removed by hand answers 404 and says so.
 */
import { join } from "node:path";
import { notFound } from "../../lib/errors.ts";
import type {
  HistogramFileJob,
  KnownFrame,
  RegionJob,
  RegionResult,
  StarsJob,
  StarsResult,
} from "../imaging/frame_view.ts";
import type { ImageHistogram } from "../imaging/histogram.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { FrameRepository } from "../store/frames.ts";
import type { MeasuredFrame, TaskRunner } from "../frames/frame_figures.ts";
import { type FramePreviews, isScreenPreview } from "../frames/frame_previews.ts";

export interface SavedFramesDeps {
  frames: Pick<FrameRepository, "get">;
  dataDir: string;
  imaging: TaskRunner;
  /**
   * The frame just taken, still in memory: its first view then skips reading and decoding the
   * file (a 24-megapixel FITS is ~48 MB), which is most of the wait on a Pi.
   */
  inMemory?: (id: string) => KnownFrame | null;
  /** Screen previews rendered ahead (or earlier on request): the first look is not a render. */
  previews?: Pick<FramePreviews, "get" | "keep">;
  /**
   * The frame sink's own analysis of a recent frame (waited for while it runs): the figures of a
   * frame just taken without a second analysis of 24 megapixels in the worker.
   */
  measured?: (id: string) => Promise<MeasuredFrame | null> | null;
}

export class SavedFrames {
  readonly #d: SavedFramesDeps;

  constructor(deps: SavedFramesDeps) {
    this.#d = deps;
  }

  /** The row and the absolute path of its file; 404 for an unknown id or a missing file. */
  async locate(id: string): Promise<{ dto: FrameDto; path: string }> {
    const dto = await this.#d.frames.get(id);
    const path = join(this.#d.dataDir, dto.path);
    try {
      if (!(await Deno.stat(path)).isFile) throw new Error("not a file");
    } catch {
      throw notFound(`Frame ${id}'s file ${dto.path} is missing from the data directory`);
    }
    return { dto, path };
  }

  async region(id: string, job: Omit<RegionJob, "path">): Promise<RegionResult> {
    const { dto, path } = await this.locate(id);
    const screen = this.#d.previews && isScreenPreview(job) ? this.#d.previews : null;
    const ready = await screen?.get(id);
    if (ready) {
      return {
        jpeg: ready.jpeg,
        region: { x: 0, y: 0, w: dto.width, h: dto.height },
        widthPx: ready.widthPx,
        heightPx: ready.heightPx,
        frameWidthPx: dto.width,
        frameHeightPx: dto.height,
      };
    }
    const known = this.#d.inMemory?.(id) ?? undefined;
    // Someone is looking at the screen for this picture: ahead of background analyses.
    const result = await this.#d.imaging.run<RegionResult>(
      "frameRegion",
      { ...job, path, known } satisfies RegionJob,
      [],
      { urgent: true },
    );
    screen?.keep(id, { jpeg: result.jpeg, widthPx: result.widthPx, heightPx: result.heightPx });
    return result;
  }

  /** The frame's stars and figures; `analysis` is null for a colour image. */
  async analysis(id: string): Promise<{ dto: FrameDto } & StarsResult> {
    const { dto, path } = await this.locate(id);
    const result = await this.#d.imaging.run<StarsResult>(
      "frameStars",
      { path } satisfies StarsJob,
    );
    return { dto, ...result };
  }

  /**
   * The frame's figures (no star list): the frame sink's analysis when it made one, else the
   * worker's, as `analysis` gives it.
   */
  async figures(id: string): Promise<{ dto: FrameDto } & StarsResult> {
    const measured = await this.#d.measured?.(id);
    if (measured) {
      const { dto } = await this.locate(id);
      return { dto, analysis: measured.analysis, pixelScaleArcsec: measured.pixelScaleArcsec };
    }
    return await this.analysis(id);
  }

  async histogram(id: string, bins: number): Promise<ImageHistogram> {
    const { path } = await this.locate(id);
    return this.#d.imaging.run<ImageHistogram>(
      "frameHistogramFile",
      { path, bins } satisfies HistogramFileJob,
    );
  }
}
