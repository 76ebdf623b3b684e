/**
 * The simulated mount's driver options, validated from the profile: each bad one is a RangeError
 * naming the option, its allowed range and the value given.
 */
import { assertLatitudeDeg } from "../../lib/astro/coords.ts";
import { DEFAULT_FLIP_LIMIT_DEG } from "../../lib/astro/meridian.ts";
import type { Site } from "../device.ts";
import type { MountCapabilities } from "../mount.ts";

/** The driver options a profile may give the simulated mount, after validation. */
export interface SimMountOptions {
  slewRateDegPerS: number;
  horizonLimitDeg: number;
  parkAltDeg: number;
  parkAzDeg: number;
  flipLimitDeg: number;
  /**
   * What the simulator reports itself as. The motion model is equatorial whatever the value;
   * only "germanPolar" reports a pier side and a time to flip.
   */
  alignment: MountCapabilities["alignment"];
  /** Mechanical errors the simulated optics suffer (zero by default); see SimMountErrors. */
  errors: SimMountErrors;
}

/**
 * How far the simulated mount is from perfect. The polar axis points `polarAltErrorArcmin` above
 * the visible celestial pole, and its azimuth (north through east) exceeds the pole's by
 * `polarAzErrorArcmin` (an azimuth angle: on the sky it is that times cos latitude). Changing the
 * azimuth also turns the hour-angle zero by that times sin latitude, as a real mount's azimuth
 * knob does (a fitted model sees it in IH). The other four are TPOINT terms
 * (lib/astro/tpoint_terms.ts) in arcseconds. The mount keeps reporting where it believes it points;
 * only `SimMount.trueSkyPosition()` sees the errors.
 */
export interface SimMountErrors {
  polarAltErrorArcmin: number;
  polarAzErrorArcmin: number;
  ihArcsec: number;
  idArcsec: number;
  chArcsec: number;
  npArcsec: number;
}

const ALIGNMENTS = ["germanPolar", "polar", "altAz"] as const;
export const KNOWN_OPTIONS = [
  "slewRateDegPerS",
  "horizonLimitDeg",
  "parkAltDeg",
  "parkAzDeg",
  "flipLimitDeg",
  "alignment",
  "polarAltErrorArcmin",
  "polarAzErrorArcmin",
  "ihArcsec",
  "idArcsec",
  "chArcsec",
  "npArcsec",
];
const MAX_POLAR_ERROR_ARCMIN = 600;
const MAX_TERM_ARCSEC = 36_000;
/** Validates the profile's driver options; throws a RangeError naming the first bad one. */
export function parseSimMountOptions(
  options: Record<string, unknown>,
  site: Site,
): SimMountOptions {
  assertLatitudeDeg(site.latitudeDeg, "site.latitudeDeg");
  const southern = site.latitudeDeg < 0;
  const alignment = options.alignment ?? "germanPolar";
  if (!ALIGNMENTS.includes(alignment as typeof ALIGNMENTS[number])) {
    throw new RangeError(
      `sim mount option alignment must be one of ${ALIGNMENTS.join(", ")}, got ${
        JSON.stringify(alignment)
      }`,
    );
  }
  return {
    slewRateDegPerS: numberOption(options, "slewRateDegPerS", 3, 0, 1000, false),
    horizonLimitDeg: numberOption(options, "horizonLimitDeg", 0, -90, 90, true),
    // Default park: pointing at the visible celestial pole, counterweight down.
    parkAltDeg: numberOption(options, "parkAltDeg", Math.abs(site.latitudeDeg), -90, 90, true),
    parkAzDeg: numberOption(options, "parkAzDeg", southern ? 180 : 0, 0, 360, true) % 360,
    flipLimitDeg: numberOption(options, "flipLimitDeg", DEFAULT_FLIP_LIMIT_DEG, 0, 90, true),
    alignment: alignment as MountCapabilities["alignment"],
    errors: parseSimMountErrors(options),
  };
}

/** Validates the error options (any subset); absent ones are zero. */
export function parseSimMountErrors(options: Record<string, unknown>): SimMountErrors {
  const polar = (name: string) =>
    numberOption(options, name, 0, -MAX_POLAR_ERROR_ARCMIN, MAX_POLAR_ERROR_ARCMIN, true);
  const term = (name: string) =>
    numberOption(options, name, 0, -MAX_TERM_ARCSEC, MAX_TERM_ARCSEC, true);
  return {
    polarAltErrorArcmin: polar("polarAltErrorArcmin"),
    polarAzErrorArcmin: polar("polarAzErrorArcmin"),
    ihArcsec: term("ihArcsec"),
    idArcsec: term("idArcsec"),
    chArcsec: term("chArcsec"),
    npArcsec: term("npArcsec"),
  };
}

function numberOption(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  minInclusive: boolean,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  const inRange = typeof value === "number" && Number.isFinite(value) &&
    (minInclusive ? value >= min : value > min) && value <= max;
  if (!inRange) {
    const range = `${minInclusive ? "[" : "("}${min}, ${max}]`;
    throw new RangeError(
      `sim mount option ${name} must be a number within ${range}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
