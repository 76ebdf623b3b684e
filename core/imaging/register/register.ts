/**
 * Registration of a frame's star list onto the reference frame's. Triangles of the brightest few
 * dozen stars are paired by shape; each pair proposes a parity, a scale and a rotation, and only
 * the pairs in the densest cell of that (parity, log scale, rotation) histogram vote for star
 * correspondences — so chance shape matches, outliers and missing stars cannot outvote the true
 * field. Every two of the best-voted correspondences give a similarity hypothesis; the one that
 * explains most candidates seeds an iterative nearest-neighbour match over the full star lists
 * and a least-squares fit (similarity, or affine on request) with sigma clipping. A field that
 * does not match is refused with the reason, never forced.
 */
import type { Star } from "../stars/types.ts";
import { StarGrid } from "./star_grid.ts";
import {
  type AffineTransform,
  applyTransform,
  describeTransform,
  fitModel,
  fitSimilarity,
  type Point,
  type TransformModel,
} from "./transform.ts";
import { buildTriangles, matchTriangles, type TriangleMatch } from "./triangles.ts";

export interface RegistrationOptions {
  /** "similarity" (default) or "affine" for the final fit. */
  model?: TransformModel;
  /** Consider mirrored solutions (a meridian flip through a diagonal, a flipped camera). */
  allowMirror?: boolean;
  /** Stars per list used for triangles, brightest first (default 40). */
  brightestStars?: number;
  /** Greatest distance of a matched star from its transformed partner, px (default 3). */
  matchTolerancePx?: number;
  /** Fewest matched stars for a registration (default: 6, or a quarter of the smaller list). */
  minMatches?: number;
  /** Descriptor tolerance of the triangle match (ratio units, default 0.004). */
  triangleTolerance?: number;
}

export interface Registration {
  /** Frame pixel → reference pixel. */
  transform: AffineTransform;
  scale: number;
  rotationDeg: number;
  mirrored: boolean;
  shiftXPx: number;
  shiftYPx: number;
  matchedStars: number;
  /** RMS distance of matched stars after the fit, px. */
  rmsPx: number;
}

export interface RegistrationRefusal {
  transform: null;
  reason: string;
}

type Pair = { frame: number; ref: number; votes: number };

const SCALE_BIN = 0.02; // log-scale bin (2 %)
const ROTATION_BIN_DEG = 2;

export function registerStars(
  frameStars: readonly Star[],
  refStars: readonly Star[],
  options: RegistrationOptions = {},
): Registration | RegistrationRefusal {
  const model = options.model ?? "similarity";
  const tolPx = options.matchTolerancePx ?? 3;
  const n = options.brightestStars ?? 40;
  const frameBright = brightest(frameStars, n);
  const refBright = brightest(refStars, n);
  const minMatches = options.minMatches ??
    Math.max(6, Math.round(0.25 * Math.min(frameBright.length, refBright.length)));
  if (frameBright.length < minMatches || refBright.length < minMatches) {
    return refuse(
      `too few stars to register: frame ${frameStars.length}, reference ${refStars.length}, need ${minMatches}`,
    );
  }
  const matches = matchTriangles(
    buildTriangles(frameBright),
    buildTriangles(refBright),
    options.triangleTolerance ?? 0.004,
  ).filter((m) => options.allowMirror !== false || !m.mirrored);
  if (matches.length === 0) return refuse("no star triangle of the frame matches the reference");
  const { kept, mirrored } = consistentMatches(matches, frameBright, refBright);
  const candidates = correspondences(kept, frameBright.length, refBright.length);
  const seed = bestHypothesis(candidates, frameBright, refBright, mirrored, tolPx);
  if (!seed) return refuse("star triangles matched by chance only: no consistent transform");
  return refine(seed, frameStars, refStars, { model, mirrored, tolPx, minMatches });
}

function refuse(reason: string): RegistrationRefusal {
  return { transform: null, reason };
}

function brightest(stars: readonly Star[], n: number): Star[] {
  return [...stars].sort((s, t) => t.flux - s.flux).slice(0, n);
}

function angleOf(p: Point, q: Point): number {
  return Math.atan2(q.y - p.y, q.x - p.x);
}

/**
 * Keeps the triangle pairs that agree on parity, scale and rotation with the largest group: a
 * Hough vote over (parity, log scale, rotation), peak found as the best 3×3 block of cells.
 */
function consistentMatches(
  matches: TriangleMatch[],
  frame: readonly Point[],
  ref: readonly Point[],
): { kept: TriangleMatch[]; mirrored: boolean } {
  const rotBins = Math.round(360 / ROTATION_BIN_DEG);
  const keyed = matches.map((m) => {
    const logScale = Math.log(m.ref.longestSidePx / m.frame.longestSidePx);
    const thetaF = angleOf(frame[m.frame.va]!, frame[m.frame.vb]!);
    const thetaR = angleOf(ref[m.ref.va]!, ref[m.ref.vb]!);
    // A mirror (y → −y) first negates the frame's angle, then the rotation applies.
    const rotRad = m.mirrored ? thetaR + thetaF : thetaR - thetaF;
    const rotDeg = ((rotRad * 180) / Math.PI % 360 + 360) % 360;
    return {
      m,
      s: Math.floor(logScale / SCALE_BIN),
      r: Math.floor(rotDeg / ROTATION_BIN_DEG) % rotBins,
    };
  });
  const counts = new Map<string, number>();
  const key = (mirror: boolean, s: number, r: number) =>
    `${mirror ? 1 : 0}:${s}:${((r % rotBins) + rotBins) % rotBins}`;
  for (const k of keyed) {
    const id = key(k.m.mirrored, k.s, k.r);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let best = { total: -1, mirror: false, s: 0, r: 0 };
  for (const k of keyed) {
    let total = 0;
    for (let ds = -1; ds <= 1; ds++) {
      for (let dr = -1; dr <= 1; dr++) {
        total += counts.get(key(k.m.mirrored, k.s + ds, k.r + dr)) ?? 0;
      }
    }
    if (total > best.total) best = { total, mirror: k.m.mirrored, s: k.s, r: k.r };
  }
  const kept = keyed.filter((k) => {
    const dr = Math.abs(k.r - best.r);
    return k.m.mirrored === best.mirror && Math.abs(k.s - best.s) <= 1 &&
      Math.min(dr, rotBins - dr) <= 1;
  }).map((k) => k.m);
  return { kept, mirrored: best.mirror };
}

/** Star pairs by votes; each star keeps only its mutual best partner. */
function correspondences(kept: TriangleMatch[], nFrame: number, nRef: number): Pair[] {
  const votes = new Int32Array(nFrame * nRef);
  for (const { frame: f, ref: r } of kept) {
    votes[f.va * nRef + r.va]!++;
    votes[f.vb * nRef + r.vb]!++;
    votes[f.vc * nRef + r.vc]!++;
  }
  const bestRefOf = new Int32Array(nFrame).fill(-1);
  const bestFrameOf = new Int32Array(nRef).fill(-1);
  for (let f = 0; f < nFrame; f++) {
    for (let r = 0; r < nRef; r++) {
      const v = votes[f * nRef + r]!;
      if (v === 0) continue;
      const br = bestRefOf[f]!;
      if (br < 0 || v > votes[f * nRef + br]!) bestRefOf[f] = r;
      const bf = bestFrameOf[r]!;
      if (bf < 0 || v > votes[bf * nRef + r]!) bestFrameOf[r] = f;
    }
  }
  const pairs: Pair[] = [];
  for (let f = 0; f < nFrame; f++) {
    const r = bestRefOf[f]!;
    if (r >= 0 && bestFrameOf[r] === f) {
      pairs.push({ frame: f, ref: r, votes: votes[f * nRef + r]! });
    }
  }
  return pairs.sort((p, q) => q.votes - p.votes);
}

/**
 * Tries the similarity through every two of the best-voted pairs (deterministic, at most 190
 * fits) and keeps the one that most candidates agree with. Needs three agreeing pairs, since
 * any two pairs alone define a similarity.
 */
function bestHypothesis(
  pairs: Pair[],
  frame: readonly Point[],
  ref: readonly Point[],
  mirrored: boolean,
  tolPx: number,
): AffineTransform | null {
  const top = pairs.slice(0, 20);
  let best: { t: AffineTransform; inliers: number } | null = null;
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const src = [frame[top[i]!.frame]!, frame[top[j]!.frame]!];
      const dst = [ref[top[i]!.ref]!, ref[top[j]!.ref]!];
      const t = fitSimilarity(src, dst, mirrored);
      if (!t) continue;
      let inliers = 0;
      for (const p of pairs) {
        const q = applyTransform(t, frame[p.frame]!);
        const r = ref[p.ref]!;
        if (Math.hypot(q.x - r.x, q.y - r.y) <= tolPx) inliers++;
      }
      if (!best || inliers > best.inliers) best = { t, inliers };
    }
  }
  return best && best.inliers >= 3 ? best.t : null;
}

/**
 * Matches every frame star to its nearest reference star under the current transform, refits,
 * and repeats; the last rounds clip pairs beyond 3 × the RMS so a blend or a moved star does not
 * pull the fit.
 */
function refine(
  seed: AffineTransform,
  frameStars: readonly Star[],
  refStars: readonly Star[],
  o: { model: TransformModel; mirrored: boolean; tolPx: number; minMatches: number },
): Registration | RegistrationRefusal {
  const grid = new StarGrid(refStars, Math.max(4, o.tolPx * 2));
  let t = seed;
  let limitPx = o.tolPx;
  let pairs: { src: Point; dst: Point }[] = [];
  for (let round = 0; round < 5; round++) {
    pairs = nearestPairs(t, frameStars, refStars, grid, limitPx);
    if (pairs.length < Math.max(o.minMatches, o.model === "affine" ? 3 : 2)) {
      return refuse(
        `only ${pairs.length} stars match the reference within ${
          limitPx.toFixed(1)
        } px (need ${o.minMatches})`,
      );
    }
    const next = fitModel(o.model, pairs.map((p) => p.src), pairs.map((p) => p.dst), o.mirrored);
    if (!next) return refuse("matched stars are degenerate (coincident or collinear)");
    t = next;
    if (round >= 1) limitPx = Math.min(o.tolPx, Math.max(3 * rms(t, pairs), 0.5));
  }
  pairs = pairs.filter((p) => distance(t, p) <= limitPx);
  const figures = describeTransform(t);
  return {
    transform: t,
    ...figures,
    shiftXPx: t.tx,
    shiftYPx: t.ty,
    matchedStars: pairs.length,
    rmsPx: rms(t, pairs),
  };
}

function distance(t: AffineTransform, p: { src: Point; dst: Point }): number {
  const q = applyTransform(t, p.src);
  return Math.hypot(q.x - p.dst.x, q.y - p.dst.y);
}

function rms(t: AffineTransform, pairs: { src: Point; dst: Point }[]): number {
  if (pairs.length === 0) return NaN;
  let sum = 0;
  for (const p of pairs) sum += distance(t, p) ** 2;
  return Math.sqrt(sum / pairs.length);
}

/** One-to-one nearest pairs within `limitPx`; a reference star claimed twice goes to the nearer. */
function nearestPairs(
  t: AffineTransform,
  frameStars: readonly Star[],
  refStars: readonly Star[],
  grid: StarGrid,
  limitPx: number,
): { src: Point; dst: Point }[] {
  const claim = new Map<number, { frame: number; d: number }>();
  for (let i = 0; i < frameStars.length; i++) {
    const q = applyTransform(t, frameStars[i]!);
    const hit = grid.nearest(q.x, q.y, limitPx);
    if (hit.index < 0) continue;
    const prior = claim.get(hit.index);
    if (!prior || hit.distancePx < prior.d) claim.set(hit.index, { frame: i, d: hit.distancePx });
  }
  return [...claim].map(([r, c]) => ({ src: frameStars[c.frame]!, dst: refStars[r]! }));
}
