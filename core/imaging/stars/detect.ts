/**
 * Finds star candidates: a significance map (the image smoothed by a 5×5 binomial kernel — a
 * light matched filter for σ ≈ 1 px — minus the background map, divided by the smoothed noise),
 * then 8-connected components above `thresholdSigma` with a minimum area, then deblending inside
 * each component: every local maximum that is separated from the brighter ones by a saddle deep
 * enough (both in sigmas and as a fraction of its height) becomes its own candidate — a
 * watershed from the peaks, decided by the saddle. The map is built row by row in one pass over
 * the pixels with three row buffers, so the only frame-sized allocations are the map and a
 * visited mask.
 */
import type { MonoImage } from "../image.ts";
import { type BackgroundMesh, BackgroundRows } from "./background.ts";

/** Noise of white noise after the 5×5 binomial kernel: Σk² = (70/256)², so σ × 70/256. */
export const SMOOTHED_NOISE_FACTOR = 70 / 256;
/** A saddle must drop this many sigmas below the fainter peak… */
const DEBLEND_MIN_DROP_SIGMA = 3;
/** …and this fraction of its height, or the two peaks are one star. */
const DEBLEND_MIN_CONTRAST = 0.15;
/** A nebula or a bloomed star is not split into more pieces than this. */
const MAX_PEAKS_PER_COMPONENT = 64;

export interface Candidate {
  /** Pixel of the peak of the significance map. */
  xPx: number;
  yPx: number;
  /** Height of that peak, sigmas of the smoothed noise. */
  significance: number;
}

/** (smoothed − background) / smoothed noise, per pixel. */
export function significanceMap(image: MonoImage, mesh: BackgroundMesh): Float32Array {
  const { widthPx: w, heightPx: h, pixels: p } = image;
  const out = new Float32Array(w * h);
  const rows = new BackgroundRows(mesh, w, SMOOTHED_NOISE_FACTOR * 256);
  const level = new Float32Array(w);
  const inverse = new Float32Array(w); // 1 / (smoothed noise × 256): the kernels' 1/16² folded in
  const v = new Float32Array(w + 4); // vertically smoothed row, padded by 2 each side
  for (let y = 0; y < h; y++) {
    const r0 = clampRow(y - 2, h) * w, r1 = clampRow(y - 1, h) * w, r2 = y * w;
    const r3 = clampRow(y + 1, h) * w, r4 = clampRow(y + 2, h) * w;
    for (let x = 0; x < w; x++) {
      v[x + 2] = p[r0 + x]! + p[r4 + x]! + 4 * (p[r1 + x]! + p[r3 + x]!) + 6 * p[r2 + x]!;
    }
    v[0] = v[1] = v[2]!;
    v[w + 2] = v[w + 3] = v[w + 1]!;
    rows.fill(y, level, inverse);
    for (let x = 0; x < w; x++) {
      const s = v[x]! + v[x + 4]! + 4 * (v[x + 1]! + v[x + 3]!) + 6 * v[x + 2]!;
      const k = inverse[x]!;
      out[r2 + x] = s * k - level[x]! * 256 * k;
    }
  }
  return out;
}

/** Candidates: 8-connected components above the threshold, each deblended into its peaks. */
export function findCandidates(
  significance: Float32Array,
  widthPx: number,
  heightPx: number,
  thresholdSigma: number,
  minAreaPx: number,
): Candidate[] {
  const w = widthPx, h = heightPx, sig = significance;
  const visited = new Uint8Array(w * h);
  let list = new Int32Array(4096);
  const found: Candidate[] = [];
  for (let start = 0; start < sig.length; start++) {
    if (!(sig[start]! > thresholdSigma) || visited[start]) continue;
    let len = 0;
    list[len++] = start;
    visited[start] = 1;
    for (let head = 0; head < len; head++) {
      const q = list[head]!;
      const x = q % w, y = (q - x) / w;
      const x0 = x > 0 ? -1 : 0, x1 = x < w - 1 ? 1 : 0;
      const y0 = y > 0 ? -1 : 0, y1 = y < h - 1 ? 1 : 0;
      for (let dy = y0; dy <= y1; dy++) {
        for (let dx = x0; dx <= x1; dx++) {
          const n = q + dy * w + dx;
          if (visited[n] || !(sig[n]! > thresholdSigma)) continue;
          visited[n] = 1;
          if (len === list.length) {
            const grown = new Int32Array(list.length * 2);
            grown.set(list);
            list = grown;
          }
          list[len++] = n;
        }
      }
    }
    if (len >= minAreaPx) deblend(sig, w, h, list.subarray(0, len), found);
  }
  return found;
}

function deblend(
  sig: Float32Array,
  w: number,
  h: number,
  pixels: Int32Array,
  out: Candidate[],
): void {
  let peaks: Candidate[] = [];
  for (const q of pixels) {
    const x = q % w, y = (q - x) / w, v = sig[q]!;
    let isMax = true;
    for (let dy = -1; dy <= 1 && isMax; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= h) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if ((dx === 0 && dy === 0) || xx < 0 || xx >= w) continue;
        if (sig[yy * w + xx]! > v) {
          isMax = false;
          break;
        }
      }
    }
    if (isMax) peaks.push({ xPx: x, yPx: y, significance: v });
  }
  peaks.sort((a, b) => b.significance - a.significance);
  if (peaks.length > MAX_PEAKS_PER_COMPONENT) peaks = peaks.slice(0, MAX_PEAKS_PER_COMPONENT);
  const kept: Candidate[] = [];
  for (const peak of peaks) {
    const needed = Math.max(DEBLEND_MIN_DROP_SIGMA, DEBLEND_MIN_CONTRAST * peak.significance);
    // A plateau (saturated core) has several equal maxima and no saddle between them: merged.
    const separate = kept.every((k) =>
      peak.significance - lowestBetween(sig, w, k, peak) >= needed
    );
    if (separate) kept.push(peak);
  }
  out.push(...kept);
}

/** The lowest value of the map on the straight line between two peaks, sampled every ½ px. */
function lowestBetween(sig: Float32Array, w: number, a: Candidate, b: Candidate): number {
  const dx = b.xPx - a.xPx, dy = b.yPx - a.yPx;
  const steps = Math.max(1, Math.ceil(2 * Math.hypot(dx, dy)));
  let lowest = Infinity;
  for (let s = 1; s < steps; s++) {
    const x = Math.round(a.xPx + (dx * s) / steps), y = Math.round(a.yPx + (dy * s) / steps);
    const v = sig[y * w + x]!;
    if (v < lowest) lowest = v;
  }
  return lowest === Infinity ? Math.min(a.significance, b.significance) : lowest;
}

function clampRow(y: number, h: number): number {
  return y < 0 ? 0 : y >= h ? h - 1 : y;
}
