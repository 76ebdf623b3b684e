/**
 * Star analysis of one frame: background mesh → hot pixels patched (put back at the end) →
 * significance map → deblended candidates → per-star measurement → rejection of what is not a
 * star (cosmic rays sharper than the frame's stars, saturated cores, stars whose aperture leaves
 * the frame) → the frame's figures. One-shot-colour frames are searched and measured on a 2×2
 * superpixel luminance (half the pixels to touch, no colour artefacts in the centroids and
 * fluxes), their shapes on the mosaic's green sites (bayer_shape.ts), and positions and sizes are
 * mapped back to the full mosaic. Pure and synchronous: the worker pool runs it off the event
 * loop.
 */
import type { MonoImage } from "../image.ts";
import { backgroundAt, type BackgroundMesh, estimateBackground } from "./background.ts";
import { findCandidates, significanceMap } from "./detect.ts";
import { type Measurement, measureStar } from "./measure.ts";
import { greenShape } from "./bayer_shape.ts";
import { median, medianOf } from "./_stats.ts";
import { frameEccentricity } from "./frame_shape.ts";
import { patchSpikes, restoreSpikes } from "./spikes.ts";
import type { AnalysisOptions, FrameAnalysis, Star } from "./types.ts";

/** Components smaller than this (pixels above threshold) are noise. */
const MIN_AREA_PX = 3;
/** Candidates closer than this take part in each other's Voronoi split. */
const NEIGHBOUR_REACH_PX = 24;
/** A detection whose minor σ is below this fraction of the frame's typical star is a cosmic ray. */
const COSMIC_MINOR_SIGMA_RATIO = 0.5;
/** …or whose peak/flux is this many times the typical star's (flux packed into few pixels). */
const COSMIC_SHARPNESS_RATIO = 3;

/** Analyses a frame; see types.ts for what comes back. */
export function analyzeFrame(image: MonoImage, options: AnalysisOptions = {}): FrameAnalysis {
  const started = performance.now();
  const opts = resolveOptions(options);
  const { widthPx, heightPx } = image;
  if (!(widthPx >= 16 && heightPx >= 16) || image.pixels.length !== widthPx * heightPx) {
    throw new RangeError(
      `star analysis needs an image of at least 16×16 with width×height pixels, got ${widthPx}×${heightPx} with ${image.pixels.length}`,
    );
  }
  const colour = image.bayerPattern != null;
  // A superpixel is the sum of its 2×2 sites, in ADU of total flux; a saturated site makes the
  // whole superpixel read ≥ 4 × saturation, which no unsaturated sum can reach.
  const work = colour ? superpixelLuminance(image, opts.saturationAdu) : image;
  const mesh = estimateBackground(work, colour ? Math.max(8, opts.meshPx / 2) : opts.meshPx);
  // Hot pixels are patched in place for detection and measurement, and put back at the end.
  const spikes = patchSpikes(work, mesh);
  try {
    return measureFrame(work, mesh, opts, colour, spikes.indices.length, started, image);
  } finally {
    restoreSpikes(work, spikes);
  }
}

function measureFrame(
  work: MonoImage,
  mesh: BackgroundMesh,
  opts: ReturnType<typeof resolveOptions>,
  colour: boolean,
  hotPixels: number,
  started: number,
  image: MonoImage,
): FrameAnalysis {
  const { widthPx, heightPx } = image;
  const saturationAdu = colour ? 4 * opts.saturationAdu : opts.saturationAdu;
  const candidates = findCandidates(
    significanceMap(work, mesh),
    work.widthPx,
    work.heightPx,
    opts.thresholdSigma,
    MIN_AREA_PX,
  );
  const neighbours = neighbourLists(candidates);
  const ctx = {
    pixels: work.pixels,
    widthPx: work.widthPx,
    heightPx: work.heightPx,
    saturationAdu,
    gainEPerAdu: opts.gainEPerAdu,
    measureShape: !colour,
  };
  const rejected = { hotPixels, cosmicRays: 0, saturated: 0, edge: 0 };
  const measured: Measurement[] = [];
  candidates.forEach((c, i) => {
    const sky = backgroundAt(mesh, c.xPx, c.yPx);
    const m = measureStar(ctx, c.xPx, c.yPx, sky.levelAdu, sky.noiseAdu, neighbours[i]!);
    // A superpixel blurs a small star past measuring its shape: the mosaic's green sites can.
    if (m.outcome === "star" && colour) greenShape(image, m, neighbours[i]!);
    if (m.outcome === "star") measured.push(m);
    else if (m.outcome === "hot_pixel") rejected.hotPixels++;
    else if (m.outcome === "saturated") rejected.saturated++;
    else if (m.outcome === "edge") rejected.edge++;
  });
  const accepted = rejectCosmicRays(measured);
  rejected.cosmicRays = measured.length - accepted.length;

  const scale = colour ? 2 : 1;
  const offset = colour ? 0.5 : 0; // superpixel i covers sites 2i and 2i + 1
  const stars: Star[] = accepted.map((m) => ({
    x: m.xPx * scale + offset,
    y: m.yPx * scale + offset,
    flux: m.fluxAdu,
    peak: colour ? m.peakAdu / 4 : m.peakAdu,
    snr: m.snr,
    hfrPx: m.hfrPx * scale,
    fwhmPx: m.fwhmPx * scale,
    eccentricity: m.eccentricity,
  }));
  stars.sort((a, b) => b.flux - a.flux);
  const medianHfrPx = medianOf(stars.map((s) => s.hfrPx));
  const medianFwhmPx = medianOf(stars.map((s) => s.fwhmPx));
  const arcsec = (px: number | null) =>
    px === null || opts.pixelScaleArcsec === null ? null : px * opts.pixelScaleArcsec;
  return {
    widthPx,
    heightPx,
    stars: stars.slice(0, opts.maxStars),
    starCount: stars.length,
    medianHfrPx,
    medianFwhmPx,
    medianHfrArcsec: arcsec(medianHfrPx),
    medianFwhmArcsec: arcsec(medianFwhmPx),
    medianEccentricity: frameEccentricity(accepted),
    // Per site of the mosaic for colour frames: a superpixel holds four sites' sky.
    backgroundAdu: colour ? mesh.globalLevelAdu / 4 : mesh.globalLevelAdu,
    noiseAdu: colour ? mesh.globalNoiseAdu / 2 : mesh.globalNoiseAdu,
    rejected,
    elapsedMs: performance.now() - started,
  };
}

function resolveOptions(o: AnalysisOptions) {
  const resolved = {
    thresholdSigma: o.thresholdSigma ?? 5,
    meshPx: o.meshPx ?? 64,
    pixelScaleArcsec: o.pixelScaleArcsec ?? null,
    saturationAdu: o.saturationAdu ?? 65000,
    maxStars: o.maxStars ?? 2000,
    gainEPerAdu: o.gainEPerAdu ?? null,
  };
  const positive: [string, number | null][] = [
    ["thresholdSigma", resolved.thresholdSigma],
    ["meshPx", resolved.meshPx],
    ["pixelScaleArcsec", resolved.pixelScaleArcsec],
    ["saturationAdu", resolved.saturationAdu],
    ["gainEPerAdu", resolved.gainEPerAdu],
  ];
  for (const [name, value] of positive) {
    if (value !== null && !(value > 0 && Number.isFinite(value))) {
      throw new RangeError(`star analysis option ${name} must be a positive number, got ${value}`);
    }
  }
  if (!Number.isInteger(resolved.maxStars) || resolved.maxStars < 0) {
    throw new RangeError(`star analysis option maxStars must be an integer ≥ 0, got ${o.maxStars}`);
  }
  if (resolved.meshPx < 8) throw new RangeError(`meshPx must be ≥ 8, got ${resolved.meshPx}`);
  return resolved;
}

/**
 * Cosmic rays pass the hot-pixel test (their pixels touch) but are far sharper than the frame's
 * stars: a minor axis much narrower, or far more of the flux in the peak pixel. The typical star
 * is the median of the detections; with fewer than five, only the absolute floor applies.
 */
function rejectCosmicRays(measured: Measurement[]): Measurement[] {
  const minorFloor = 0.3;
  if (measured.length < 5) return measured.filter((m) => m.minorSigmaPx >= minorFloor);
  const typicalMinor = median(Float64Array.from(measured, (m) => m.minorSigmaPx));
  const typicalSharpness = median(Float64Array.from(measured, (m) => m.peakAdu / m.fluxAdu));
  return measured.filter((m) =>
    m.minorSigmaPx >= Math.max(minorFloor, COSMIC_MINOR_SIGMA_RATIO * typicalMinor) &&
    m.peakAdu / m.fluxAdu <= COSMIC_SHARPNESS_RATIO * typicalSharpness
  );
}

/** For each candidate, the others within reach as flat x,y pairs (a 32-px grid finds them). */
function neighbourLists(candidates: { xPx: number; yPx: number }[]): number[][] {
  const cell = 32;
  const grid = new Map<number, number[]>();
  const key = (cx: number, cy: number) => cy * 65536 + cx;
  candidates.forEach((c, i) => {
    const k = key(Math.floor(c.xPx / cell), Math.floor(c.yPx / cell));
    const list = grid.get(k);
    if (list) list.push(i);
    else grid.set(k, [i]);
  });
  const reach2 = NEIGHBOUR_REACH_PX * NEIGHBOUR_REACH_PX;
  return candidates.map((c, i) => {
    const out: number[] = [];
    const gx = Math.floor(c.xPx / cell), gy = Math.floor(c.yPx / cell);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const j of grid.get(key(gx + dx, gy + dy)) ?? []) {
          const o = candidates[j]!;
          if (j !== i && (o.xPx - c.xPx) ** 2 + (o.yPx - c.yPx) ** 2 <= reach2) {
            out.push(o.xPx, o.yPx);
          }
        }
      }
    }
    return out;
  });
}

/** Half-resolution luminance: each 2×2 Bayer cell summed, saturation kept detectable. */
function superpixelLuminance(image: MonoImage, saturationAdu: number): MonoImage {
  const w = image.widthPx >> 1, h = image.heightPx >> 1, src = image.pixels;
  const W = image.widthPx;
  const out = new Float32Array(w * h);
  const saturatedSum = 4 * saturationAdu;
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * W, r1 = r0 + W;
    for (let x = 0; x < w; x++) {
      const a = src[r0 + 2 * x]!, b = src[r0 + 2 * x + 1]!;
      const c = src[r1 + 2 * x]!, d = src[r1 + 2 * x + 1]!;
      const sum = a + b + c + d;
      const hot = a >= saturationAdu || b >= saturationAdu || c >= saturationAdu ||
        d >= saturationAdu;
      out[y * w + x] = hot && sum < saturatedSum ? saturatedSum : sum;
    }
  }
  return { widthPx: w, heightPx: h, pixels: out, bayerPattern: null };
}
