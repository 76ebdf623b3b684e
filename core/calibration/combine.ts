/**
 * Pixel rejection for master frames: each output pixel is the sigma-clipped median (default) or
 * mean of that pixel across the source frames. Clipping follows astropy's `sigma_clip` defaults
 * so results can be checked against it: centre = median, spread = population standard deviation
 * of the survivors, reject |v − centre| > κσ, repeat until nothing more is rejected or the
 * iteration limit is reached. Values are sorted once per pixel; because the rejection window is
 * symmetric about the median, the survivors are always one contiguous run of the sorted values,
 * so each iteration only moves two indices.
 */
import type { CombineMethod } from "../schemas/calibration.ts";

export interface ClipOptions {
  method: CombineMethod;
  /** Rejection threshold in standard deviations. */
  kappa: number;
  /** Astropy's `maxiters`; 5 by default. */
  maxIterations?: number;
}

/**
 * The clipped combination of `values[0..n)`. Sorts that part of `values` in place (the caller's
 * scratch buffer). n = 0 is a RangeError; non-finite values are the caller's to exclude.
 */
export function clippedCombine(values: Float64Array, n: number, options: ClipOptions): number {
  if (n < 1 || n > values.length) throw new RangeError(`cannot combine ${n} values`);
  insertionSort(values, n);
  let lo = 0;
  let hi = n; // survivors are values[lo..hi)
  const maxIterations = options.maxIterations ?? 5;
  for (let iteration = 0; iteration < maxIterations && hi - lo > 2; iteration++) {
    const centre = medianOfSorted(values, lo, hi);
    const limit = options.kappa * stdDev(values, lo, hi);
    let newLo = lo;
    let newHi = hi;
    while (newLo < newHi && centre - values[newLo]! > limit) newLo++;
    while (newHi > newLo && values[newHi - 1]! - centre > limit) newHi--;
    if (newLo === lo && newHi === hi) break;
    lo = newLo;
    hi = newHi;
  }
  return options.method === "median" ? medianOfSorted(values, lo, hi) : mean(values, lo, hi);
}

/**
 * Combines one band: `frames[k]` holds the band of frame k (same length as `out`); `out[i]`
 * becomes the clipped combination of `frames[*][i]`.
 */
export function combineBand(frames: Float32Array[], out: Float32Array, options: ClipOptions): void {
  const n = frames.length;
  if (n === 0) throw new RangeError("cannot combine a band of zero frames");
  const scratch = new Float64Array(n);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < n; k++) scratch[k] = frames[k]![i]!;
    out[i] = clippedCombine(scratch, n, options);
  }
}

/** Median of a whole array (copied, not reordered): used to normalise flats to 1. */
export function medianOf(pixels: Float32Array): number {
  if (pixels.length === 0) throw new RangeError("median of no pixels");
  const sorted = Float32Array.from(pixels).sort();
  return medianOfSorted(sorted, 0, sorted.length);
}

function medianOfSorted(values: Float64Array | Float32Array, lo: number, hi: number): number {
  const n = hi - lo;
  const mid = lo + (n >> 1);
  return n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

function mean(values: Float64Array, lo: number, hi: number): number {
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += values[i]!;
  return sum / (hi - lo);
}

function stdDev(values: Float64Array, lo: number, hi: number): number {
  const m = mean(values, lo, hi);
  let sum = 0;
  for (let i = lo; i < hi; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / (hi - lo));
}

/** Fastest for the handful to few dozen frames of a calibration run. */
function insertionSort(values: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}
