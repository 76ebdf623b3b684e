/**
 * The table of uniform random numbers behind subtractive dithering of quantised float images
 * (FITS Standard 4.0 §10.2.1): 10 000 values from the Park–Miller minimal-standard generator
 * (multiplier 16807, modulus 2³¹ − 1, seed 1), each divided by the modulus. Writer and reader
 * must draw exactly the same numbers, so the generator runs exactly as specified, in doubles,
 * and the table keeps single-precision values as cfitsio's does (a double table shifts
 * dequantised pixels by an ulp or two, so funpack's output would not be reproduced).
 */

export const DITHER_RANDOMS = 10_000;
let table: Float32Array | null = null;

export function ditherRandoms(): Float32Array {
  if (table) return table;
  const a = 16807;
  const m = 2147483647;
  let seed = 1;
  const out = new Float32Array(DITHER_RANDOMS);
  for (let i = 0; i < DITHER_RANDOMS; i++) {
    const product = a * seed; // < 2^46: exact in a double
    seed = product - m * Math.floor(product / m);
    out[i] = seed / m;
  }
  table = out;
  return out;
}

/** The generator's seed after `draws` draws (the standard's check: 10 000 → 1043618065). */
export function parkMillerSeed(draws: number): number {
  let seed = 1;
  for (let i = 0; i < draws; i++) {
    const product = 16807 * seed;
    seed = product - 2147483647 * Math.floor(product / 2147483647);
  }
  return seed;
}
