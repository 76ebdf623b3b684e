/**
 * Unit vectors on the celestial sphere and the little linear algebra the mosaic geometry needs:
 * RA/Dec ↔ vector, local north and east, position angles, rotations of a frame, separations.
 * Pure functions on `[x, y, z]` with x toward RA 0 h Dec 0, z toward the north celestial pole.
 */

const RAD = Math.PI / 180;

export type Vec3 = [number, number, number];

export function unitVector(raHours: number, decDeg: number): Vec3 {
  const a = raHours * 15 * RAD, d = decDeg * RAD;
  return [Math.cos(d) * Math.cos(a), Math.cos(d) * Math.sin(a), Math.sin(d)];
}

export function toRaDec(v: Vec3): { raHours: number; decDeg: number } {
  const raDeg = Math.atan2(v[1], v[0]) / RAD;
  const raHours = ((raDeg / 15) % 24 + 24) % 24;
  return {
    raHours: raHours >= 24 ? 0 : raHours,
    decDeg: Math.atan2(v[2], Math.hypot(v[0], v[1])) / RAD,
  };
}

/** Unit vectors of local north and east at `c` (at a pole: along RA 0 h's meridian). */
export function localNorthEast(c: Vec3): { north: Vec3; east: Vec3 } {
  const a = Math.atan2(c[1], c[0]);
  const d = Math.atan2(c[2], Math.hypot(c[0], c[1]));
  return {
    north: [-Math.sin(d) * Math.cos(a), -Math.sin(d) * Math.sin(a), Math.cos(d)],
    east: [-Math.sin(a), Math.cos(a), 0],
  };
}

/** The direction at `c` with position angle `paDeg` (east of north). */
export function directionAt(c: Vec3, paDeg: number): Vec3 {
  const { north, east } = localNorthEast(c);
  const p = paDeg * RAD;
  return add(scale(north, Math.cos(p)), scale(east, Math.sin(p)));
}

/** The position angle at `c` of the tangent direction `t`, degrees in [0, 360). */
export function positionAngleDeg(c: Vec3, t: Vec3): number {
  const { north, east } = localNorthEast(c);
  const pa = Math.atan2(dot(t, east), dot(t, north)) / RAD;
  const wrapped = ((pa % 360) + 360) % 360;
  return wrapped >= 360 ? 0 : wrapped;
}

export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

export function scale(a: Vec3, k: number): Vec3 {
  return [a[0] * k, a[1] * k, a[2] * k];
}

export function normalize(a: Vec3): Vec3 {
  return scale(a, 1 / Math.hypot(a[0], a[1], a[2]));
}

/** `from` turned by `angleRad` toward `to` (orthogonal unit vectors), and `to` turned with it. */
export function turn(from: Vec3, to: Vec3, angleRad: number): [Vec3, Vec3] {
  const c = Math.cos(angleRad), s = Math.sin(angleRad);
  return [add(scale(from, c), scale(to, s)), add(scale(from, -s), scale(to, c))];
}

/** `v` rotated by the rotation vector `w` (axis × angle in radians), by Rodrigues' formula. */
export function rotate(v: Vec3, w: Vec3): Vec3 {
  const angle = Math.hypot(w[0], w[1], w[2]);
  if (angle === 0) return v;
  const k = scale(w, 1 / angle);
  const c = Math.cos(angle), s = Math.sin(angle);
  return add(add(scale(v, c), scale(cross(k, v), s)), scale(k, dot(k, v) * (1 - c)));
}

/** Angular distance between two unit vectors, degrees (atan2 form: exact at all scales). */
export function separationDeg(a: Vec3, b: Vec3): number {
  return Math.atan2(Math.hypot(...cross(a, b)), dot(a, b)) / RAD;
}
