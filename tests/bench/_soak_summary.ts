/**
 * The figures of the soak (soak_bench.ts) from its RSS samples. RSS on a box taking frames is a
 * saw-tooth (a 12 MB frame and the buffers it passes through come and go with each frame, and
 * freed buffers wait for a garbage collection), so single samples say little: "after warm-up" and
 * "end" are means over a minute, and the trend is the slope of a least-squares line through every
 * sample after warm-up (the first sixth of the run). The slope of the last half shows whether a
 * rise is levelling off.
 */

export interface RssSample {
  /** Minutes since the first exposure. */
  minutes: number;
  mb: number;
  /** The host's 1-minute load average. */
  load: number;
}

export interface SoakSummary {
  rssAfterWarmUpMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  slopeAfterWarmUpMbPerH: number;
  slopeLastHalfMbPerH: number;
  loadMean: number;
}

/** Least-squares slope of `ys` over `xs` (0 for fewer than two distinct xs). */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;

export function summarizeSoak(samples: readonly RssSample[], minutes: number): SoakSummary {
  const warmUp = minutes / 6;
  const after = samples.filter((s) => s.minutes >= warmUp);
  const lastHalf = after.filter((s) => s.minutes >= (warmUp + minutes) / 2);
  const end = samples.at(-1)?.minutes ?? 0;
  const perHour = (list: readonly RssSample[]) =>
    slope(list.map((s) => s.minutes), list.map((s) => s.mb)) * 60;
  return {
    rssAfterWarmUpMb: mean(after.filter((s) => s.minutes < warmUp + 1).map((s) => s.mb)),
    rssEndMb: mean(samples.filter((s) => s.minutes > end - 1).map((s) => s.mb)),
    rssPeakMb: samples.length === 0 ? NaN : Math.max(...samples.map((s) => s.mb)),
    slopeAfterWarmUpMbPerH: perHour(after),
    slopeLastHalfMbPerH: perHour(lastHalf),
    loadMean: mean(samples.map((s) => s.load)),
  };
}
