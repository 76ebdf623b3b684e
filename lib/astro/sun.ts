/**
 * The Sun's apparent position by Meeus's low-accuracy theory (Astronomical Algorithms, 2nd ed.,
 * chapter 25: geometric mean longitude and anomaly, equation of centre, aberration and nutation in
 * longitude folded into λ, obliquity corrected by Ω), good to about 0.01°, and its altitude at a
 * site. That is more than twilight needs: the Sun moves 0.01° in 2.4 s of time. Also the Moon
 * (chapter 47, the ELP-2000/82 series as the book truncates it, through astronomia's
 * moonposition, with nutation in longitude applied) and its illuminated fraction (48.2–48.3), for
 * the scheduler's moon constraints. Instants are Unix milliseconds taken as dynamical time;
 * ignoring ΔT (~70 s) moves the Sun by under 0.001° and the Moon by under 0.01°.
 */
import {
  assertLatitudeDeg,
  type EquatorialCoord,
  equatorialToHorizontal,
  wrapDeg360,
} from "./coords.ts";
import * as astronomiaMoon from "astronomia/moonposition";
import { JD_J2000, julianDate, lstHours, nutationAngles } from "./time.ts";

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/** The intermediate quantities of Meeus 25.a, exposed for the reference test. */
export interface SolarTheory {
  /** Julian centuries of dynamical time since J2000.0. */
  t: number;
  /** Geometric mean longitude, degrees [0, 360). */
  meanLongitudeDeg: number;
  /** Mean anomaly, degrees [0, 360). */
  meanAnomalyDeg: number;
  eccentricity: number;
  /** Equation of the centre, degrees. */
  centreDeg: number;
  /** True geometric longitude, degrees [0, 360). */
  trueLongitudeDeg: number;
  /** Distance, astronomical units. */
  radiusAu: number;
  /** Apparent longitude (aberration and nutation applied), degrees [0, 360). */
  apparentLongitudeDeg: number;
  /** Obliquity corrected for the apparent position, degrees. */
  obliquityDeg: number;
  /** Apparent right ascension and declination, equinox of date. */
  apparent: EquatorialCoord;
}

/** Meeus chapter 25 at a Julian Ephemeris Day. */
export function solarTheory(jde: number): SolarTheory {
  if (!Number.isFinite(jde)) throw new RangeError(`jde must be finite, got ${jde}`);
  const t = (jde - JD_J2000) / 36_525;
  const l0 = wrapDeg360(280.46646 + 36_000.76983 * t + 0.0003032 * t * t);
  const m = wrapDeg360(357.52911 + 35_999.05029 * t - 0.0001537 * t * t);
  const e = 0.016708634 - 0.000042037 * t - 0.0000001267 * t * t;
  const mRad = m * DEG_TO_RAD;
  const c = (1.914602 - 0.004817 * t - 0.000014 * t * t) * Math.sin(mRad) +
    (0.019993 - 0.000101 * t) * Math.sin(2 * mRad) + 0.000289 * Math.sin(3 * mRad);
  const trueLongitude = wrapDeg360(l0 + c);
  const nuRad = (m + c) * DEG_TO_RAD;
  const radiusAu = 1.000001018 * (1 - e * e) / (1 + e * Math.cos(nuRad));
  const omegaRad = (125.04 - 1934.136 * t) * DEG_TO_RAD;
  const lambda = wrapDeg360(trueLongitude - 0.00569 - 0.00478 * Math.sin(omegaRad));
  // Meeus 22.2 for the mean obliquity, then 25.8's correction for the apparent position.
  const epsilon0 = 23 + 26 / 60 + (21.448 - 46.815 * t - 0.00059 * t * t + 0.001813 * t ** 3) /
      3600;
  const epsilon = epsilon0 + 0.00256 * Math.cos(omegaRad);
  const lambdaRad = lambda * DEG_TO_RAD;
  const epsRad = epsilon * DEG_TO_RAD;
  const raDeg = wrapDeg360(
    Math.atan2(Math.cos(epsRad) * Math.sin(lambdaRad), Math.cos(lambdaRad)) * RAD_TO_DEG,
  );
  const decDeg = Math.asin(Math.sin(epsRad) * Math.sin(lambdaRad)) * RAD_TO_DEG;
  return {
    t,
    meanLongitudeDeg: l0,
    meanAnomalyDeg: m,
    eccentricity: e,
    centreDeg: c,
    trueLongitudeDeg: trueLongitude,
    radiusAu,
    apparentLongitudeDeg: lambda,
    obliquityDeg: epsilon,
    apparent: { raHours: raDeg / 15, decDeg },
  };
}

/** The Sun's apparent RA (hours) and Dec (degrees), equinox of date, at a Unix instant. */
export function sunEquatorial(unixMs: number): EquatorialCoord {
  return solarTheory(julianDate(unixMs)).apparent;
}

/** Where on Earth: latitude (north positive) and longitude (east positive), degrees. */
export interface SiteLatLon {
  latitudeDeg: number;
  longitudeDeg: number;
}

/** Geometric altitude of the Sun's centre (no refraction), degrees, at a site and instant. */
export function sunAltitudeDeg(unixMs: number, site: SiteLatLon): number {
  assertLatitudeDeg(site.latitudeDeg);
  const lst = lstHours(unixMs, site.longitudeDeg);
  return equatorialToHorizontal(sunEquatorial(unixMs), lst, site.latitudeDeg).altDeg;
}

/** Twilight limits: the Sun's altitude below which each kind of darkness begins. */
export const TWILIGHT_ALT_DEG = {
  civil: -6,
  nautical: -12,
  astronomical: -18,
} as const;
export type Darkness = keyof typeof TWILIGHT_ALT_DEG;

/** Whether the Sun is below the limit of `darkness` at a site and instant. */
export function isDark(unixMs: number, site: SiteLatLon, darkness: Darkness): boolean {
  return sunAltitudeDeg(unixMs, site) < TWILIGHT_ALT_DEG[darkness];
}

// astronomia ships no type declarations: pin the shape of the one function used.
const moonSeries = astronomiaMoon as unknown as {
  position(jde: number): { lon: number; lat: number; range: number };
};

/** The Sun's mean distance; its ±1.7 % variation moves the illuminated fraction by < 0.0001. */
const SUN_DISTANCE_KM = 149_597_870.7;

/** Apparent geocentric ecliptic position of the Moon, equinox of date. */
export interface MoonEcliptic {
  lonDeg: number;
  latDeg: number;
  distanceKm: number;
}

export function moonEcliptic(unixMs: number): MoonEcliptic {
  const p = moonSeries.position(julianDate(unixMs));
  const nutation = nutationAngles(unixMs);
  return {
    lonDeg: wrapDeg360((p.lon + nutation.deltaPsiRad) * RAD_TO_DEG),
    latDeg: p.lat * RAD_TO_DEG,
    distanceKm: p.range,
  };
}

/** Apparent geocentric RA (hours) and Dec (degrees) of the Moon, true equinox of date. */
export function moonEquatorial(unixMs: number): EquatorialCoord {
  const ecl = moonEcliptic(unixMs);
  const eps = nutationAngles(unixMs).trueObliquityRad;
  const lon = ecl.lonDeg * DEG_TO_RAD;
  const lat = ecl.latDeg * DEG_TO_RAD;
  const ra = Math.atan2(
    Math.sin(lon) * Math.cos(eps) - Math.tan(lat) * Math.sin(eps),
    Math.cos(lon),
  );
  const dec = Math.asin(
    Math.sin(lat) * Math.cos(eps) + Math.cos(lat) * Math.sin(eps) * Math.sin(lon),
  );
  return { raHours: wrapDeg360(ra * RAD_TO_DEG) / 15, decDeg: dec * RAD_TO_DEG };
}

/** Fraction of the Moon's disc lit, 0 (new) to 1 (full). */
export function moonIlluminatedFraction(unixMs: number): number {
  const moon = moonEquatorial(unixMs);
  const distanceKm = moonEcliptic(unixMs).distanceKm;
  const sun = sunEquatorial(unixMs);
  const d0 = sun.decDeg * DEG_TO_RAD;
  const d = moon.decDeg * DEG_TO_RAD;
  const cosPsi = Math.sin(d0) * Math.sin(d) +
    Math.cos(d0) * Math.cos(d) * Math.cos((sun.raHours - moon.raHours) * 15 * DEG_TO_RAD);
  const psi = Math.acos(Math.max(-1, Math.min(1, cosPsi)));
  const phaseAngle = Math.atan2(
    SUN_DISTANCE_KM * Math.sin(psi),
    distanceKm - SUN_DISTANCE_KM * Math.cos(psi),
  );
  return (1 + Math.cos(phaseAngle)) / 2;
}
