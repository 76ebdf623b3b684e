/**
 * Plane transforms for registration: a 2×3 affine matrix mapping a frame's pixel coordinates
 * into the reference frame's, least-squares fits of a similarity (scale, rotation, shift, with
 * or without a mirror) or a full affine from matched point pairs, and the figures a user reads
 * (scale, rotation, mirror, shift). Fits centre both point sets first, which makes the normal
 * equations well conditioned for coordinates in the thousands of pixels.
 */

export interface Point {
  x: number;
  y: number;
}

/** x' = a·x + b·y + tx, y' = c·x + d·y + ty (pixels of the source → pixels of the target). */
export interface AffineTransform {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

export type TransformModel = "similarity" | "affine";

export const IDENTITY: AffineTransform = { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0 };

export function applyTransform(t: AffineTransform, p: Point): Point {
  return { x: t.a * p.x + t.b * p.y + t.tx, y: t.c * p.x + t.d * p.y + t.ty };
}

/** The inverse mapping; RangeError for a singular matrix (a degenerate fit). */
export function invertTransform(t: AffineTransform): AffineTransform {
  const det = t.a * t.d - t.b * t.c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new RangeError(`transform is singular (determinant ${det})`);
  }
  const a = t.d / det;
  const b = -t.b / det;
  const c = -t.c / det;
  const d = t.a / det;
  return { a, b, c, d, tx: -(a * t.tx + b * t.ty), ty: -(c * t.tx + d * t.ty) };
}

/** Scale, rotation (degrees, counter-clockwise in x-right/y-down pixels read as usual) and mirror. */
export function describeTransform(
  t: AffineTransform,
): { scale: number; rotationDeg: number; mirrored: boolean } {
  const det = t.a * t.d - t.b * t.c;
  return {
    scale: Math.sqrt(Math.abs(det)),
    rotationDeg: (Math.atan2(t.c, t.a) * 180) / Math.PI,
    mirrored: det < 0,
  };
}

/** A similarity from its parameters (for tests and synthetic data). */
export function similarity(
  scale: number,
  rotationDeg: number,
  txPx: number,
  tyPx: number,
  mirrored = false,
): AffineTransform {
  const r = (rotationDeg * Math.PI) / 180;
  const p = scale * Math.cos(r);
  const q = scale * Math.sin(r);
  return mirrored
    ? { a: p, b: q, c: q, d: -p, tx: txPx, ty: tyPx }
    : { a: p, b: -q, c: q, d: p, tx: txPx, ty: tyPx };
}

function centroid(points: readonly Point[]): Point {
  let x = 0;
  let y = 0;
  for (const p of points) {
    x += p.x;
    y += p.y;
  }
  return { x: x / points.length, y: y / points.length };
}

function checkPairs(src: readonly Point[], dst: readonly Point[], minimum: number): void {
  if (src.length !== dst.length) {
    throw new RangeError(
      `fit needs as many targets as sources, got ${src.length} and ${dst.length}`,
    );
  }
  if (src.length < minimum) {
    throw new RangeError(`fit needs at least ${minimum} point pairs, got ${src.length}`);
  }
}

/**
 * Least-squares similarity src → dst. With `mirrored` the model is a reflection (y → −y)
 * followed by a rotation, scale and shift, which is still linear in its four parameters.
 * Returns null when the sources all coincide.
 */
export function fitSimilarity(
  src: readonly Point[],
  dst: readonly Point[],
  mirrored: boolean,
): AffineTransform | null {
  checkPairs(src, dst, 2);
  const ms = centroid(src);
  const md = centroid(dst);
  const flip = mirrored ? -1 : 1;
  let sxx = 0;
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < src.length; i++) {
    const u = src[i]!.x - ms.x;
    const v = flip * (src[i]!.y - ms.y);
    const U = dst[i]!.x - md.x;
    const V = dst[i]!.y - md.y;
    sxx += u * u + v * v;
    sp += u * U + v * V;
    sq += u * V - v * U;
  }
  if (sxx <= 1e-12) return null;
  const p = sp / sxx;
  const q = sq / sxx;
  const t = mirrored ? { a: p, b: q, c: q, d: -p } : { a: p, b: -q, c: q, d: p };
  return { ...t, tx: md.x - (t.a * ms.x + t.b * ms.y), ty: md.y - (t.c * ms.x + t.d * ms.y) };
}

/** Least-squares affine src → dst (six parameters). Null when the sources are collinear. */
export function fitAffine(src: readonly Point[], dst: readonly Point[]): AffineTransform | null {
  checkPairs(src, dst, 3);
  const ms = centroid(src);
  const md = centroid(dst);
  let suu = 0, suv = 0, svv = 0, suX = 0, svX = 0, suY = 0, svY = 0;
  for (let i = 0; i < src.length; i++) {
    const u = src[i]!.x - ms.x;
    const v = src[i]!.y - ms.y;
    const X = dst[i]!.x - md.x;
    const Y = dst[i]!.y - md.y;
    suu += u * u;
    suv += u * v;
    svv += v * v;
    suX += u * X;
    svX += v * X;
    suY += u * Y;
    svY += v * Y;
  }
  const det = suu * svv - suv * suv;
  // Relative test: collinear sources make the 2×2 normal matrix singular whatever their scale.
  if (!(Math.abs(det) > 1e-9 * (suu * svv + 1e-30))) return null;
  const a = (suX * svv - svX * suv) / det;
  const b = (svX * suu - suX * suv) / det;
  const c = (suY * svv - svY * suv) / det;
  const d = (svY * suu - suY * suv) / det;
  return { a, b, c, d, tx: md.x - (a * ms.x + b * ms.y), ty: md.y - (c * ms.x + d * ms.y) };
}

/** Fits the chosen model (a similarity of the given parity, or an affine). */
export function fitModel(
  model: TransformModel,
  src: readonly Point[],
  dst: readonly Point[],
  mirrored: boolean,
): AffineTransform | null {
  return model === "affine" ? fitAffine(src, dst) : fitSimilarity(src, dst, mirrored);
}

/** Largest displacement between two transforms over the corners and centre of a frame, px. */
export function maxTransformErrorPx(
  t1: AffineTransform,
  t2: AffineTransform,
  widthPx: number,
  heightPx: number,
): number {
  const probes = [
    { x: 0, y: 0 },
    { x: widthPx - 1, y: 0 },
    { x: 0, y: heightPx - 1 },
    { x: widthPx - 1, y: heightPx - 1 },
    { x: widthPx / 2, y: heightPx / 2 },
  ];
  let worst = 0;
  for (const p of probes) {
    const q1 = applyTransform(t1, p);
    const q2 = applyTransform(t2, p);
    worst = Math.max(worst, Math.hypot(q1.x - q2.x, q1.y - q2.y));
  }
  return worst;
}
