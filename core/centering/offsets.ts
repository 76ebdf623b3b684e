/**
 * The arithmetic of centring: how far a solved frame centre is from the target (the great-circle
 * distance, and its components along RA and Dec on the tangent plane at the target), where to aim
 * next when the mount's own coordinates cannot be corrected (aim off by the measured error). Pure
 * functions; arcseconds on the sky, hours of RA, degrees of Dec, all J2000 like the mount
 * contract.
 */
import {
  angularSeparationDeg,
  assertEquatorial,
  type EquatorialCoord,
  wrapHours,
  wrapHours12,
} from "../../lib/astro/coords.ts";

const DEG_TO_RAD = Math.PI / 180;

export interface PointingErrorArcsec {
  /** Great-circle distance solved ↔ target. */
  errorArcsec: number;
  /** Standard coordinate ξ of the solved centre about the target: + towards east (higher RA). */
  raErrorArcsec: number;
  /** Standard coordinate η: + towards north. */
  decErrorArcsec: number;
}

/**
 * Where `solved` lies relative to `target`. The components are the tangent-plane (gnomonic)
 * standard coordinates scaled to the true distance (an azimuthal equidistant projection), so they
 * stay meaningful near the pole, where an RA difference in hours does not, and their hypotenuse is
 * exactly the distance.
 */
export function pointingError(
  solved: EquatorialCoord,
  target: EquatorialCoord,
): PointingErrorArcsec {
  assertEquatorial(solved, "solved");
  assertEquatorial(target, "target");
  const deltaRaRad = wrapHours12(solved.raHours - target.raHours) * 15 * DEG_TO_RAD;
  const decRad = solved.decDeg * DEG_TO_RAD;
  const dec0Rad = target.decDeg * DEG_TO_RAD;
  const denominator = Math.sin(decRad) * Math.sin(dec0Rad) +
    Math.cos(decRad) * Math.cos(dec0Rad) * Math.cos(deltaRaRad);
  const xi = Math.cos(decRad) * Math.sin(deltaRaRad) / denominator;
  const eta = (Math.sin(decRad) * Math.cos(dec0Rad) -
    Math.cos(decRad) * Math.sin(dec0Rad) * Math.cos(deltaRaRad)) / denominator;
  const errorArcsec = angularSeparationDeg(solved, target) * 3600;
  const planeRadius = Math.hypot(xi, eta);
  // Beyond 90° the tangent plane does not reach; the distance alone still says how bad it is.
  if (!(denominator > 0)) {
    return { errorArcsec, raErrorArcsec: Number.NaN, decErrorArcsec: Number.NaN };
  }
  const scale = planeRadius === 0 ? 0 : errorArcsec / planeRadius;
  return { errorArcsec, raErrorArcsec: xi * scale, decErrorArcsec: eta * scale };
}

/**
 * The next aim point when the mount is steered by aiming off rather than by syncing: the last
 * aim moved by the coordinate difference target − solved. A pointing error that is locally
 * constant in the mount's coordinates (index errors, cone, an unsynced offset) is then cancelled
 * exactly, and each round removes what the last one missed.
 */
export function offsetAim(
  aim: EquatorialCoord,
  target: EquatorialCoord,
  solved: EquatorialCoord,
): EquatorialCoord {
  const decDeg = aim.decDeg + target.decDeg - solved.decDeg;
  return {
    raHours: wrapHours(aim.raHours + wrapHours12(target.raHours - solved.raHours)),
    decDeg: Math.max(-90, Math.min(90, decDeg)),
  };
}
