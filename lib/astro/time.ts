/**
 * Astronomical time scales for pointing a telescope: Julian dates from Unix milliseconds, and
 * Greenwich and local sidereal time (mean and apparent), following Meeus, "Astronomical
 * Algorithms" (2nd ed.), chapters 7, 12 and 22. Everything is a pure function of `unixMs`. UT
 * stands in for TT (they differ by ΔT ≈ 70 s today): that shifts nutation and precession by well
 * under a milliarcsecond, far below what any mount can point, so no ΔT table is carried. The
 * nutation series (IAU 1980, Meeus table 22.A) comes from astronomia; the rest is written here so
 * the units stay in the names.
 */
import * as astronomiaNutation from "astronomia/nutation";

/** Julian date of the Unix epoch, 1970-01-01T00:00:00Z. */
export const JD_AT_UNIX_EPOCH = 2440587.5;
/** Julian date of the J2000.0 epoch, 2000-01-01T12:00:00 (TT, taken as UT here). */
export const JD_J2000 = 2451545.0;
/** Unix milliseconds of the J2000.0 epoch. */
export const J2000_UNIX_MS = Date.UTC(2000, 0, 1, 12, 0, 0);
export const MS_PER_DAY = 86_400_000;
export const DAYS_PER_JULIAN_CENTURY = 36_525;
/** Sidereal seconds per SI (solar) second: how much faster the sky turns than the clock. */
export const SIDEREAL_PER_SOLAR = 1.00273790935;
/** The rate at which the stars (and a sidereally tracking mount's RA axis) turn. */
export const SIDEREAL_RATE_ARCSEC_PER_S = 15 * SIDEREAL_PER_SOLAR;

const DEG_TO_RAD = Math.PI / 180;
const ARCSEC_TO_RAD = DEG_TO_RAD / 3600;

/** The nutation angles of a date, all in radians. */
export interface NutationAngles {
  /** Nutation in longitude Δψ. */
  deltaPsiRad: number;
  /** Nutation in obliquity Δε. */
  deltaEpsilonRad: number;
  /** Mean obliquity of the ecliptic ε₀ (IAU 1980, Meeus 22.2). */
  meanObliquityRad: number;
  /** True obliquity ε = ε₀ + Δε. */
  trueObliquityRad: number;
}

// astronomia ships no type declarations: pin the shape of the one function used.
const nutationSeries = astronomiaNutation as unknown as {
  nutation(jde: number): [number, number];
};

/** Throws a RangeError unless `unixMs` is a finite number. */
export function assertUnixMs(unixMs: number): void {
  if (!Number.isFinite(unixMs)) {
    throw new RangeError(`unixMs must be a finite number of milliseconds, got ${unixMs}`);
  }
}

/** Julian date (UT) of a Unix instant. */
export function julianDate(unixMs: number): number {
  assertUnixMs(unixMs);
  return JD_AT_UNIX_EPOCH + unixMs / MS_PER_DAY;
}

/** Unix milliseconds of a Julian date (UT). */
export function unixMsFromJulianDate(julianDate: number): number {
  if (!Number.isFinite(julianDate)) {
    throw new RangeError(`julianDate must be finite, got ${julianDate}`);
  }
  return (julianDate - JD_AT_UNIX_EPOCH) * MS_PER_DAY;
}

/**
 * Julian centuries since J2000.0. Computed from the millisecond difference rather than from the
 * Julian date, so the ~2.4 million days of the JD do not eat into the double's precision.
 */
export function julianCenturiesSinceJ2000(unixMs: number): number {
  assertUnixMs(unixMs);
  return (unixMs - J2000_UNIX_MS) / MS_PER_DAY / DAYS_PER_JULIAN_CENTURY;
}

/** Greenwich mean sidereal time in hours [0, 24), IAU 1982 (Meeus 12.4). */
export function gmstHours(unixMs: number): number {
  assertUnixMs(unixMs);
  const daysSinceJ2000 = (unixMs - J2000_UNIX_MS) / MS_PER_DAY;
  const centuries = daysSinceJ2000 / DAYS_PER_JULIAN_CENTURY;
  // Split the whole-turn part off the large linear term first: 360.98564736629 × d reaches 10⁶°.
  const turnsPerDay = 360.98564736629 / 360;
  const wholeDays = Math.floor(daysSinceJ2000);
  const fractionDays = daysSinceJ2000 - wholeDays;
  const turns = (wholeDays * (turnsPerDay - 1)) % 1 + fractionDays * turnsPerDay;
  const deg = 280.46061837 + 360 * turns + 0.000387933 * centuries * centuries -
    centuries * centuries * centuries / 38_710_000;
  return wrap24(deg / 15);
}

/** Nutation in longitude and obliquity, and the obliquity of the ecliptic, at an instant. */
export function nutationAngles(unixMs: number): NutationAngles {
  const jde = julianDate(unixMs);
  const [deltaPsiRad, deltaEpsilonRad] = nutationSeries.nutation(jde);
  const t = julianCenturiesSinceJ2000(unixMs);
  // Meeus 22.2, in arcseconds.
  const meanObliquityArcsec = 84_381.448 - 46.815 * t - 0.00059 * t * t + 0.001813 * t * t * t;
  const meanObliquityRad = meanObliquityArcsec * ARCSEC_TO_RAD;
  return {
    deltaPsiRad,
    deltaEpsilonRad,
    meanObliquityRad,
    trueObliquityRad: meanObliquityRad + deltaEpsilonRad,
  };
}

/** The equation of the equinoxes (apparent minus mean sidereal time), in hours. */
export function equationOfEquinoxesHours(unixMs: number): number {
  const n = nutationAngles(unixMs);
  return n.deltaPsiRad * Math.cos(n.trueObliquityRad) / DEG_TO_RAD / 15;
}

/** Greenwich apparent sidereal time in hours [0, 24): mean time plus nutation in RA. */
export function gastHours(unixMs: number): number {
  return wrap24(gmstHours(unixMs) + equationOfEquinoxesHours(unixMs));
}

/** Local mean sidereal time in hours [0, 24) at a longitude (degrees, east positive). */
export function lmstHours(unixMs: number, longitudeDeg: number): number {
  assertLongitudeDeg(longitudeDeg);
  return wrap24(gmstHours(unixMs) + longitudeDeg / 15);
}

/**
 * Local apparent sidereal time in hours [0, 24) at a longitude (degrees, east positive). This is
 * the sidereal time a mount reports and the one to use with apparent (JNow) coordinates.
 */
export function lstHours(unixMs: number, longitudeDeg: number): number {
  assertLongitudeDeg(longitudeDeg);
  return wrap24(gastHours(unixMs) + longitudeDeg / 15);
}

/** Throws a RangeError unless the longitude is finite and within [-360, 360] degrees. */
export function assertLongitudeDeg(longitudeDeg: number): void {
  if (!Number.isFinite(longitudeDeg) || Math.abs(longitudeDeg) > 360) {
    throw new RangeError(
      `longitudeDeg must be within [-360, 360] (east positive), got ${longitudeDeg}`,
    );
  }
}

// Kept local so this module has no imports from coords.ts (coords.ts imports from here).
function wrap24(hours: number): number {
  const wrapped = hours % 24;
  return wrapped < 0 ? wrapped + 24 : wrapped === 24 ? 0 : wrapped;
}
