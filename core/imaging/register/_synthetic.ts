/**
 * Synthetic star lists and fields with known truth for the registration and stacking tests and
 * the live-stack benchmark: a seeded generator (so a failure reproduces), reference stars with a
 * power-law flux distribution, frames made by mapping them through a known transform with
 * centroid noise, missing stars and outliers, and rendering of a star list into an image.
 */
import type { Star } from "../stars/types.ts";
import { type AffineTransform, applyTransform, invertTransform } from "./transform.ts";

/** mulberry32: a tiny, good-enough seeded generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates (Box–Muller) from a uniform generator. */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function makeStar(x: number, y: number, flux: number): Star {
  return { x, y, flux, peak: flux / 10, snr: 50, hfrPx: 2, fwhmPx: 3, eccentricity: 0.1 };
}

/** Random stars over a field, fluxes following a power law (many faint, few bright). */
export function randomStars(
  count: number,
  widthPx: number,
  heightPx: number,
  random: () => number,
  marginPx = 10,
): Star[] {
  return Array.from({ length: count }, () =>
    makeStar(
      marginPx + random() * (widthPx - 2 * marginPx),
      marginPx + random() * (heightPx - 2 * marginPx),
      1000 / (0.02 + random()) ** 1.5,
    ));
}

export interface FrameListOptions {
  /** Frame pixel → reference pixel. */
  truth: AffineTransform;
  widthPx: number;
  heightPx: number;
  noisePx: number;
  /** Fraction of the reference stars not detected in the frame. */
  missing: number;
  /** Extra false stars, as a fraction of the frame's real stars. */
  outliers: number;
  random: () => number;
}

/** The reference stars as the frame sees them: moved, noisy, some missing, some false. */
export function frameStarList(ref: readonly Star[], o: FrameListOptions): Star[] {
  const normal = gaussian(o.random);
  const inverse = invertTransform(o.truth);
  const stars: Star[] = [];
  for (const s of ref) {
    if (o.random() < o.missing) continue;
    const p = applyTransform(inverse, s);
    if (p.x < 0 || p.y < 0 || p.x > o.widthPx - 1 || p.y > o.heightPx - 1) continue;
    stars.push(
      makeStar(
        p.x + o.noisePx * normal(),
        p.y + o.noisePx * normal(),
        s.flux * (1 + 0.1 * normal()),
      ),
    );
  }
  const falseStars = randomStars(
    Math.round(stars.length * o.outliers),
    o.widthPx,
    o.heightPx,
    o.random,
  );
  return [...stars, ...falseStars];
}

/** Adds centroid noise to a list (the reference is measured too). */
export function jitter(stars: readonly Star[], noisePx: number, random: () => number): Star[] {
  const normal = gaussian(random);
  return stars.map((s) => ({ ...s, x: s.x + noisePx * normal(), y: s.y + noisePx * normal() }));
}

/**
 * Renders stars as circular Gaussians (sigma `sigmaPx`, total flux `flux`) on a flat sky with
 * Gaussian noise, into Float32 pixels. Each star touches only a small box around it.
 */
export function renderField(
  stars: readonly Star[],
  o: { widthPx: number; heightPx: number; sigmaPx: number; skyAdu: number; noiseAdu: number },
  random: () => number,
): Float32Array {
  const { widthPx, heightPx, sigmaPx } = o;
  const pixels = new Float32Array(widthPx * heightPx);
  const normal = gaussian(random);
  for (let i = 0; i < pixels.length; i++) pixels[i] = o.skyAdu + o.noiseAdu * normal();
  const reach = Math.ceil(4 * sigmaPx);
  const norm = 1 / (2 * Math.PI * sigmaPx * sigmaPx);
  for (const s of stars) {
    const x0 = Math.max(0, Math.floor(s.x - reach));
    const x1 = Math.min(widthPx - 1, Math.ceil(s.x + reach));
    const y0 = Math.max(0, Math.floor(s.y - reach));
    const y1 = Math.min(heightPx - 1, Math.ceil(s.y + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const r2 = (x - s.x) ** 2 + (y - s.y) ** 2;
        pixels[y * widthPx + x]! += s.flux * norm * Math.exp(-r2 / (2 * sigmaPx * sigmaPx));
      }
    }
  }
  return pixels;
}
