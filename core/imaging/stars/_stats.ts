/**
 * Order statistics the star analyser shares: medians (mean of the two middle values for even
 * counts) and the sigma-clipped level and noise of a background sample. Kept apart so the
 * background, the frame summary and the tests agree on them.
 */

/** Std of a unit normal clipped at ±3σ is 0.98658: undo that shrinkage of the clipped sigma. */
const CLIP_SIGMA = 3;
const CLIPPED_STD_CORRECTION = 1 / 0.98658;

/** Median of the values; sorts `values` in place. NaN for an empty array. */
export function median(values: Float32Array | Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  values.sort();
  return n % 2 === 1 ? values[n >> 1]! : (values[(n >> 1) - 1]! + values[n >> 1]!) / 2;
}

/** Median of a plain list of numbers (not modified); null when it is empty. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return median(Float64Array.from(values));
}

/**
 * Level and sigma of a sample by iterative clipping at ±3σ around the median. Each round
 * compacts the kept values to the front; medians come from quickselect, so nothing sorts. The
 * level is SExtractor's mode estimate 2.5·median − 1.5·mean, or the median when the clipped
 * distribution is still skewed by crowding (|mean − median| > 0.3σ). Null when too little is
 * left to trust (a cell covered by a saturated star or a masked region). Reorders `sample`.
 */
export function clippedStats(
  sample: Float32Array,
): { level: number; median: number; sigma: number } | null {
  const total = sample.length;
  if (total < 16) return null;
  let count = total;
  // The clipping centre is the median of the whole sample; recomputing it each round moves it by
  // a small fraction of σ and would cost a quickselect per round. The final median is exact.
  let med = medianInPlace(sample, count), sigma = 0;
  for (let round = 0; round < 10; round++) {
    let sum = 0, sum2 = 0;
    for (let i = 0; i < count; i++) {
      const d = sample[i]! - med;
      sum += d;
      sum2 += d * d;
    }
    sigma = Math.sqrt(Math.max(0, sum2 / count - (sum / count) ** 2));
    const lo = med - CLIP_SIGMA * sigma, hi = med + CLIP_SIGMA * sigma;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const v = sample[i]!;
      if (v >= lo && v <= hi) sample[kept++] = v;
    }
    if (kept === count) break;
    count = kept;
    if (count < total * 0.2) return null;
  }
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sample[i]!;
  const mean = sum / count;
  med = medianInPlace(sample, count);
  sigma *= CLIPPED_STD_CORRECTION;
  const skewed = Math.abs(mean - med) > 0.3 * sigma;
  return { level: skewed ? med : 2.5 * med - 1.5 * mean, median: med, sigma };
}

/** Median of a[0..n) by Hoare quickselect (mean of the middle two for even n); reorders a. */
export function medianInPlace(a: Float32Array, n: number): number {
  const k = n >> 1;
  const upper = select(a, n, k);
  if (n % 2 === 1) return upper;
  // After selecting k, everything before it is ≤ a[k]: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < k; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

function select(a: Float32Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}
