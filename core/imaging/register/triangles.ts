/**
 * Star triangles and their similarity-invariant descriptors (after Groth 1986 and Valdes et al.
 * 1995, as Siril and astroalign use them). For three stars with sides a ≤ b ≤ c the pair
 * (a/c, b/c) is unchanged by shift, rotation, scale and mirror; the orientation sign (clockwise
 * or not, going from the vertex opposite a to the one opposite b to the one opposite c) flips
 * under a mirror, so a match says which parity it votes for. Triangles whose vertex labelling is
 * ambiguous (two nearly equal sides) or whose sides are too short to measure are left out.
 */
import type { Point } from "./transform.ts";

export interface Triangle {
  /** Indices of the vertices opposite the shortest, middle and longest side. */
  va: number;
  vb: number;
  vc: number;
  /** a/c and b/c. */
  ratioA: number;
  ratioB: number;
  /** +1 counter-clockwise, −1 clockwise (in x-right, y-down pixels). */
  orientation: 1 | -1;
  longestSidePx: number;
}

export interface TriangleOptions {
  /** Sides shorter than this are dominated by centroid noise (default 8 px). */
  minSidePx?: number;
  /** Two sides within this fraction of c make the labelling ambiguous (default 0.01). */
  ambiguity?: number;
}

/** Every usable triangle of the points (all C(n, 3); n is the brightest few dozen). */
export function buildTriangles(
  points: readonly Point[],
  options: TriangleOptions = {},
): Triangle[] {
  const minSidePx = options.minSidePx ?? 8;
  const ambiguity = options.ambiguity ?? 0.01;
  const n = points.length;
  const out: Triangle[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      for (let k = j + 1; k < n; k++) {
        const t = makeTriangle(points, i, j, k, minSidePx, ambiguity);
        if (t) out.push(t);
      }
    }
  }
  return out;
}

function makeTriangle(
  p: readonly Point[],
  i: number,
  j: number,
  k: number,
  minSidePx: number,
  ambiguity: number,
): Triangle | null {
  const pi = p[i]!;
  const pj = p[j]!;
  const pk = p[k]!;
  // Each side keyed by the vertex opposite it.
  const sides: [number, number][] = [
    [Math.hypot(pj.x - pk.x, pj.y - pk.y), i],
    [Math.hypot(pi.x - pk.x, pi.y - pk.y), j],
    [Math.hypot(pi.x - pj.x, pi.y - pj.y), k],
  ];
  sides.sort((s, t) => s[0] - t[0]);
  const [a, va] = sides[0]!;
  const [b, vb] = sides[1]!;
  const [c, vc] = sides[2]!;
  if (a < minSidePx) return null;
  if (b - a < ambiguity * c || c - b < ambiguity * c) return null;
  const A = p[va]!;
  const B = p[vb]!;
  const C = p[vc]!;
  const cross = (B.x - A.x) * (C.y - A.y) - (B.y - A.y) * (C.x - A.x);
  return {
    va,
    vb,
    vc,
    ratioA: a / c,
    ratioB: b / c,
    orientation: cross > 0 ? 1 : -1,
    longestSidePx: c,
  };
}

/** A triangle of the frame paired with one of the reference with the same shape. */
export interface TriangleMatch {
  frame: Triangle;
  ref: Triangle;
  /** True when the orientations differ: the pair says "mirrored". */
  mirrored: boolean;
}

/**
 * Pairs triangles whose descriptors agree within `tolerance` (in ratio units) through a grid
 * over the descriptor plane, so the cost is near-linear rather than frame × reference.
 */
export function matchTriangles(
  frame: readonly Triangle[],
  ref: readonly Triangle[],
  tolerance: number,
): TriangleMatch[] {
  const cells = Math.max(1, Math.floor(1 / tolerance));
  const grid = new Map<number, Triangle[]>();
  const cellOf = (v: number) => Math.min(cells - 1, Math.floor(v * cells));
  for (const t of ref) {
    const key = cellOf(t.ratioA) * cells + cellOf(t.ratioB);
    const bucket = grid.get(key);
    if (bucket) bucket.push(t);
    else grid.set(key, [t]);
  }
  const out: TriangleMatch[] = [];
  for (const f of frame) {
    const ca = cellOf(f.ratioA);
    const cb = cellOf(f.ratioB);
    for (let da = -1; da <= 1; da++) {
      for (let db = -1; db <= 1; db++) {
        const ia = ca + da;
        const ib = cb + db;
        if (ia < 0 || ib < 0 || ia >= cells || ib >= cells) continue;
        const bucket = grid.get(ia * cells + ib);
        if (!bucket) continue;
        for (const r of bucket) {
          if (
            Math.abs(r.ratioA - f.ratioA) <= tolerance && Math.abs(r.ratioB - f.ratioB) <= tolerance
          ) {
            out.push({ frame: f, ref: r, mirrored: r.orientation !== f.orientation });
          }
        }
      }
    }
  }
  return out;
}
