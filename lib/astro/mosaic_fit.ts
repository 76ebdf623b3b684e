/**
 * Spreads the sphere's curvature over a mosaic. Equal rectangles cannot tile a sphere: around
 * every four panels the corner angles add up to more than 360° by the area they enclose, and that
 * excess has to go into the overlaps. Laid out naively it piles up on one side of a large mosaic
 * (a 3 × 4 mosaic of 10° fields misses its overlap by 3 % of the field). This least-squares fit
 * (Levenberg–Marquardt) turns every panel by a small rotation — along either axis and about its
 * boresight — to bring the overlap at both ends and the middle of every shared edge as close to
 * the requested one as possible, with each neighbour kept square beside its panel (no sideways
 * slide), which shares the excess out evenly; on telescope-sized mosaics
 * it changes almost nothing. The whole mosaic's own rotations leave every overlap alone; the
 * damping keeps the step free of them, so the mosaic does not drift off its centre.
 */
import {
  type FieldDeg,
  type Frame,
  lateralOffset,
  overlapAlongEdge,
  type PairAxis,
} from "./mosaic_overlap.ts";
import { add, rotate, scale, type Vec3 } from "./sphere_vectors.ts";

export interface Pair {
  a: number;
  b: number;
  axis: PairAxis;
}

/** The edge samples the fit uses: both ends and the middle (indexes into EDGE_SAMPLES). */
const FIT_SAMPLES = [0, 4, 8];
const STEP_RAD = 1e-7;
const MAX_ITERATIONS = 12;

function turned(f: Frame, p: ArrayLike<number>, at: number): Frame {
  const w: Vec3 = add(add(scale(f.c, p[at]!), scale(f.up, p[at + 1]!)), scale(f.right, p[at + 2]!));
  return { c: rotate(f.c, w), up: rotate(f.up, w), right: rotate(f.right, w) };
}

/** Per pair: the overlap's misses at the ends and middle of the edge, and the sideways slide. */
function pairResiduals(a: Frame, b: Frame, pair: Pair, field: FieldDeg, target: number) {
  const along = overlapAlongEdge(a, b, field, pair.axis);
  return [...FIT_SAMPLES.map((k) => along[k]! - target), lateralOffset(a, b, field, pair.axis)];
}
const RESIDUALS_PER_PAIR = FIT_SAMPLES.length + 1;

function residuals(frames: Frame[], pairs: Pair[], field: FieldDeg, target: number): number[] {
  return pairs.flatMap((p) => pairResiduals(frames[p.a]!, frames[p.b]!, p, field, target));
}

/**
 * Solves (N + λI) x = b for symmetric N (Cholesky), N n × n row-major. The damping is the same in
 * every direction, so a step has no part along the null space of N (turning the whole mosaic).
 */
function solveDamped(n: number, N: Float64Array, b: Float64Array, lambda: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = N[i * n + j]! + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) sum -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / L[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= L[i * n + k]! * y[k]!;
    y[i] = sum / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= L[k * n + i]! * x[k]!;
    x[i] = sum / L[i * n + i]!;
  }
  return x;
}

const sumSquares = (r: number[]) => r.reduce((s, x) => s + x * x, 0);

/** The frames turned so the pairs' overlaps are as close to `target` as they can all be. */
export function fitMosaicFrames(
  start: Frame[],
  pairs: Pair[],
  field: FieldDeg,
  target: number,
): Frame[] {
  let frames = start;
  const n = 3 * frames.length;
  if (pairs.length === 0) return frames;
  let r = residuals(frames, pairs, field, target);
  let mu = 1e-6;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    // The Jacobian is sparse: a pair's residuals depend on its two panels' turns only, so it is
    // kept per pair (RESIDUALS_PER_PAIR rows × 6 columns) and the normal matrix built from those.
    const N = new Float64Array(n * n);
    const g = new Float64Array(n);
    pairs.forEach((pair, i) => {
      const rows = r.slice(i * RESIDUALS_PER_PAIR, (i + 1) * RESIDUALS_PER_PAIR);
      const cols: number[] = [];
      const J: number[][] = rows.map(() => []);
      for (const [panel, isA] of [[pair.a, true], [pair.b, false]] as const) {
        for (let axis = 0; axis < 3; axis++) {
          const p = [0, 0, 0];
          p[axis] = STEP_RAD;
          const moved = turned(frames[panel]!, p, 0);
          const after = isA
            ? pairResiduals(moved, frames[pair.b]!, pair, field, target)
            : pairResiduals(frames[pair.a]!, moved, pair, field, target);
          cols.push(panel * 3 + axis);
          after.forEach((value, k) => J[k]!.push((value - rows[k]!) / STEP_RAD));
        }
      }
      J.forEach((row, k) => {
        row.forEach((ji, x) => {
          g[cols[x]!] = g[cols[x]!]! - ji * rows[k]!;
          row.forEach((jj, y) => {
            N[cols[x]! * n + cols[y]!] = N[cols[x]! * n + cols[y]!]! + ji * jj;
          });
        });
      });
    });
    const before = sumSquares(r);
    // Overlaps within a millionth of the field: nothing left to gain.
    if (before < 1e-12 * r.length) break;
    let improved = false;
    for (let attempt = 0; attempt < 6 && !improved; attempt++) {
      let meanDiag = 0;
      for (let i = 0; i < n; i++) meanDiag += N[i * n + i]! / n;
      const step = solveDamped(n, N, g, mu * meanDiag + 1e-30);
      const candidate = frames.map((f, i) => turned(f, step, 3 * i));
      const rc = residuals(candidate, pairs, field, target);
      if (sumSquares(rc) < before) {
        frames = candidate;
        r = rc;
        mu = Math.max(mu / 10, 1e-12);
        improved = true;
      } else {
        mu *= 10;
      }
    }
    // Stop once a step gains less than a thousandth: the fit has found the excess's spread.
    if (!improved || before - sumSquares(r) < 1e-3 * before) break;
  }
  return frames;
}
