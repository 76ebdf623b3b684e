/**
 * The screen preview of each frame a person takes: the whole frame, auto-stretched, at most
 * SCREEN_PREVIEW.maxSizePx on its longer side — the picture the phone's viewer, home and capture
 * screens show first. The frame sink asks for it as soon as a frame is saved, rendered in the
 * imaging pool from the pixels still in memory, so the phone's first request is answered from
 * here instead of waiting while a worker downscales 24 megapixels (or decodes a 48 MB file).
 * Previews are kept in memory, least recently used dropped first, within a byte budget (they are
 * ~100 KB each). A frame whose preview is not here — taken before a restart, dropped, or skipped
 * because frames came faster than previews could be rendered — is rendered by the endpoint on
 * request, and that result is kept too.
 *
 * Renders run one at a time, ahead of the pool's background work (star analyses, stacking); at
 * most MAX_WAITING wait behind the running one and the oldest waiting is skipped when more
 * arrive, so a fast loop of short exposures never piles frames up in memory.
 */
import type { Logger } from "../../lib/log.ts";
import type { PreviewFrame } from "../imaging/preview.ts";
import type { PreviewJob } from "../imaging/preview_tasks.ts";
import { jpegSize } from "../imaging/jpeg_size.ts";
import type { TaskRunner } from "./frame_figures.ts";

/** The preview rendered ahead: `GET /frames/{id}/preview?max_px=1280` (auto stretch, quality 80). */
export const SCREEN_PREVIEW = { maxSizePx: 1280, quality: 80 } as const;

/** Renders waiting behind the running one before the oldest is skipped. */
export const MAX_WAITING = 1;

/** Default memory budget of the kept previews. */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

export interface ScreenPreview {
  jpeg: Uint8Array;
  widthPx: number;
  heightPx: number;
}

export interface FramePreviewsOptions {
  /** The imaging worker pool (it has the `previewJpeg` task). */
  runner: TaskRunner;
  log: Logger;
  maxBytes?: number;
}

/** What a request asks of the preview endpoint, as far as the kept preview can answer it. */
export interface PreviewRequest {
  region?: unknown;
  maxSizePx: number;
  quality?: number;
  stretch: { mode: string };
}

/** Whether `request` is for the screen preview (the whole frame, auto stretch, its size). */
export function isScreenPreview(request: PreviewRequest): boolean {
  return request.region === undefined && request.stretch.mode === "auto" &&
    request.maxSizePx === SCREEN_PREVIEW.maxSizePx &&
    (request.quality ?? SCREEN_PREVIEW.quality) === SCREEN_PREVIEW.quality;
}

interface Waiting {
  id: string;
  frame: PreviewFrame;
  after: Promise<unknown> | null;
  done(preview: ScreenPreview | null): void;
}

export class FramePreviews {
  readonly #o: FramePreviewsOptions;
  readonly #maxBytes: number;
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #kept = new Map<string, ScreenPreview>();
  readonly #pending = new Map<string, Promise<ScreenPreview | null>>();
  #bytes = 0;
  #lastRenderMs: number | null = null;
  #waiting: Waiting[] = [];
  #rendering: Promise<void> | null = null;
  #closed = false;

  constructor(options: FramePreviewsOptions) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${maxBytes}`);
    this.#o = options;
    this.#maxBytes = maxBytes;
  }

  /**
   * Whether a render would be over within `durationMs` of other work (the next exposure) with
   * room to spare: twice the last render's time (in the pool, waiting included), or true before
   * any render has been timed.
   */
  hiddenBy(durationMs: number): boolean {
    return this.#lastRenderMs === null || durationMs >= 2 * this.#lastRenderMs;
  }

  /** Previews kept and the bytes they take. */
  get stats(): { kept: number; bytes: number; waiting: number } {
    return { kept: this.#kept.size, bytes: this.#bytes, waiting: this.#waiting.length };
  }

  /**
   * Renders the screen preview of a frame just saved, from its pixels (cloned to the worker, not
   * moved: the caller keeps them), once `after` has settled when given. Resolves with the preview,
   * or null when it failed or was skipped (the endpoint then renders it on request).
   */
  render(id: string, frame: PreviewFrame, after?: Promise<unknown>): Promise<ScreenPreview | null> {
    if (this.#closed) return Promise.resolve(null);
    const { promise, resolve } = Promise.withResolvers<ScreenPreview | null>();
    this.#pending.set(id, promise);
    const done = (preview: ScreenPreview | null) => {
      if (this.#pending.get(id) === promise) this.#pending.delete(id);
      if (preview) this.keep(id, preview);
      resolve(preview);
    };
    this.#waiting.push({ id, frame, after: after ?? null, done });
    if (this.#waiting.length > MAX_WAITING) {
      const skipped = this.#waiting.shift()!;
      this.#o.log.debug("frames arrive faster than previews render; one is left for later", {
        frame_id: skipped.id,
      });
      skipped.done(null);
    }
    this.#rendering ??= this.#pump();
    return promise;
  }

  /**
   * The screen preview of a frame when it is kept or being rendered (the promise then resolves
   * when it is done, null if that failed); null when this box has none for it.
   */
  get(id: string): Promise<ScreenPreview | null> | null {
    const kept = this.#kept.get(id);
    if (kept) {
      this.#kept.delete(id);
      this.#kept.set(id, kept);
      return Promise.resolve(kept);
    }
    return this.#pending.get(id) ?? null;
  }

  /** Keeps a preview (rendered ahead, or on request), dropping the least recently used. */
  keep(id: string, preview: ScreenPreview): void {
    const size = preview.jpeg.byteLength;
    if (size > this.#maxBytes) return;
    const old = this.#kept.get(id);
    if (old) {
      this.#kept.delete(id);
      this.#bytes -= old.jpeg.byteLength;
    }
    this.#kept.set(id, preview);
    this.#bytes += size;
    for (const [oldest, entry] of this.#kept) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#kept.delete(oldest);
      this.#bytes -= entry.jpeg.byteLength;
    }
  }

  /** Shutdown: renders still waiting are skipped; the one under way ends. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#waiting.splice(0)) job.done(null);
    await this.#rendering;
  }

  async #pump(): Promise<void> {
    // Yield first, so `#rendering` is set before this can end.
    await Promise.resolve();
    try {
      for (let job = this.#waiting.shift(); job; job = this.#waiting.shift()) {
        if (job.after) await job.after.catch(() => {});
        job.done(await this.#renderOne(job));
      }
    } finally {
      this.#rendering = null;
    }
  }

  async #renderOne(job: Waiting): Promise<ScreenPreview | null> {
    const started = performance.now();
    try {
      const { pixels, widthPx, heightPx, bayerPattern } = job.frame;
      const jpeg = await this.#o.runner.run<Uint8Array>(
        "previewJpeg",
        {
          frame: { pixels, widthPx, heightPx, bayerPattern },
          options: { maxSizePx: SCREEN_PREVIEW.maxSizePx, quality: SCREEN_PREVIEW.quality },
        } satisfies PreviewJob,
        [],
        { urgent: true },
      );
      this.#lastRenderMs = performance.now() - started;
      this.#o.log.debug("screen preview rendered", {
        frame_id: job.id,
        elapsed_ms: Math.round(this.#lastRenderMs),
      });
      return { jpeg, ...jpegSize(jpeg) };
    } catch (err) {
      this.#o.log.warn("the screen preview could not be rendered ahead; it will be on request", {
        frame_id: job.id,
        reason: err instanceof Error ? err.message : String(err),
      });
      return null;
    }
  }
}
