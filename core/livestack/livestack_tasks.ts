/**
 * The heavy steps of live stacking as worker tasks: pure functions of plain data and typed
 * arrays, registered in core/imaging/worker_tasks.ts so the pool runs them off the event loop,
 * and called directly when there is no pool. Buffers move in and out (transferred, not copied):
 * the accumulator travels to the worker for `livestackAccumulate` and comes back with the
 * preview JPEG, so a 24-megapixel stack is never copied.
 */
import type { BayerPattern } from "../../devices/camera.ts";
import { debayerBilinear, debayerSuperpixel } from "../imaging/debayer.ts";
import { decodeFits } from "../../lib/fits/mod.ts";
import type { MonoImage } from "../imaging/image.ts";
import { registerStars, type RegistrationOptions } from "../imaging/register/register.ts";
import type { AffineTransform } from "../imaging/register/transform.ts";
import {
  type AccumulatorOptions,
  type AccumulatorState,
  type AddResult,
  createAccumulatorState,
  StackAccumulator,
} from "../imaging/stack/accumulator.ts";
import { renderStackJpeg } from "../imaging/stack/stack_preview.ts";
import { analyzeFrame } from "../imaging/stars/analyze.ts";
import type { AnalysisOptions, FrameAnalysis, Star } from "../imaging/stars/types.ts";
import { type WarpMethod, warpPlane } from "../imaging/warp.ts";

/** FITS bytes → a Float32 image (the Bayer pattern from BAYERPAT, when there is one). */
export function decodeTask(args: { fits: Uint8Array }): MonoImage {
  const fits = decodeFits(args.fits);
  if (fits.planes !== 1) {
    throw new Error(`frame has ${fits.planes} planes; live stacking takes raw frames`);
  }
  const pattern = fits.header.get("BAYERPAT");
  return {
    widthPx: fits.widthPx,
    heightPx: fits.heightPx,
    pixels: fits.pixels instanceof Float32Array ? fits.pixels : Float32Array.from(fits.pixels),
    bayerPattern: typeof pattern === "string" ? pattern.trim() as BayerPattern : null,
  };
}

/** Star analysis; the image comes back so the caller can stack it. */
export function analyzeTask(
  args: { image: MonoImage; options: AnalysisOptions },
): { analysis: FrameAnalysis; image: MonoImage } {
  return { analysis: analyzeFrame(args.image, args.options), image: args.image };
}

export function registerTask(
  args: { frameStars: Star[]; refStars: Star[]; options: RegistrationOptions },
): ReturnType<typeof registerStars> {
  return registerStars(args.frameStars, args.refStars, args.options);
}

export interface AccumulateJob {
  /** Null for the first frame: the stack is created at its size. */
  state: AccumulatorState | null;
  image: MonoImage;
  /** Frame → reference, in full-resolution pixels. */
  transform: AffineTransform;
  debayer: "bilinear" | "superpixel";
  interpolation: WarpMethod;
  accumulator: AccumulatorOptions;
  noiseFloorAdu: number;
  previewMaxPx: number;
}

/**
 * The state's fields sit at the top level (not under `state`) because the worker transfers the
 * typed arrays it finds within two levels of the result and copies the rest.
 */
export interface AccumulateResult extends AccumulatorState {
  added: AddResult;
  preview: Uint8Array;
}

/** The accumulator part of a task result. */
export function stateOf(result: AccumulatorState): AccumulatorState {
  const { widthPx, heightPx, mean, m2, count, frames } = result;
  return { widthPx, heightPx, mean, m2, count, frames };
}

/**
 * The same transform between superpixel grids: superpixel X covers full-resolution pixels 2X
 * and 2X+1, so x = 2X + 0.5 and the linear part is unchanged.
 */
function toSuperpixel(t: AffineTransform): AffineTransform {
  return {
    ...t,
    tx: (0.5 * (t.a + t.b) + t.tx - 0.5) / 2,
    ty: (0.5 * (t.c + t.d) + t.ty - 0.5) / 2,
  };
}

/** Debayer (colour), warp into the reference grid, accumulate, render the preview. */
export function accumulateTask(job: AccumulateJob): AccumulateResult {
  const { image } = job;
  let planes: Float32Array[];
  let widthPx = image.widthPx;
  let heightPx = image.heightPx;
  let transform = job.transform;
  if (image.bayerPattern) {
    const rgb = job.debayer === "superpixel" ? debayerSuperpixel(image) : debayerBilinear(image);
    planes = [rgb.r, rgb.g, rgb.b];
    if (job.debayer === "superpixel") transform = toSuperpixel(transform);
    widthPx = rgb.widthPx;
    heightPx = rgb.heightPx;
  } else {
    planes = [image.pixels];
  }
  const state = job.state ?? createAccumulatorState(widthPx, heightPx, planes.length as 1 | 3);
  const identity = transform.a === 1 && transform.b === 0 && transform.c === 0 &&
    transform.d === 1 && transform.tx === 0 && transform.ty === 0 &&
    widthPx === state.widthPx && heightPx === state.heightPx;
  const warped = identity ? planes : planes.map((p) =>
    warpPlane(p, widthPx, heightPx, transform, {
      method: job.interpolation,
      widthPx: state.widthPx,
      heightPx: state.heightPx,
    })
  );
  const stack = new StackAccumulator(state, job.accumulator);
  const added = stack.add(warped, job.noiseFloorAdu);
  // The mean is 0 where no frame reached, so it previews as it is, without a copy.
  const preview = state.mean.length === 1
    ? { widthPx: state.widthPx, heightPx: state.heightPx, pixels: state.mean[0]! }
    : {
      widthPx: state.widthPx,
      heightPx: state.heightPx,
      r: state.mean[0]!,
      g: state.mean[1]!,
      b: state.mean[2]!,
    };
  return {
    ...state,
    added,
    preview: renderStackJpeg(preview, { maxSizePx: job.previewMaxPx }).jpeg,
  };
}

/** The preview of a stack (after a restart, before any new frame). */
export function previewTask(
  args: { state: AccumulatorState; maxSizePx: number },
): AccumulatorState & { preview: Uint8Array } {
  const s = args.state;
  const image = s.mean.length === 1
    ? { widthPx: s.widthPx, heightPx: s.heightPx, pixels: s.mean[0]! }
    : { widthPx: s.widthPx, heightPx: s.heightPx, r: s.mean[0]!, g: s.mean[1]!, b: s.mean[2]! };
  return { ...s, preview: renderStackJpeg(image, { maxSizePx: args.maxSizePx }).jpeg };
}

/** Every buffer of a state, for the transfer list. */
export function stateBuffers(state: AccumulatorState | null): ArrayBuffer[] {
  if (!state) return [];
  // A Set: planes may share a buffer, and a buffer listed twice cannot be transferred.
  return [
    ...new Set([...state.mean, ...state.m2, ...state.count].map((p) => p.buffer as ArrayBuffer)),
  ];
}

export const livestackTasks = {
  livestackDecode: decodeTask,
  livestackAnalyze: analyzeTask,
  livestackRegister: registerTask,
  livestackAccumulate: accumulateTask,
  livestackPreview: previewTask,
};
