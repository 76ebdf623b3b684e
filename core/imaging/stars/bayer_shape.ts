/**
 * Shape (FWHM and eccentricity) of a one-shot-colour star, measured on the raw mosaic's green
 * sites. The analyser finds and places colour stars on a 2×2 superpixel luminance, but a
 * superpixel halves the sampling: a σ 0.73 px star (2.5″ seeing at 1.46″/px) is σ 0.37
 * superpixel, whose windowed moments swing with its sub-pixel phase (median eccentricity 0.8
 * measured on round stars). The green quincunx has every other site, all with one colour
 * response whatever the star's colour (a full-resolution image with red and blue rescaled would
 * not: a star redder than the scale leaves a checkerboard that reads as 0.2–0.5 eccentricity).
 * Its sampling is a square lattice of pitch √2, so the phase errors of a σ 0.73 px star are
 * those of a σ 0.52 px star on a mono sensor — per star still sizeable, but without a preferred
 * direction, which the frame's figure (frame_shape.ts) averages out.
 */
import type { MonoImage } from "../image.ts";
import { type Measurement, shapeFigures } from "./measure.ts";
import { measureShape, ringLevel, type ShapeGrid } from "./shape.ts";

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/**
 * Re-measures a colour star's FWHM and eccentricity on the green sites of the mosaic around it
 * (superpixel coordinates in `m` and `neighbours`; the result in superpixels, as the rest of
 * `m`). The green sky is the median of a ring of green sites: the superpixel sky mixes in red
 * and blue. Left as measured on the superpixels when the ring or the window fails.
 */
export function greenShape(image: MonoImage, m: Measurement, neighbours: number[]): void {
  const pattern = image.bayerPattern!;
  // RGGB and BGGR have green where x + y is odd; GRBG and GBRG where it is even.
  const parity = pattern === "RGGB" || pattern === "BGGR" ? 1 : 0;
  const grid: ShapeGrid = {
    pixels: image.pixels,
    widthPx: image.widthPx,
    heightPx: image.heightPx,
    parity,
  };
  const cx = 2 * m.xPx + 0.5, cy = 2 * m.yPx + 0.5;
  const sigmaPx = Math.max(0.5, (2 * m.fwhmPx) / FWHM_PER_SIGMA);
  // Beyond 6σ a Gaussian star adds nothing; a ring 3 px wide holds some 60 green sites or more.
  const inner = Math.max(5, 6 * sigmaPx);
  const level = ringLevel(grid, cx, cy, inner, inner + 3);
  if (Number.isNaN(level)) return;
  const full = neighbours.map((v) => 2 * v + 0.5);
  const shape = measureShape(grid, cx, cy, sigmaPx, level, full);
  if (shape === null) return;
  const figures = shapeFigures(shape);
  m.fwhmPx = figures.fwhmPx / 2;
  m.eccentricity = figures.eccentricity;
  m.angleRad = shape.angleRad;
}
