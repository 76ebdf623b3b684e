/**
 * A saved frame as the phone's image viewer reads it, on the worker side: a region of the frame
 * at a scale as a JPEG (stretched as the whole frame is, or by the user's black/mid/white), the
 * frame's stars with their HFR, and its histogram. Panning and zooming ask for one region after
 * another of the same frame, so each worker keeps the last frame it decoded (keyed by path, size
 * and modification time) with its auto stretch and, once asked, its star analysis: a 24-megapixel
 * FITS file is read and decoded once per frame, not once per gesture.
 */
import { decodeFits } from "../../lib/fits/mod.ts";
import { histogram, type ImageHistogram } from "./histogram.ts";
import { jpegSize } from "./jpeg_size.ts";
import type { RgbImage } from "./image.ts";
import { frameStretchParams, type PreviewFrame, renderPreviewJpeg } from "./preview.ts";
import { renderRgbPreviewJpeg, rgbStretchParams } from "./preview_rgb.ts";
import { type FitsPicture, pictureFromFits } from "./preview_tasks.ts";
import { analyzeFrameTask } from "./stars/analysis_task.ts";
import type { FrameAnalysis } from "./stars/types.ts";
import type { StretchParams } from "./stretch.ts";

/** A rectangle in frame pixels, origin top left. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type ViewStretch =
  | { mode: "auto" }
  /** Normalised 0..1: clip below `black`, above `white`; `mid` is the midtones balance. */
  | { mode: "manual"; black: number; white: number; mid: number };

/** A frame still in the box's memory (the one just taken), so the worker need not decode it. */
export interface KnownFrame {
  frame: PreviewFrame;
  pixelScaleArcsec: number | null;
}

export interface RegionJob {
  path: string;
  /** The file's pixels when the caller has them (cloned to the worker); else the file is read. */
  known?: KnownFrame;
  /** The whole frame when absent. */
  region?: PixelRect;
  /** Longest side of the JPEG at most this; the region is box-averaged down to it. */
  maxSizePx: number;
  quality?: number;
  stretch: ViewStretch;
}

export interface RegionResult {
  jpeg: Uint8Array;
  /** The region rendered, after clamping to the frame (and to even pixels on a Bayer frame). */
  region: PixelRect;
  widthPx: number;
  heightPx: number;
  frameWidthPx: number;
  frameHeightPx: number;
}

export interface StarsJob {
  path: string;
}

export interface HistogramFileJob {
  path: string;
  bins: number;
}

interface LoadedFrame {
  key: string;
  picture: FitsPicture;
  widthPx: number;
  heightPx: number;
  autoStretch: StretchParams[];
  pixelScaleArcsec: number | null;
  analysis: FrameAnalysis | null;
}

let cached: LoadedFrame | null = null;

/** Arcsec per pixel from the header's focal length and binned pixel size, when both are there. */
function headerPixelScale(header: Map<string, unknown>): number | null {
  const focal = header.get("FOCALLEN");
  const pixel = header.get("XPIXSZ");
  if (typeof focal !== "number" || typeof pixel !== "number" || !(focal > 0) || !(pixel > 0)) {
    return null;
  }
  return (206.265 * pixel) / focal;
}

async function load(path: string, known?: KnownFrame): Promise<LoadedFrame> {
  const info = await Deno.stat(path);
  const key = `${path}\0${info.size}\0${info.mtime?.getTime() ?? 0}`;
  if (cached?.key === key) return cached;
  cached = null; // let the previous frame go before the next is allocated
  if (known) {
    cached = {
      key,
      picture: { kind: "raw", frame: known.frame },
      widthPx: known.frame.widthPx,
      heightPx: known.frame.heightPx,
      autoStretch: frameStretchParams(known.frame),
      pixelScaleArcsec: known.pixelScaleArcsec,
      analysis: null,
    };
    return cached;
  }
  const decoded = decodeFits(await Deno.readFile(path));
  const picture = pictureFromFits(decoded);
  const autoStretch = picture.kind === "rgb"
    ? rgbStretchParams(picture.rgb)
    : frameStretchParams(picture.frame);
  cached = {
    key,
    picture,
    widthPx: decoded.widthPx,
    heightPx: decoded.heightPx,
    autoStretch,
    pixelScaleArcsec: headerPixelScale(decoded.header),
    analysis: null,
  };
  return cached;
}

/** The region inside the frame; on a Bayer frame, on even pixels so the colour sites keep. */
export function clampRegion(
  region: PixelRect | undefined,
  widthPx: number,
  heightPx: number,
  bayer: boolean,
): PixelRect {
  if (!region) return { x: 0, y: 0, w: widthPx, h: heightPx };
  let x = Math.max(0, Math.min(widthPx - 1, Math.floor(region.x)));
  let y = Math.max(0, Math.min(heightPx - 1, Math.floor(region.y)));
  let w = Math.max(1, Math.min(widthPx - x, Math.ceil(region.w)));
  let h = Math.max(1, Math.min(heightPx - y, Math.ceil(region.h)));
  if (bayer && widthPx >= 2 && heightPx >= 2) {
    x -= x & 1;
    y -= y & 1;
    w = Math.max(2, Math.min(widthPx - x, w + (w & 1)));
    h = Math.max(2, Math.min(heightPx - y, h + (h & 1)));
  }
  return { x, y, w, h };
}

function cropPlane<T extends Uint16Array | Float32Array>(
  plane: T,
  widthPx: number,
  r: PixelRect,
  make: (n: number) => T,
): T {
  const out = make(r.w * r.h);
  for (let row = 0; row < r.h; row++) {
    const start = (r.y + row) * widthPx + r.x;
    out.set(plane.subarray(start, start + r.w) as unknown as ArrayLike<number>, row * r.w);
  }
  return out;
}

function stretchFor(frame: LoadedFrame, stretch: ViewStretch): StretchParams[] {
  if (stretch.mode === "auto") return frame.autoStretch;
  const { black, white, mid } = stretch;
  if (!(black >= 0 && white <= 1 && black < white && mid > 0 && mid < 1)) {
    throw new RangeError(
      `manual stretch needs 0 ≤ black < white ≤ 1 and 0 < mid < 1, got ${black}/${mid}/${white}`,
    );
  }
  return [{ shadows: black, midtones: mid, highlights: white }];
}

export async function frameRegionTask(job: RegionJob): Promise<RegionResult> {
  const frame = await load(job.path, job.known);
  const { picture, widthPx, heightPx } = frame;
  const bayer = picture.kind === "raw" && picture.frame.bayerPattern !== null;
  const r = clampRegion(job.region, widthPx, heightPx, bayer);
  const options = {
    maxSizePx: job.maxSizePx,
    quality: job.quality ?? 80,
    stretch: stretchFor(frame, job.stretch),
  };
  const whole = r.w === widthPx && r.h === heightPx;
  let jpeg: Uint8Array;
  if (picture.kind === "raw") {
    const source: PreviewFrame = whole ? picture.frame : {
      ...picture.frame,
      widthPx: r.w,
      heightPx: r.h,
      pixels: cropPlane(picture.frame.pixels, widthPx, r, (n) => new Uint16Array(n)),
    };
    jpeg = renderPreviewJpeg(source, options);
  } else {
    const crop = (p: Float32Array) => cropPlane(p, widthPx, r, (n) => new Float32Array(n));
    const rgb: RgbImage = whole ? picture.rgb : {
      widthPx: r.w,
      heightPx: r.h,
      r: crop(picture.rgb.r),
      g: crop(picture.rgb.g),
      b: crop(picture.rgb.b),
    };
    jpeg = renderRgbPreviewJpeg(rgb, options);
  }
  const size = jpegSize(jpeg);
  return {
    jpeg: jpeg.byteOffset === 0 && jpeg.byteLength === jpeg.buffer.byteLength ? jpeg : jpeg.slice(),
    region: r,
    widthPx: size.widthPx,
    heightPx: size.heightPx,
    frameWidthPx: widthPx,
    frameHeightPx: heightPx,
  };
}

export interface StarsResult {
  /** Null for a colour (RGB) image: star analysis works on raw frames. */
  analysis: FrameAnalysis | null;
  pixelScaleArcsec: number | null;
}

/** The frame's stars (brightest first, up to 2000) and figures. */
export async function frameStarsTask(job: StarsJob): Promise<StarsResult> {
  const frame = await load(job.path);
  if (frame.picture.kind === "raw") {
    frame.analysis ??= analyzeFrameTask({
      frame: frame.picture.frame,
      options: { pixelScaleArcsec: frame.pixelScaleArcsec, maxStars: 2000 },
    });
  }
  // Structured clone copies it: the cached analysis stays here for the next request.
  return { analysis: frame.analysis, pixelScaleArcsec: frame.pixelScaleArcsec };
}

export async function frameHistogramFileTask(job: HistogramFileJob): Promise<ImageHistogram> {
  const { picture } = await load(job.path);
  return histogram(picture.kind === "rgb" ? picture.rgb : picture.frame, job.bins);
}

/** Forgets the cached frame (tests, and a worker that should free its memory). */
export function forgetCachedFrame(): void {
  cached = null;
}
