/**
 * Automatic screen stretch, as PixInsight's STF AutoStretch does it: from the median and the
 * median absolute deviation (MAD) of the linear data, clip the shadows at
 * median − 2.8 × 1.4826 × MAD and choose the midtones balance that puts the background at 0.25.
 * Statistics come from a 65536-bin histogram rather than a sort: one pass over a 24-megapixel
 * frame, no copy. The stretch itself becomes a 16-bit → 8-bit lookup table.
 */

export const ADU_MAX = 65535;
/** PixInsight's defaults. */
export const SHADOWS_CLIP_MADN = -2.8;
export const TARGET_BACKGROUND = 0.25;
/** MAD → standard deviation of a normal distribution. */
const MAD_TO_SIGMA = 1.4826;

export interface HistogramStats {
  medianAdu: number;
  madAdu: number;
  count: number;
}

/** Normalised (0..1) screen transfer: clip below shadows, midtones balance, highlights at 1. */
export interface StretchParams {
  shadows: number;
  midtones: number;
  highlights: number;
}

/** Counts samples into a 65536-bin histogram (a fresh one unless `into` is given). */
export function histogram16(
  pixels: Uint16Array,
  into: Uint32Array = new Uint32Array(ADU_MAX + 1),
): Uint32Array {
  for (let i = 0; i < pixels.length; i++) into[pixels[i]!]!++;
  return into;
}

/** The value where the cumulative count first exceeds half of `count` (the lower median). */
function medianOf(hist: Uint32Array, count: number): number {
  const half = count / 2;
  let cumulative = 0;
  for (let v = 0; v < hist.length; v++) {
    cumulative += hist[v]!;
    if (cumulative > half) return v;
  }
  return hist.length - 1;
}

/** Median and MAD of a histogram, both in ADU, without touching the pixels again. */
export function histogramStats(hist: Uint32Array): HistogramStats {
  let count = 0;
  for (let v = 0; v < hist.length; v++) count += hist[v]!;
  if (count === 0) return { medianAdu: 0, madAdu: 0, count: 0 };
  const medianAdu = medianOf(hist, count);
  // Fold the histogram around the median: bin d counts the samples |v − median| = d away.
  const deviations = new Uint32Array(hist.length);
  for (let v = 0; v < hist.length; v++) deviations[Math.abs(v - medianAdu)]! += hist[v]!;
  return { medianAdu, madAdu: medianOf(deviations, count), count };
}

/** PixInsight's midtones transfer function: 0 → 0, m → 0.5, 1 → 1. */
export function mtf(midtones: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x === midtones) return 0.5;
  return ((midtones - 1) * x) / ((2 * midtones - 1) * x - midtones);
}

/**
 * STF parameters from statistics. A MAD of 0 (a synthetic or saturated frame) is treated as
 * 1 ADU so the clip point stays below the median instead of on it.
 */
export function autoStretchParams(
  stats: HistogramStats,
  opts: { targetBackground?: number; shadowsClipMadn?: number } = {},
): StretchParams {
  const target = opts.targetBackground ?? TARGET_BACKGROUND;
  const clipMadn = opts.shadowsClipMadn ?? SHADOWS_CLIP_MADN;
  const median = stats.medianAdu / ADU_MAX;
  const madn = (MAD_TO_SIGMA * Math.max(stats.madAdu, 1)) / ADU_MAX;
  const shadows = Math.min(Math.max(median + clipMadn * madn, 0), median);
  // The background after clipping, rescaled to the clipped range: solving mtf(m, x) = target
  // for m gives m = mtf(target, x), because the MTF is its own inverse in this sense.
  const background = (median - shadows) / (1 - shadows);
  const midtones = background > 0 ? mtf(target, background) : 0.5;
  return { shadows, midtones, highlights: 1 };
}

/** Applies the STF to a normalised value. */
export function applyStretch(params: StretchParams, x: number): number {
  const range = params.highlights - params.shadows;
  if (range <= 0) return x >= params.highlights ? 1 : 0;
  return mtf(params.midtones, (x - params.shadows) / range);
}

/** A table mapping every 16-bit ADU to its stretched 8-bit value. */
export function stretchLut(params: StretchParams): Uint8Array {
  const lut = new Uint8Array(ADU_MAX + 1);
  for (let v = 0; v <= ADU_MAX; v++) {
    lut[v] = Math.round(applyStretch(params, v / ADU_MAX) * 255);
  }
  return lut;
}

/**
 * How a colour image's channels share the stretch. "unlinked" stretches each channel from its
 * own statistics, which neutralises a colour cast of the sky background (light pollution, an
 * OSC sensor's green excess); "linked" applies one stretch from the channels' mean median and
 * MAD, which keeps the data's true colour ratios.
 */
export type ColourBalance = "linked" | "unlinked";

/** STF parameters per channel (same order as `stats`) under the chosen colour balance. */
export function colourStretchParams(
  stats: HistogramStats[],
  opts: { balance?: ColourBalance; targetBackground?: number; shadowsClipMadn?: number } = {},
): StretchParams[] {
  const balance = opts.balance ?? "unlinked";
  if (balance !== "linked" && balance !== "unlinked") {
    throw new RangeError(`colour balance must be "linked" or "unlinked", got ${balance}`);
  }
  if (balance === "unlinked" || stats.length < 2) {
    return stats.map((s) => autoStretchParams(s, opts));
  }
  const mean = (pick: (s: HistogramStats) => number) =>
    stats.reduce((sum, s) => sum + pick(s), 0) / stats.length;
  const shared = autoStretchParams({
    medianAdu: mean((s) => s.medianAdu),
    madAdu: mean((s) => s.madAdu),
    count: stats.reduce((sum, s) => sum + s.count, 0),
  }, opts);
  return stats.map(() => shared);
}
