/**
 * Measures one candidate on the raw pixels minus the local sky. The centroid and FWHM come from
 * Gaussian-windowed moments (SExtractor's XWIN/YWIN idea): the window follows the star's own
 * size, so a faint star's centroid is not dragged by noise in a wide box, and windowed second
 * moments are deconvolved from the window (exact for a Gaussian: M⁻¹ = Mw⁻¹ + Mpsf⁻¹) and from
 * the pixel (box variance 1/12). The eccentricity and its axis come from a second, wider window
 * (shape.ts), since a matched window misreads small stars' shapes. Flux and the half-flux radius
 * come from a circular aperture of three FWHM (the SNR from one of one FWHM), each pixel spread
 * over 3×3 sub-pixels so the growth curve does not jump at rings of pixel centres, and the
 * squared radius is corrected for what pixel sampling adds (PIXEL_HFR2_PX2). Pixels nearer to a
 * neighbouring candidate than to this star are left out (a Voronoi split), which keeps a
 * deblended pair's measurements apart. Hot pixels and saturated cores are recognised here;
 * cosmic rays, which need the frame's typical star to compare with, in analyze.ts.
 */

import { measureShape, nearerToNeighbour, type StarShape } from "./shape.ts";

export type MeasureOutcome = "star" | "hot_pixel" | "saturated" | "edge" | "failed";

export interface Measurement {
  outcome: MeasureOutcome;
  xPx: number;
  yPx: number;
  fluxAdu: number;
  peakAdu: number;
  snr: number;
  hfrPx: number;
  fwhmPx: number;
  eccentricity: number;
  /** Direction of the major axis, radians from +x towards +y. */
  angleRad: number;
  /** Deconvolved σ of the minor axis before the pixel correction, px (cosmic-ray test). */
  minorSigmaPx: number;
}

export interface MeasureContext {
  pixels: Float32Array;
  widthPx: number;
  heightPx: number;
  saturationAdu: number;
  /** e⁻/ADU, or null: then SNR has no shot-noise term (background-limited). */
  gainEPerAdu: number | null;
  /** False when the caller measures the shape elsewhere (colour: on the mosaic's green sites). */
  measureShape: boolean;
}

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);
/** A single hot pixel: its brightest 4-neighbour is below this fraction of it. */
const HOT_PIXEL_NEIGHBOUR_RATIO = 0.25;
const WINDOW_ROUNDS = 8;
const ADAPT_ROUNDS = 4;
const HFR_BIN_PX = 0.05;
const windowX = new Float64Array(64);
/**
 * Sampling adds to the squared half-flux radius: the pixel's box response (2 ln 2 / 12 px² for
 * a Gaussian) plus the step reconstruction of the growth curve (flux inside a pixel cut by the
 * circle is spread evenly, though it is brighter on the inner side). Measured on noise-free
 * renderings of Gaussians (σ 1–2.5 px) and Moffats (β 3–4.8) against the analytic radius, the
 * excess is 0.17–0.23 px² across them; removing 0.19 leaves every case within 1 %.
 */
const PIXEL_HFR2_PX2 = 0.19;
const SUB = 3;

/** Candidate at (xPx, yPx) with the sky `levelAdu` ± `noiseAdu`; `neighbours` as x,y pairs. */
export function measureStar(
  ctx: MeasureContext,
  xPx: number,
  yPx: number,
  levelAdu: number,
  noiseAdu: number,
  neighbours: number[],
): Measurement {
  const { pixels: p, widthPx: w, heightPx: h } = ctx;
  const result: Measurement = {
    outcome: "failed",
    xPx,
    yPx,
    fluxAdu: 0,
    peakAdu: 0,
    snr: 0,
    hfrPx: 0,
    fwhmPx: 0,
    eccentricity: 0,
    angleRad: 0,
    minorSigmaPx: 0,
  };
  // The brightest raw pixel near the smoothed peak decides hot pixel and saturation.
  let best = yPx * w + xPx;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const x = xPx + dx, y = yPx + dy;
      if (x >= 0 && y >= 0 && x < w && y < h && p[y * w + x]! > p[best]!) best = y * w + x;
    }
  }
  const bx = best % w, by = (best - bx) / w;
  const top = p[best]! - levelAdu;
  let neighbourMax = -Infinity;
  if (bx > 0) neighbourMax = Math.max(neighbourMax, p[best - 1]!);
  if (bx < w - 1) neighbourMax = Math.max(neighbourMax, p[best + 1]!);
  if (by > 0) neighbourMax = Math.max(neighbourMax, p[best - w]!);
  if (by < h - 1) neighbourMax = Math.max(neighbourMax, p[best + w]!);
  if (neighbourMax - levelAdu < HOT_PIXEL_NEIGHBOUR_RATIO * top) {
    result.outcome = "hot_pixel";
    return result;
  }
  if (p[best]! >= ctx.saturationAdu) {
    result.outcome = "saturated";
    return result;
  }

  const centre = windowedShape(ctx, bx, by, levelAdu, neighbours);
  if (centre === null) return result;
  const { cx, cy } = centre;
  result.xPx = cx;
  result.yPx = cy;
  result.minorSigmaPx = Math.sqrt(Math.max(centre.minorVar, 0));
  // The matched window placed the star; a wider one measures its shape (see shape.ts).
  const grid = { pixels: p, widthPx: w, heightPx: h, parity: null };
  const sigmaGuessPx = Math.sqrt((centre.majorVar + centre.minorVar) / 2);
  const shape =
    (ctx.measureShape ? measureShape(grid, cx, cy, sigmaGuessPx, levelAdu, neighbours) : null) ??
      { majorVarPx2: centre.majorVar, minorVarPx2: centre.minorVar, angleRad: 0 };
  // The FWHM stays the matched window's: as good on sampled stars, and closer on a Moffat's
  // wings, which a wider window takes in.
  result.fwhmPx = shapeFigures({
    majorVarPx2: centre.majorVar,
    minorVarPx2: centre.minorVar,
    angleRad: 0,
  }).fwhmPx;
  result.eccentricity = shapeFigures(shape).eccentricity;
  result.angleRad = shape.angleRad;

  const radius = Math.min(40, Math.max(4, 3 * result.fwhmPx));
  if (cx - radius < 0 || cy - radius < 0 || cx + radius > w - 1 || cy + radius > h - 1) {
    result.outcome = "edge";
    return result;
  }
  const aperture = apertureGrowth(ctx, cx, cy, radius, result.fwhmPx, levelAdu, neighbours);
  if (aperture.fluxAdu <= 0 || !(aperture.hfrPx > 0)) return result;
  result.fluxAdu = aperture.fluxAdu;
  result.hfrPx = Math.sqrt(
    Math.max(aperture.hfrPx ** 2 - PIXEL_HFR2_PX2, 0.25 * aperture.hfrPx ** 2),
  );
  const rx = Math.round(cx), ry = Math.round(cy);
  let peak = -Infinity;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) peak = Math.max(peak, p[(ry + dy) * w + rx + dx]!);
  }
  result.peakAdu = peak - levelAdu;
  // SNR in the near-optimal aperture of radius one FWHM, not the wide one that catches the wings.
  const inner = Math.max(aperture.innerFluxAdu, 0);
  const shot = ctx.gainEPerAdu ? inner / ctx.gainEPerAdu : 0;
  result.snr = inner / Math.sqrt(shot + aperture.innerAreaPx * noiseAdu * noiseAdu);
  result.outcome = "star";
  return result;
}

interface Shape {
  cx: number;
  cy: number;
  /** Deconvolved variances along the axes, px² (pixel box still in). */
  majorVar: number;
  minorVar: number;
}

/** Iterates the windowed centroid, adapting the window to the star's deconvolved σ. */
function windowedShape(
  ctx: MeasureContext,
  startX: number,
  startY: number,
  levelAdu: number,
  neighbours: number[],
): Shape | null {
  const { pixels: p, widthPx: w, heightPx: h } = ctx;
  let cx = startX, cy = startY, sigmaW = 1.5;
  let majorVar = 0, minorVar = 0;
  for (let round = 0; round < WINDOW_ROUNDS; round++) {
    const reach = Math.min(30, Math.ceil(3.5 * sigmaW));
    const x0 = Math.max(0, Math.floor(cx) - reach), x1 = Math.min(w - 1, Math.ceil(cx) + reach);
    const y0 = Math.max(0, Math.floor(cy) - reach), y1 = Math.min(h - 1, Math.ceil(cy) + reach);
    const inv2s2 = 1 / (2 * sigmaW * sigmaW);
    // The Gaussian window is separable: one exp per column and per row, not per pixel.
    for (let x = x0; x <= x1; x++) windowX[x - x0] = Math.exp(-((x - cx) ** 2) * inv2s2);
    let s = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let y = y0; y <= y1; y++) {
      const dy = y - cy, wy = Math.exp(-dy * dy * inv2s2), row = y * w;
      for (let x = x0; x <= x1; x++) {
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
    if (!(s > 0)) return null;
    const mx = sx / s, my = sy / s;
    cx += mx;
    cy += my;
    // Drifting far means the window slid onto something else; an unresolved blend may move
    // its centre towards the middle, by up to about a window width.
    const drift = Math.max(3, 2 * sigmaW);
    if (Math.abs(cx - startX) > drift || Math.abs(cy - startY) > drift) return null;
    // Second moments about the new centre, then the eigenvalues of the 2×2 matrix.
    const mxx = sxx / s - mx * mx, myy = syy / s - my * my, mxy = sxy / s - mx * my;
    const half = (mxx + myy) / 2;
    const root = Math.sqrt(((mxx - myy) / 2) ** 2 + mxy * mxy);
    const sw2 = sigmaW * sigmaW;
    const deconvolve = (m: number) => {
      const capped = Math.min(Math.max(m, 0), 0.9 * sw2);
      return (capped * sw2) / (sw2 - capped);
    };
    majorVar = deconvolve(half + root);
    minorVar = deconvolve(half - root);
    if (round < ADAPT_ROUNDS) {
      sigmaW = Math.min(12, Math.max(0.8, Math.sqrt((majorVar + minorVar) / 2)));
    } else if (mx * mx + my * my < 1e-8) break;
  }
  return { cx, cy, majorVar, minorVar };
}

/** Aperture flux, area and the interpolated half-flux radius from a sub-pixel growth curve. */
function apertureGrowth(
  ctx: MeasureContext,
  cx: number,
  cy: number,
  radius: number,
  innerRadius: number,
  levelAdu: number,
  neighbours: number[],
): { fluxAdu: number; hfrPx: number; innerFluxAdu: number; innerAreaPx: number } {
  const { pixels: p, widthPx: w } = ctx;
  const bins = new Float64Array(Math.ceil(radius / HFR_BIN_PX) + 1);
  const r2max = radius * radius;
  const reachSq = (radius + 0.75) ** 2;
  const inner2 = innerRadius * innerRadius;
  let flux = 0, innerFlux = 0, innerCount = 0;
  const share = 1 / (SUB * SUB);
  for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
    const dy = y - cy, row = y * w;
    for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
      const dx = x - cx;
      if (dx * dx + dy * dy > reachSq) continue;
      if (neighbours.length > 0 && nearerToNeighbour(x, y, dx, dy, neighbours)) continue;
      const v = (p[row + x]! - levelAdu) * share;
      for (let j = 0; j < SUB; j++) {
        const sy = dy + (j + 0.5) / SUB - 0.5;
        for (let i = 0; i < SUB; i++) {
          const sx = dx + (i + 0.5) / SUB - 0.5;
          const r2 = sx * sx + sy * sy;
          if (r2 > r2max) continue;
          bins[Math.floor(Math.sqrt(r2) / HFR_BIN_PX)]! += v;
          flux += v;
          if (r2 <= inner2) {
            innerFlux += v;
            innerCount++;
          }
        }
      }
    }
  }
  const half = flux / 2;
  let cumulative = 0, hfr = NaN;
  for (let k = 0; k < bins.length; k++) {
    const b = bins[k]!;
    if (cumulative + b >= half && b > 0) {
      hfr = HFR_BIN_PX * (k + (half - cumulative) / b);
      break;
    }
    cumulative += b;
  }
  return { fluxAdu: flux, hfrPx: hfr, innerFluxAdu: innerFlux, innerAreaPx: innerCount * share };
}

/**
 * FWHM (mean of the axes) and eccentricity from a shape. The pixel's box adds 1/12 px² to each
 * axis' variance of a real (integrating) sensor; the floor keeps a spike's axes positive.
 */
export function shapeFigures(shape: StarShape): { fwhmPx: number; eccentricity: number } {
  const majorVar = Math.max(shape.majorVarPx2 - 1 / 12, 0.01);
  const minorVar = Math.max(shape.minorVarPx2 - 1 / 12, 0.01);
  return {
    fwhmPx: FWHM_PER_SIGMA * (Math.sqrt(majorVar) + Math.sqrt(minorVar)) / 2,
    eccentricity: Math.sqrt(Math.max(0, 1 - minorVar / majorVar)),
  };
}
