/**
 * The simulated sensor's physics and the few loops every simulated frame shares, whatever is in
 * front of the lens: bias set by the offset, Gaussian read noise that falls with gain, dark
 * current that doubles every 6 °C, a fixed set of hot pixels, a uniform light level (sky or flat
 * panel, with vignetting) with its shot noise, Gaussian star images — smeared along a path when
 * the pointing moved during the exposure — and on-chip binning. sky.ts composes them into frames
 * of a seeded random star field, sky_true.ts into frames of the real sky. Shot noise is Gaussian
 * with the Poisson variance, drawn from a table of normals so 24 megapixels render in well under
 * 2 s; everything fixed comes from the sensor's seed, the noise from a per-frame seed.
 */
import type { BayerPattern } from "../camera.ts";

export interface SensorModel {
  widthPx: number;
  heightPx: number;
  bayerPattern: BayerPattern | null;
  /** Seeds the fixed pattern (hot pixels, random star field): same seed, same sensor. */
  seed: number;
}

/** One star image on the unbinned sensor. Pixel (0, 0) spans [0, 1) × [0, 1): its centre is 0.5. */
export interface Star {
  xPx: number;
  yPx: number;
  /** Total flux, electrons per second. */
  fluxEPerS: number;
  /** −1 (blue) .. +1 (red): tilts the R and B responses on a colour sensor. */
  tint: number;
  /** Where the star image is at the end of the exposure when the pointing moved (a trail). */
  endXPx?: number;
  endYPx?: number;
}

/** Unity gain (1 e⁻/ADU) at 100, ten times the conversion per 200 — like Sony IMX CMOS. */
export function aduPerElectron(gain: number): number {
  return 10 ** ((gain - 100) / 200);
}

/** High-conversion-gain mode kicks in at 100 and drops the read noise. */
export function readNoiseE(gain: number): number {
  return gain >= 100 ? 1.5 : 3.5 - (2 * gain) / 100;
}

export function biasAdu(offset: number): number {
  return 500 + 10 * offset;
}

/** Dark current, e⁻/s/px: 0.1 at 25 °C, doubling every 6 °C. */
export function darkCurrentEPerS(tempC: number): number {
  return 0.1 * 2 ** ((tempC - 25) / 6);
}

const HOT_PIXEL_FRACTION = 2e-4;
/** Star pixels below this many electrons are skipped: far under the read noise. */
const STAMP_FLOOR_E = 0.05;
/** A stamp never reaches further than this from the star, px (a saturated star's wings). */
const MAX_STAMP_RADIUS_PX = 60;
/** A trail is drawn as sub-images half a sigma apart, but never more of them than this. */
const MAX_TRAIL_STEPS = 400;
/** Responses of R, G, B sites to sky, panel and a neutral star. */
export const SKY_RESPONSE = [0.7, 1, 0.55];
export const FLAT_RESPONSE = [0.6, 1, 0.45];
const CHANNEL_INDEX: Record<string, number> = { R: 0, G: 1, B: 2 };

/** mulberry32: a tiny, fast, well-mixed seeded PRNG for the fixed pattern. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 65536 standard normals, scaled to exactly mean 0 and variance 1. Indexing it with 16 random
 * bits replaces Box–Muller's log, sqrt and cos per sample; the tails stop near ±4.5σ, which a
 * preview or a star detector cannot tell apart from the real thing.
 */
const NORMALS = (() => {
  const table = new Float32Array(65536);
  const random = mulberry32(0x5eed);
  for (let i = 0; i < table.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const theta = 2 * Math.PI * random();
    table[i] = r * Math.cos(theta);
    table[i + 1] = r * Math.sin(theta);
  }
  let mean = 0;
  for (const v of table) mean += v / table.length;
  let variance = 0;
  for (const v of table) variance += (v - mean) ** 2 / table.length;
  const sd = Math.sqrt(variance);
  for (let i = 0; i < table.length; i++) table[i] = (table[i]! - mean) / sd;
  return table;
})();

/** Channel of each CFA site, indexed (y & 1) * 2 + (x & 1); all "G" (response 1) when mono. */
export function siteChannels(pattern: BayerPattern | null): number[] {
  return pattern === null ? [1, 1, 1, 1] : [...pattern].map((c) => CHANNEL_INDEX[c]!);
}

/** Hot pixel indices and their dark-current multipliers, fixed by the sensor seed. */
export function hotPixels(sensor: SensorModel): { index: number; multiplier: number }[] {
  const random = mulberry32(sensor.seed ^ 0x0badc0de);
  const count = Math.round(sensor.widthPx * sensor.heightPx * HOT_PIXEL_FRACTION);
  return Array.from({ length: count }, () => ({
    index: Math.floor(random() * sensor.widthPx * sensor.heightPx),
    // Log-uniform 200×..20000× the normal dark current: a few glaring, most merely warm.
    multiplier: 200 * 100 ** random(),
  }));
}

export interface Background {
  biasAdu: number;
  /** ADU per electron. */
  scale: number;
  readNoiseE: number;
  darkE: number;
  /** Light (sky or panel) electrons at each CFA site, indexed like siteChannels. */
  siteLightE: number[];
  vignetting: number;
}

/** Bias + dark + sky or panel, with read and shot noise: the one pass over every pixel. */
export function renderBackground(
  pixels: Uint16Array,
  w: number,
  h: number,
  bg: Background,
  noiseSeed: number,
): void {
  // xorshift32 must not start at 0, where it would stay.
  let s = ((noiseSeed ^ 0x9e3779b9) >>> 0) || 1;
  const rn2 = bg.readNoiseE * bg.readNoiseE;
  const halfW = w / 2;
  const halfH = h / 2;
  const cornerR2 = halfW * halfW + halfH * halfH;
  for (let y = 0; y < h; y++) {
    const dy2 = (y + 0.5 - halfH) ** 2;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let illumination = 1;
      if (bg.vignetting !== 0) {
        const dx = x + 0.5 - halfW;
        illumination = 1 - (bg.vignetting * (dx * dx + dy2)) / cornerR2;
      }
      const meanE = bg.siteLightE[((y & 1) << 1) | (x & 1)]! * illumination + bg.darkE;
      // xorshift32, inlined: a function call per pixel costs more than the rest of the loop.
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      const z = NORMALS[s & 0xffff]!;
      const v = bg.biasAdu + bg.scale * (meanE + Math.sqrt(rn2 + meanE) * z) + 0.5;
      pixels[row + x] = v < 0 ? 0 : v > 65535 ? 65535 : v;
    }
  }
}

/** Adds `e` electrons (and their shot noise) to one pixel, clipping at full scale. */
export function addElectrons(
  pixels: Uint16Array,
  index: number,
  e: number,
  scale: number,
  random: () => number,
): void {
  const z = NORMALS[(random() * 65536) | 0]!;
  const v = pixels[index]! + scale * (e + Math.sqrt(e) * z) + 0.5;
  pixels[index] = v < 0 ? 0 : v > 65535 ? 65535 : v;
}

/** How a star list is put on the sensor. */
export interface StarRendering {
  w: number;
  h: number;
  sigmaPx: number;
  exposureS: number;
  scale: number;
  /** CFA site channels for a colour sensor (stars get tinted), null for mono. */
  sites: number[] | null;
  random: () => number;
}

/**
 * Renders one star's Gaussian PSF where it adds at least 0.05 e⁻. A star with an end position
 * is a trail: its electrons are shared among sub-images spaced about half a sigma apart along
 * the straight path, so the trail looks continuous and its total flux is the star's.
 */
export function addStar(pixels: Uint16Array, star: Star, r: StarRendering): void {
  const totalE = star.fluxEPerS * r.exposureS;
  const endX = star.endXPx ?? star.xPx;
  const endY = star.endYPx ?? star.yPx;
  const lengthPx = Math.hypot(endX - star.xPx, endY - star.yPx);
  const steps = Math.min(MAX_TRAIL_STEPS, Math.max(1, Math.ceil(lengthPx / (0.5 * r.sigmaPx))));
  const tint = [1 + 0.3 * star.tint, 1, 1 - 0.3 * star.tint];
  const siteResponse = r.sites === null
    ? [1, 1, 1, 1]
    : r.sites.map((c) => SKY_RESPONSE[c]! * tint[c]!);
  for (let i = 0; i < steps; i++) {
    // Sub-image centres at the middles of equal pieces of the path: one piece = the star itself.
    const f = steps === 1 ? 0 : (i + 0.5) / steps;
    addStamp(
      pixels,
      star.xPx + f * (endX - star.xPx),
      star.yPx + f * (endY - star.yPx),
      totalE / steps,
      siteResponse,
      r,
    );
  }
}

function addStamp(
  pixels: Uint16Array,
  xPx: number,
  yPx: number,
  totalE: number,
  siteResponse: number[],
  r: StarRendering,
): void {
  const { w, h, sigmaPx } = r;
  const peakE = totalE / (2 * Math.PI * sigmaPx * sigmaPx);
  if (peakE < STAMP_FLOOR_E) return;
  const radius = Math.min(
    Math.ceil(sigmaPx * Math.sqrt(2 * Math.log(peakE / STAMP_FLOOR_E))),
    MAX_STAMP_RADIUS_PX,
  );
  const x0 = Math.max(0, Math.floor(xPx - radius));
  const x1 = Math.min(w - 1, Math.ceil(xPx + radius));
  const y0 = Math.max(0, Math.floor(yPx - radius));
  const y1 = Math.min(h - 1, Math.ceil(yPx + radius));
  if (x0 > x1 || y0 > y1) return;
  const inv2s2 = 1 / (2 * sigmaPx * sigmaPx);
  // The Gaussian is separable: one exp per column and per row instead of one per pixel.
  const gx = new Float64Array(x1 - x0 + 1);
  for (let x = x0; x <= x1; x++) gx[x - x0] = Math.exp(-((x + 0.5 - xPx) ** 2) * inv2s2);
  for (let y = y0; y <= y1; y++) {
    const rowPeakE = peakE * Math.exp(-((y + 0.5 - yPx) ** 2) * inv2s2);
    if (rowPeakE < STAMP_FLOOR_E) continue;
    for (let x = x0; x <= x1; x++) {
      const e = rowPeakE * gx[x - x0]! * siteResponse[((y & 1) << 1) | (x & 1)]!;
      if (e >= STAMP_FLOOR_E) addElectrons(pixels, y * w + x, e, r.scale, r.random);
    }
  }
}

/**
 * Averages binning × binning blocks (a partial edge block is dropped, as cameras do). Written
 * in place — each output index is at or before every input it reads — then copied out small.
 */
export function bin(
  pixels: Uint16Array,
  w: number,
  h: number,
  binning: number,
): { pixels: Uint16Array; widthPx: number; heightPx: number } {
  if (binning === 1) return { pixels, widthPx: w, heightPx: h };
  const bw = Math.floor(w / binning);
  const bh = Math.floor(h / binning);
  const area = binning * binning;
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let sum = 0;
      for (let dy = 0; dy < binning; dy++) {
        const row = (by * binning + dy) * w + bx * binning;
        for (let dx = 0; dx < binning; dx++) sum += pixels[row + dx]!;
      }
      pixels[by * bw + bx] = Math.round(sum / area);
    }
  }
  return { pixels: pixels.slice(0, bw * bh), widthPx: bw, heightPx: bh };
}
