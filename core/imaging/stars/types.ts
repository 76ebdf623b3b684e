/**
 * What star analysis produces, shared by the analyser, live stacking (registration matches star
 * lists), autofocus (HFR) and the frame catalogue. Positions are in pixels of the analysed image,
 * origin at the centre of the first pixel (0, 0), x to the right, y down.
 */

export interface Star {
  /** Flux-weighted centroid, px. */
  x: number;
  y: number;
  /** Background-subtracted total flux, ADU. */
  flux: number;
  /** Highest background-subtracted pixel, ADU. */
  peak: number;
  snr: number;
  /** Half-flux radius, px. */
  hfrPx: number;
  /** Full width at half maximum, px (mean of the major and minor axes). */
  fwhmPx: number;
  /** 0 round … 1 a line: sqrt(1 − (b/a)²) from the second moments. */
  eccentricity: number;
}

export interface FrameAnalysis {
  widthPx: number;
  heightPx: number;
  /** Stars accepted after rejection of hot pixels, cosmic rays and saturated cores. */
  stars: Star[];
  /** All accepted stars; `stars` keeps the `maxStars` brightest of them. */
  starCount: number;
  /** Medians over accepted stars; null with no stars. */
  medianHfrPx: number | null;
  medianFwhmPx: number | null;
  /** In arcsec when the pixel scale is known. */
  medianHfrArcsec: number | null;
  medianFwhmArcsec: number | null;
  /**
   * Eccentricity of the frame's median star shape: the component-wise median of the stars'
   * ellipticity vectors (SNR ≥ 30 when there are five such), so noise and sampling errors, which
   * point every way, cancel and a trail, which points one way, shows (frame_shape.ts).
   */
  medianEccentricity: number | null;
  /** Global sky level and noise (sigma) from the background mesh, ADU. */
  backgroundAdu: number;
  noiseAdu: number;
  /** Detections set aside, by reason (not counted in `starCount`). */
  rejected: RejectionCounts;
  /** Wall time of the analysis, ms (for benchmarks and logs). */
  elapsedMs: number;
}

export interface RejectionCounts {
  /** Single bright pixels with dark neighbours. */
  hotPixels: number;
  /** Detections far sharper than the frame's stars (tracks and spots of a few pixels). */
  cosmicRays: number;
  /** Stars whose core reached `saturationAdu`: their centroid and flux cannot be trusted. */
  saturated: number;
  /** Stars whose measuring aperture leaves the frame. */
  edge: number;
}

export interface AnalysisOptions {
  /** Detection threshold in background sigmas (default 5). */
  thresholdSigma?: number;
  /** Background mesh cell size, px (default 64). */
  meshPx?: number;
  /** Arcsec per pixel of the analysed image; null when unknown. */
  pixelScaleArcsec?: number | null;
  /** ADU at and above which a pixel counts as saturated (default 65000 for 16-bit). */
  saturationAdu?: number;
  /** Keep at most this many stars, brightest first (default 2000). */
  maxStars?: number;
  /**
   * Camera gain, e⁻/ADU, for the star's own shot noise in the SNR; null or absent: the SNR is
   * background-limited (flux / (σ·√npix)).
   */
  gainEPerAdu?: number | null;
}
