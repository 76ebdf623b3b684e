/**
 * How worth imaging an object is tonight with this rig: a score in [0, 100], the product of four
 * parts in [0, 1], each of which the answer carries so the phone can say why.
 *
 * - visibility: dark hours above the altitude limit, each weighted by (1 + sin altitude) / 2
 *   (tonight.ts), saturating — 1 − exp(−h / 2.5 h): two and a half good hours give 0.63, six give
 *   0.91, a whole December night 0.96.
 * - framing: the object's largest dimension against the camera's field. Between a tenth of the
 *   short side and the diagonal it frames well (1; up to the long side it `fits_field`, up to the
 *   diagonal turned or cropped). Smaller, it is a speck: √(fill / 0.1), so an object 2 % of the
 *   short side scores 0.45. Beyond the diagonal it needs a mosaic: √(diagonal / size), 0.5 at
 *   four diagonals. An unknown size is 0.5, an unknown field 1 — unknowns never win.
 * - brightness: integrated magnitude × surface brightness. The magnitude part is (15 − m) / 9,
 *   clamped to [0.05, 1] (m ≤ 6 is 1, m 10.5 is 0.5); the surface-brightness part, the mean over a
 *   disc of the listed size, is (25.5 − SB) / 3 clamped to [0.2, 1] — 1 up to 22.5 mag/arcsec²,
 *   a penalty only for the truly diffuse (the disc of the largest dimension makes an elongated
 *   galaxy look fainter than it is, so it must not decide alone). With no size, the magnitude
 *   part × 0.8; with no magnitude (dark nebulae, many Sh2 and LDN entries) 0.15, so an object the
 *   catalogue says nothing about is not a winner by default.
 * - moon: when the Moon is up at the object's best time (its highest point in the dark window),
 *   1 − k·(0.15 + 0.85·e^(−d/30°)) for illuminated fraction k and separation d: a full Moon 90°
 *   away costs a fifth, 20° away three fifths; a new or set Moon costs nothing.
 */
import type { CatalogEntry } from "./types.ts";

export interface FieldOfView {
  widthDeg: number;
  heightDeg: number;
}

/** The Moon at an object's best time. */
export interface MoonAt {
  sepDeg: number;
  altDeg: number;
  illumination: number;
}

export interface TargetScore {
  /** 0–100: visibility × framing × brightness × moon × 100. */
  score: number;
  visibility: number;
  framing: number;
  brightness: number;
  moon: number;
  /** Whether the largest dimension fits the field's long side; null when either is unknown. */
  fitsField: boolean | null;
  /** Mean over a disc of the listed size, mag/arcsec²; null without size and magnitude. */
  surfaceBrightness: number | null;
  moonSepDeg: number | null;
}

const GOOD_HOURS = 2.5;
/** An object smaller than this fraction of the field's short side starts to lose. */
const MIN_FILL = 0.1;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function visibilityPart(qualityHours: number): number {
  return 1 - Math.exp(-Math.max(0, qualityHours) / GOOD_HOURS);
}

export function framingPart(
  sizeArcmin: number | null,
  field: FieldOfView | null,
): { framing: number; fitsField: boolean | null } {
  if (sizeArcmin === null) return { framing: 0.5, fitsField: null };
  if (field === null) return { framing: 1, fitsField: null };
  const shortArcmin = 60 * Math.min(field.widthDeg, field.heightDeg);
  const longArcmin = 60 * Math.max(field.widthDeg, field.heightDeg);
  const diagonalArcmin = Math.hypot(shortArcmin, longArcmin);
  const fitsField = sizeArcmin <= longArcmin;
  if (sizeArcmin > diagonalArcmin) {
    return { framing: Math.sqrt(diagonalArcmin / sizeArcmin), fitsField };
  }
  const fill = sizeArcmin / shortArcmin;
  return { framing: fill >= MIN_FILL ? 1 : Math.sqrt(fill / MIN_FILL), fitsField };
}

/** Mean surface brightness of a disc of `sizeArcmin` holding magnitude `mag`, mag/arcsec². */
export function surfaceBrightness(mag: number, sizeArcmin: number): number {
  const diameterArcsec = 60 * sizeArcmin;
  return mag + 2.5 * Math.log10((Math.PI / 4) * diameterArcsec * diameterArcsec);
}

export function brightnessPart(
  mag: number | null,
  sizeArcmin: number | null,
): { brightness: number; surfaceBrightness: number | null } {
  if (mag === null) return { brightness: 0.15, surfaceBrightness: null };
  const byMag = clamp((15 - mag) / 9, 0.05, 1);
  if (sizeArcmin === null) return { brightness: 0.8 * byMag, surfaceBrightness: null };
  const sb = surfaceBrightness(mag, sizeArcmin);
  const bySb = clamp((25.5 - sb) / 3, 0.2, 1);
  return { brightness: byMag * bySb, surfaceBrightness: sb };
}

export function moonPart(moon: MoonAt | null): number {
  if (moon === null || moon.altDeg <= 0) return 1;
  return 1 - moon.illumination * (0.15 + 0.85 * Math.exp(-moon.sepDeg / 30));
}

export function scoreTarget(
  entry: Pick<CatalogEntry, "magnitude" | "sizeArcmin">,
  qualityHours: number,
  field: FieldOfView | null,
  moon: MoonAt | null,
): TargetScore {
  const visibility = visibilityPart(qualityHours);
  const { framing, fitsField } = framingPart(entry.sizeArcmin, field);
  const { brightness, surfaceBrightness } = brightnessPart(entry.magnitude, entry.sizeArcmin);
  const moonFactor = moonPart(moon);
  return {
    score: 100 * visibility * framing * brightness * moonFactor,
    visibility,
    framing,
    brightness,
    moon: moonFactor,
    fitsField,
    surfaceBrightness,
    moonSepDeg: moon?.sepDeg ?? null,
  };
}
