/**
 * Three-point polar alignment, the pure geometry. A solved frame is a direction in the Earth-fixed
 * equatorial frame of date (x towards the meridian on the equator, y towards the east, z towards
 * the north celestial pole): solve positions are J2000, so they are precessed to JNow first — the
 * pole the axis must meet is the pole of date. Turning only the RA axis moves the optical axis on
 * a circle about the mount's polar axis, so the normal of the plane through three such directions
 * is that axis; its altitude and azimuth against the pole's give the error. While the user turns
 * the knobs the whole mount (axis and telescope together) turns about the vertical (azimuth
 * knob) and about the altitude hinge, an east–west horizontal turned with the base (altitude
 * knob); the rotation that carries the last pointing to the new one carries the axis too, so each
 * new solve updates the remaining error.
 */
import {
  equatorialToHorizontal,
  wrapDeg180,
  wrapHours,
  wrapHours12,
} from "../../lib/astro/coords.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import { lstHours, SIDEREAL_RATE_ARCSEC_PER_S } from "../../lib/astro/time.ts";

export type Vec3 = readonly [number, number, number];

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;
const SIDEREAL_RAD_PER_S = SIDEREAL_RATE_ARCSEC_PER_S / 3600 * DEG_TO_RAD;

export interface PolarError {
  /** Axis altitude minus the pole's: positive when the axis is too high. */
  altErrorArcmin: number;
  /** Axis azimuth minus the pole's (azimuth from north through east). */
  azErrorArcmin: number;
  /** On-sky angle between the axis and the pole. */
  totalErrorArcmin: number;
  /** Which way to turn the altitude knob. */
  altDirection: "up" | "down";
  /** Which way to turn the azimuth knob, seen from behind the mount looking at the pole. */
  azDirection: "left" | "right";
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

function normalize(v: Vec3): Vec3 {
  const n = Math.hypot(...v);
  return [v[0] / n, v[1] / n, v[2] / n];
}

/** Rodrigues' rotation of `v` about the unit vector `axis` by `angleRad` (right-handed). */
export function rotate(v: Vec3, axis: Vec3, angleRad: number): Vec3 {
  const c = Math.cos(angleRad);
  const s = Math.sin(angleRad);
  const k = dot(axis, v) * (1 - c);
  const x = cross(axis, v);
  return [
    v[0] * c + x[0] * s + axis[0] * k,
    v[1] * c + x[1] * s + axis[1] * k,
    v[2] * c + x[2] * s + axis[2] * k,
  ];
}

/** An hour angle (h) and declination (°) of date as an Earth-fixed unit vector. */
export function haDecVector(haHours: number, decDeg: number): Vec3 {
  const h = haHours * 15 * DEG_TO_RAD;
  const d = decDeg * DEG_TO_RAD;
  return [Math.cos(d) * Math.cos(h), -Math.cos(d) * Math.sin(h), Math.sin(d)];
}

/** A solved J2000 position at `unixMs` as an Earth-fixed unit vector at the site. */
export function earthFixedVector(
  solved: { raHours: number; decDeg: number },
  unixMs: number,
  longitudeDeg: number,
): Vec3 {
  const jnow = j2000ToJNow(solved, unixMs);
  return haDecVector(wrapHours12(lstHours(unixMs, longitudeDeg) - jnow.raHours), jnow.decDeg);
}

/**
 * The mount's polar axis from three pointings taken at different RA-axis angles: the normal of
 * their plane, on the side of the visible pole. Throws a RangeError when the pointings are too
 * close to define a plane (no rotation between frames, or the scope on the axis itself).
 */
export function axisFromPointings(pointings: readonly [Vec3, Vec3, Vec3], latitudeDeg: number) {
  const [a, b, c] = pointings;
  const normal = cross(sub(b, a), sub(c, a));
  // |normal| is twice the triangle's area; below this the circle is not determined.
  if (Math.hypot(...normal) < 1e-6) {
    throw new RangeError(
      "the three pointings do not define a circle: rotate the RA axis further between frames",
    );
  }
  const axis = normalize(normal);
  const hemisphere = latitudeDeg < 0 ? -1 : 1;
  return (axis[2] * hemisphere < 0 ? [-axis[0], -axis[1], -axis[2]] : axis) as Vec3;
}

/** The error of `axis` against the visible celestial pole of date, at the site's latitude. */
export function polarError(axis: Vec3, latitudeDeg: number): PolarError {
  const hemisphere = latitudeDeg < 0 ? -1 : 1;
  const decDeg = Math.asin(Math.max(-1, Math.min(1, axis[2]))) * RAD_TO_DEG;
  const haHours = Math.atan2(-axis[1], axis[0]) * RAD_TO_DEG / 15;
  // With sidereal time 0, RA = −HA: the conversion needs no clock.
  const horizontal = equatorialToHorizontal(
    { raHours: wrapHours(-haHours), decDeg },
    0,
    latitudeDeg,
  );
  const altErrorArcmin = (horizontal.altDeg - Math.abs(latitudeDeg)) * 60;
  const poleAzDeg = hemisphere > 0 ? 0 : 180;
  const azErrorArcmin = wrapDeg180(horizontal.azDeg - poleAzDeg) * 60;
  const pole: Vec3 = [0, 0, hemisphere];
  const totalErrorArcmin = Math.acos(Math.max(-1, Math.min(1, dot(axis, pole)))) * RAD_TO_DEG *
    60;
  return {
    altErrorArcmin,
    azErrorArcmin,
    totalErrorArcmin,
    altDirection: altErrorArcmin > 0 ? "down" : "up",
    // Facing either pole, a smaller azimuth is to the left (west of north, east of south).
    azDirection: azErrorArcmin > 0 ? "left" : "right",
  };
}

/** Where a tracking mount's pointing has turned to after `elapsedS`: about its own axis. */
export function trackedPointing(pointing: Vec3, axis: Vec3, elapsedS: number): Vec3 {
  // The hour angle grows while tracking, which is a negative turn about the axis in this frame.
  return rotate(pointing, axis, -SIDEREAL_RAD_PER_S * elapsedS);
}

/**
 * The axis after the user turned the knobs: finds the turn about the vertical and about the
 * east–west horizontal that carries `before` (the previous pointing, tracked to now) onto `after`
 * (Gauss–Newton, converging in a few steps for turns of degrees), and applies it to `axis`.
 */
export function adjustedAxis(axis: Vec3, before: Vec3, after: Vec3, latitudeDeg: number): Vec3 {
  const zenith = haDecVector(0, latitudeDeg);
  // The altitude hinge sits on the azimuth base, so it has turned with the base's azimuth error:
  // turning it then the base reproduces the mount's mechanics exactly, not just to first order.
  const azErrorRad = polarError(axis, latitudeDeg).azErrorArcmin / 60 * DEG_TO_RAD;
  // A larger azimuth is a negative (clockwise from above) turn about the zenith.
  const east = rotate([0, 1, 0], zenith, -azErrorRad);
  const turn = (v: Vec3, azRad: number, altRad: number) =>
    rotate(rotate(v, east, altRad), zenith, azRad);
  let azRad = 0;
  let altRad = 0;
  const stepRad = 1e-7;
  for (let i = 0; i < 6; i++) {
    const here = turn(before, azRad, altRad);
    const residual = sub(after, here);
    const dAz = sub(turn(before, azRad + stepRad, altRad), here).map((x) => x / stepRad);
    const dAlt = sub(turn(before, azRad, altRad + stepRad), here).map((x) => x / stepRad);
    // 2×2 normal equations of the 3-component residual.
    const aa = dAz[0]! ** 2 + dAz[1]! ** 2 + dAz[2]! ** 2;
    const bb = dAlt[0]! ** 2 + dAlt[1]! ** 2 + dAlt[2]! ** 2;
    const ab = dAz[0]! * dAlt[0]! + dAz[1]! * dAlt[1]! + dAz[2]! * dAlt[2]!;
    const ra = dAz[0]! * residual[0] + dAz[1]! * residual[1] + dAz[2]! * residual[2];
    const rb = dAlt[0]! * residual[0] + dAlt[1]! * residual[1] + dAlt[2]! * residual[2];
    const det = aa * bb - ab * ab;
    // Pointing at the zenith or the east/west point, one knob's turn looks like the other's.
    if (Math.abs(det) < 1e-12) {
      throw new RangeError("the pointing cannot tell the two knobs apart: point elsewhere");
    }
    azRad += (bb * ra - ab * rb) / det;
    altRad += (aa * rb - ab * ra) / det;
  }
  return normalize(turn(axis, azRad, altRad));
}
