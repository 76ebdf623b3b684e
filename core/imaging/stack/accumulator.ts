/**
 * The live stack: a running per-pixel mean in Float32 with outlier rejection, one frame at a
 * time and in constant memory (no frame is kept). Each pixel holds Welford's running mean and
 * sum of squared deviations and a count; once a pixel has `minFramesForRejection` samples (3 by
 * default), a new sample further than κσ from the mean is either dropped ("kappa-sigma") or
 * pulled in to mean ± κσ ("winsorized"), so a satellite trail, a plane or a cosmic ray in one
 * frame leaves no mark. σ is floored at the frame's own noise, because the spread of three or
 * four samples can be tiny by chance and would then reject good data. The first samples of a
 * pixel cannot be judged: an outlier in the first two frames stays (a known limit of running
 * rejection). NaN in a frame means "not covered" (outside a warped frame) and is skipped, so the
 * count varies per pixel. The state is plain typed arrays, so it can move to a worker and back.
 */
import type { MonoImage, RgbImage } from "../image.ts";

export type RejectionMethod = "kappa-sigma" | "winsorized" | "none";

export interface AccumulatorOptions {
  rejection?: RejectionMethod;
  /** Rejection threshold in standard deviations (default 3). */
  kappa?: number;
  /** Samples a pixel needs before rejection applies (default 3). */
  minFramesForRejection?: number;
}

/** Everything the stack is: what is saved to disk and sent to a worker. */
export interface AccumulatorState {
  widthPx: number;
  heightPx: number;
  /** One plane for mono, three (R, G, B) for colour; the same in `m2` and `count`. */
  mean: Float32Array[];
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2: Float32Array[];
  count: Uint16Array[];
  /** Frames added. */
  frames: number;
}

export interface AddResult {
  /** Samples dropped or clipped by the rejection, over all planes. */
  rejectedSamples: number;
  /** Samples that were covered (not NaN), over all planes. */
  coveredSamples: number;
}

const MAX_COUNT = 65535;

export function createAccumulatorState(
  widthPx: number,
  heightPx: number,
  planes: 1 | 3,
): AccumulatorState {
  if (!Number.isInteger(widthPx) || widthPx < 1 || !Number.isInteger(heightPx) || heightPx < 1) {
    throw new RangeError(`stack size must be positive integers, got ${widthPx}×${heightPx}`);
  }
  const n = widthPx * heightPx;
  const make = <T>(f: () => T) => Array.from({ length: planes }, f);
  return {
    widthPx,
    heightPx,
    mean: make(() => new Float32Array(n)),
    m2: make(() => new Float32Array(n)),
    count: make(() => new Uint16Array(n)),
    frames: 0,
  };
}

export class StackAccumulator {
  #s: AccumulatorState;
  #rejection: RejectionMethod;
  #kappa: number;
  #minFrames: number;

  constructor(state: AccumulatorState, options: AccumulatorOptions = {}) {
    const n = state.widthPx * state.heightPx;
    const planes = state.mean.length;
    if (
      (planes !== 1 && planes !== 3) || state.m2.length !== planes ||
      state.count.length !== planes ||
      [...state.mean, ...state.m2, ...state.count].some((p) => p.length !== n)
    ) {
      throw new RangeError(`stack state planes do not match ${state.widthPx}×${state.heightPx}`);
    }
    const kappa = options.kappa ?? 3;
    if (!(kappa > 0)) throw new RangeError(`stack kappa must be > 0, got ${kappa}`);
    const minFrames = options.minFramesForRejection ?? 3;
    if (!Number.isInteger(minFrames) || minFrames < 2) {
      throw new RangeError(`minFramesForRejection must be an integer ≥ 2, got ${minFrames}`);
    }
    this.#s = state;
    this.#rejection = options.rejection ?? "kappa-sigma";
    this.#kappa = kappa;
    this.#minFrames = minFrames;
  }

  get state(): AccumulatorState {
    return this.#s;
  }

  get frames(): number {
    return this.#s.frames;
  }

  get planes(): number {
    return this.#s.mean.length;
  }

  /**
   * Adds one registered frame (planes in the stack's size; NaN = not covered). `noiseFloorAdu`
   * is the frame's background noise, the least σ the rejection assumes.
   */
  add(planes: readonly Float32Array[], noiseFloorAdu = 0): AddResult {
    const s = this.#s;
    if (planes.length !== s.mean.length) {
      throw new RangeError(`frame has ${planes.length} planes, the stack ${s.mean.length}`);
    }
    const result: AddResult = { rejectedSamples: 0, coveredSamples: 0 };
    for (let c = 0; c < planes.length; c++) {
      const frame = planes[c]!;
      if (frame.length !== s.widthPx * s.heightPx) {
        throw new RangeError(
          `frame plane has ${frame.length} samples, the stack ${s.widthPx}×${s.heightPx}`,
        );
      }
      this.#addPlane(frame, s.mean[c]!, s.m2[c]!, s.count[c]!, noiseFloorAdu, result);
    }
    s.frames++;
    return result;
  }

  #addPlane(
    frame: Float32Array,
    mean: Float32Array,
    m2: Float32Array,
    count: Uint16Array,
    noiseFloorAdu: number,
    result: AddResult,
  ): void {
    const reject = this.#rejection !== "none";
    const winsorize = this.#rejection === "winsorized";
    const k2 = this.#kappa * this.#kappa;
    const floor2 = noiseFloorAdu * noiseFloorAdu;
    const minFrames = this.#minFrames;
    let rejected = 0;
    let covered = 0;
    for (let i = 0; i < frame.length; i++) {
      let x = frame[i]!;
      if (x !== x) continue; // NaN: outside this frame
      covered++;
      const n = count[i]!;
      if (n >= MAX_COUNT) continue;
      const mu = mean[i]!;
      if (reject && n >= minFrames) {
        const d = x - mu;
        const variance = Math.max(m2[i]! / (n - 1), floor2);
        // Compare squares: no square root per pixel.
        if (d * d > k2 * variance) {
          rejected++;
          if (!winsorize) continue;
          const limit = Math.sqrt(k2 * variance);
          x = d > 0 ? mu + limit : mu - limit;
        }
      }
      const n1 = n + 1;
      const delta = x - mu;
      const updated = mu + delta / n1;
      mean[i] = updated;
      m2[i] = m2[i]! + delta * (x - updated);
      count[i] = n1;
    }
    result.rejectedSamples += rejected;
    result.coveredSamples += covered;
  }

  /**
   * The stacked image (a copy): the mean per pixel, 0 where no frame covered it, so viewers that
   * choke on NaN still open it.
   */
  toImage(): MonoImage | RgbImage {
    const s = this.#s;
    const planes = s.mean.map((mean, c) => {
      const count = s.count[c]!;
      const out = new Float32Array(mean.length);
      for (let i = 0; i < mean.length; i++) out[i] = count[i]! > 0 ? mean[i]! : 0;
      return out;
    });
    if (planes.length === 1) {
      return { widthPx: s.widthPx, heightPx: s.heightPx, pixels: planes[0]!, bayerPattern: null };
    }
    return {
      widthPx: s.widthPx,
      heightPx: s.heightPx,
      r: planes[0]!,
      g: planes[1]!,
      b: planes[2]!,
    };
  }
}
