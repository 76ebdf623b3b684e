/**
 * How much two neighbouring mosaic panels overlap, computed from their frames: in panel A's
 * gnomonic plane A is the rectangle |x| ≤ tan(w/2), |y| ≤ tan(h/2), and B — whose sides are great
 * circles, hence straight lines there — is the convex quadrilateral of its four projected
 * corners. On nine lines along the pair, spread over the shared edge, the overlap is the stretch
 * inside both, measured on the sphere as a fraction of A's own width along the same line.
 */
import { add, dot, scale, separationDeg, type Vec3 } from "./sphere_vectors.ts";

const RAD = Math.PI / 180;

/** A camera field on the sky: boresight, up (the sensor's y axis) and right (its x axis). */
export interface Frame {
  c: Vec3;
  up: Vec3;
  right: Vec3;
}

export interface FieldDeg {
  widthDeg: number;
  heightDeg: number;
}

/** B lies to the right of A ("rows") or above it ("columns"). */
export type PairAxis = "rows" | "columns";

/** Where along the shared edge the samples are, as fractions of its half-length. */
export const EDGE_SAMPLES = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((k) => k / 4.5);

/**
 * How far B's centre sits sideways of A's axis along the pair, as a fraction of the field across
 * it: 0 when B is straight right of (or above) A. The overlap alone does not see a sideways slide.
 */
export function lateralOffset(a: Frame, b: Frame, field: FieldDeg, axis: PairAxis): number {
  const rows = axis === "rows";
  const across = rows ? a.up : a.right;
  const acrossDeg = rows ? field.heightDeg : field.widthDeg;
  return Math.atan2(dot(b.c, across), dot(b.c, a.c)) / RAD / acrossDeg;
}

/** The overlap (fraction of the field, negative for a gap) at each of EDGE_SAMPLES. */
export function overlapAlongEdge(a: Frame, b: Frame, field: FieldDeg, axis: PairAxis): number[] {
  const tw = Math.tan(field.widthDeg * RAD / 2), th = Math.tan(field.heightDeg * RAD / 2);
  const rows = axis === "rows";
  // In A's plane u runs along the pair and v across it.
  const [alongA, acrossA] = rows ? [a.right, a.up] : [a.up, a.right];
  const [tu, tv] = rows ? [tw, th] : [th, tw];
  const project = (p: Vec3): [number, number] => {
    const z = dot(p, a.c);
    return [dot(p, alongA) / z, dot(p, acrossA) / z];
  };
  // B's corners in A's plane, in order around it: a convex quadrilateral.
  const bCorners = [[1, 1], [-1, 1], [-1, -1], [1, -1]].map(([sx, sy]) =>
    project(add(add(b.c, scale(b.right, sx! * tw)), scale(b.up, sy! * th)))
  );
  const point = (u: number, v: number): Vec3 => add(add(a.c, scale(alongA, u)), scale(acrossA, v));
  return EDGE_SAMPLES.map((f) => {
    const v = tv * f;
    const [bLo, bHi] = crossing(bCorners, v);
    const own = separationDeg(point(-tu, v), point(tu, v));
    const lo = Math.max(-tu, bLo), hi = Math.min(tu, bHi);
    // A gap counts negative (from A's far side to B's near edge), so a fit can close it; a line
    // that misses B altogether counts as no overlap.
    const shared = lo <= hi
      ? separationDeg(point(lo, v), point(hi, v))
      : Number.isFinite(bLo)
      ? -separationDeg(point(hi, v), point(lo, v))
      : 0;
    return shared / own;
  });
}

/** Where the line v = `v` enters and leaves a convex polygon (u ascending). */
function crossing(polygon: [number, number][], v: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < polygon.length; i++) {
    const [u1, v1] = polygon[i]!, [u2, v2] = polygon[(i + 1) % polygon.length]!;
    if ((v1 - v) * (v2 - v) > 0 || v1 === v2) continue;
    const u = u1 + (u2 - u1) * (v - v1) / (v2 - v1);
    lo = Math.min(lo, u);
    hi = Math.max(hi, u);
  }
  return [lo, hi];
}
