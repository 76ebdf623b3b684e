/**
 * The frame's eccentricity: the eccentricity of its median star shape, not the median of the
 * stars' eccentricities. Eccentricity (√(1 − b²/a²)) grows as the square root of any error in
 * the moments and is never negative, so noise (a round star of SNR 10–20 reads 0.5–0.7) and
 * sampling (an undersampled star's moments swing with its sub-pixel phase) give every star a
 * positive one, and the median of them calls a round field elongated. The errors have no
 * preferred direction, though, while trailing — what the figure is for — elongates every star
 * the same way. So each star gives its ellipticity vector (χ cos 2θ, χ sin 2θ), χ = (a² − b²) /
 * (a² + b²); the component-wise medians over the stars of SNR ≥ 30 (all stars when fewer than
 * five are that bright) are the typical shape, and its χ converts back: e = √(2χ / (1 + χ)).
 * Field-dependent elongation pointing different ways (coma, tilt) cancels here by design; the
 * stars' own eccentricities still show it.
 */

/** Stars below this SNR add noise, not shape. */
export const SHAPE_MIN_SNR = 30;
/** Fewer stars than this at SHAPE_MIN_SNR: every star counts. */
export const SHAPE_MIN_STARS = 5;

export interface StarShapeSample {
  snr: number;
  eccentricity: number;
  /** Major axis direction, radians. */
  angleRad: number;
}

/** Eccentricity of the median ellipticity of `stars`; null with none. */
export function frameEccentricity(stars: readonly StarShapeSample[]): number | null {
  if (stars.length === 0) return null;
  const bright = stars.filter((s) => s.snr >= SHAPE_MIN_SNR);
  const chosen = bright.length >= SHAPE_MIN_STARS ? bright : stars;
  const e1 = new Float64Array(chosen.length), e2 = new Float64Array(chosen.length);
  chosen.forEach((s, i) => {
    const e2ecc = s.eccentricity * s.eccentricity;
    const chi = e2ecc / (2 - e2ecc);
    e1[i] = chi * Math.cos(2 * s.angleRad);
    e2[i] = chi * Math.sin(2 * s.angleRad);
  });
  const chi = Math.min(1, Math.hypot(medianSorted(e1), medianSorted(e2)));
  return Math.sqrt((2 * chi) / (1 + chi));
}

function medianSorted(values: Float64Array): number {
  values.sort();
  const n = values.length;
  return n % 2 === 1 ? values[n >> 1]! : (values[(n >> 1) - 1]! + values[n >> 1]!) / 2;
}
