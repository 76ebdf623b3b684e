/**
 * A star's shape (the two axes of its second moments and the major axis' direction) from
 * Gaussian-windowed moments on a window of 1.25σ but never under 1.5 px. The centroid window in
 * measure.ts is matched to the star and may shrink to 0.8 px, which is right for the position but
 * wrong for the shape of a small star: the product of an undersampled star (σ ≲ 0.8 px) and such a
 * window is so narrow that its moments swing with the sub-pixel phase (a σ 0.73 px star half a
 * pixel off centre read eccentricity 0.52 noise-free), and undoing a window of variance σw² from
 * a windowed variance m (M⁻¹ = Mw⁻¹ + M⁻¹star) multiplies every error by (σw²/(σw² − m))², 3.3
 * there. The 1.5 px floor brings that star to 0.14 (half a pixel off) and 0 (centred); wider
 * windows help the phase error little more and cost noise. Well-sampled stars keep a near-matched
 * window, the least noisy. The same moments run on a subset of sites: the green quincunx of a
 * Bayer mosaic (bayer_shape.ts).
 */
import { medianInPlace } from "./_stats.ts";

/** Pixels to measure on; with `parity` set only sites with (x + y) % 2 === parity count. */
export interface ShapeGrid {
  pixels: Float32Array;
  widthPx: number;
  heightPx: number;
  parity: 0 | 1 | null;
}

export interface StarShape {
  /** Variances along the axes after removing the window, px² (the pixel's box still in). */
  majorVarPx2: number;
  minorVarPx2: number;
  /** Direction of the major axis from +x towards +y, radians in (−π/2, π/2]. */
  angleRad: number;
}

/** The shape window is this many times the star's σ (matched is 1; a little wider is steadier)… */
const WINDOW_PER_SIGMA = 1.25;
/** …but never narrower than this, px: below it a small star's phase shows (see above). */
const MIN_WINDOW_PX = 1.5;
const MAX_WINDOW_PX = 24;
/** Rounds of re-sizing the window to the star it measured (the first guess is the caller's). */
const ROUNDS = 2;
let ringBuffer = new Float32Array(256);
const windowX = new Float64Array(2 * Math.ceil(3.5 * MAX_WINDOW_PX) + 3);

/**
 * Shape of the star centred at (cx, cy), σ about `sigmaPx` (a first guess), on the sky
 * `levelAdu`; pixels nearer to one of `neighbours` (x,y pairs) than to the star are left out.
 * Null when the window holds no positive flux.
 */
export function measureShape(
  grid: ShapeGrid,
  cx: number,
  cy: number,
  sigmaPx: number,
  levelAdu: number,
  neighbours: readonly number[],
): StarShape | null {
  const { pixels: p, widthPx: w, heightPx: h, parity } = grid;
  let sigmaStar = sigmaPx;
  let shape: StarShape | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    const sigmaW = Math.min(MAX_WINDOW_PX, Math.max(MIN_WINDOW_PX, WINDOW_PER_SIGMA * sigmaStar));
    const reach = Math.ceil(3.5 * sigmaW);
    const x0 = Math.max(0, Math.floor(cx) - reach), x1 = Math.min(w - 1, Math.ceil(cx) + reach);
    const y0 = Math.max(0, Math.floor(cy) - reach), y1 = Math.min(h - 1, Math.ceil(cy) + reach);
    const inv2s2 = 1 / (2 * sigmaW * sigmaW);
    for (let x = x0; x <= x1; x++) windowX[x - x0] = Math.exp(-((x - cx) ** 2) * inv2s2);
    let s = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let y = y0; y <= y1; y++) {
      const dy = y - cy, wy = Math.exp(-dy * dy * inv2s2), row = y * w;
      // On a quincunx every other site of the row, starting where (x + y) has the parity.
      const first = parity === null ? x0 : x0 + (((x0 + y) & 1) === parity ? 0 : 1);
      const step = parity === null ? 1 : 2;
      for (let x = first; x <= x1; x += step) {
        const dx = x - cx;
        if (neighbours.length > 0 && nearerToNeighbour(x, y, dx, dy, neighbours)) continue;
        const v = (p[row + x]! - levelAdu) * wy * windowX[x - x0]!;
        s += v;
        sx += v * dx;
        sy += v * dy;
        sxx += v * dx * dx;
        syy += v * dy * dy;
        sxy += v * dx * dy;
      }
    }
    if (!(s > 0)) return shape;
    // Moments about the windowed mean: exact for a Gaussian star even if (cx, cy) is a bit off.
    const mx = sx / s, my = sy / s;
    const mxx = sxx / s - mx * mx, myy = syy / s - my * my, mxy = sxy / s - mx * my;
    const half = (mxx + myy) / 2;
    const root = Math.sqrt(((mxx - myy) / 2) ** 2 + mxy * mxy);
    const sw2 = sigmaW * sigmaW;
    shape = {
      majorVarPx2: removeWindow(half + root, sw2),
      minorVarPx2: removeWindow(half - root, sw2),
      angleRad: 0.5 * Math.atan2(2 * mxy, mxx - myy),
    };
    sigmaStar = Math.sqrt(Math.max(0, (shape.majorVarPx2 + shape.minorVarPx2) / 2));
  }
  return shape;
}

/** Sky level of the grid's sites in a ring around (cx, cy): their median. NaN with too few. */
export function ringLevel(
  grid: ShapeGrid,
  cx: number,
  cy: number,
  innerPx: number,
  outerPx: number,
): number {
  const { pixels: p, widthPx: w, heightPx: h, parity } = grid;
  const r0 = innerPx * innerPx, r1 = outerPx * outerPx;
  const reach = Math.ceil(outerPx);
  const need = Math.ceil(Math.PI * (r1 - r0)) + 8;
  if (ringBuffer.length < need) ringBuffer = new Float32Array(need);
  let n = 0;
  for (let y = Math.max(0, Math.floor(cy) - reach); y <= Math.min(h - 1, cy + reach); y++) {
    const dy2 = (y - cy) ** 2;
    for (let x = Math.max(0, Math.floor(cx) - reach); x <= Math.min(w - 1, cx + reach); x++) {
      if (parity !== null && ((x + y) & 1) !== parity) continue;
      const d2 = (x - cx) ** 2 + dy2;
      if (d2 >= r0 && d2 <= r1) ringBuffer[n++] = p[y * w + x]!;
    }
  }
  return n < 8 ? NaN : medianInPlace(ringBuffer, n);
}

/**
 * Removes a round Gaussian window of variance sw2 from a windowed variance m (exact for a
 * Gaussian star). A variance at or above the window's means the star is far wider than the window
 * (a long trail): capped, so it reads as very elongated rather than infinite.
 */
function removeWindow(m: number, sw2: number): number {
  const capped = Math.min(Math.max(m, 0), 0.95 * sw2);
  return (capped * sw2) / (sw2 - capped);
}

/** True when pixel (x, y), at (dx, dy) from this star, is closer to one of the neighbours. */
export function nearerToNeighbour(
  x: number,
  y: number,
  dx: number,
  dy: number,
  n: readonly number[],
): boolean {
  const own = dx * dx + dy * dy;
  for (let k = 0; k < n.length; k += 2) {
    const ex = x - n[k]!, ey = y - n[k + 1]!;
    if (ex * ex + ey * ey < own) return true;
  }
  return false;
}
