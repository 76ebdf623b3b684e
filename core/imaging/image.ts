/**
 * The image types the imaging pipeline passes between its pure functions. Pixels are row-major
 * Float32 in ADU (camera units, BZERO/BSCALE applied), so calibration and stacking can go below
 * zero and above 65535 without clipping; conversion to and from the camera's Uint16 happens at
 * the edges (FITS read/write, previews).
 */
import type { BayerPattern } from "../../devices/camera.ts";

/** One plane: a mono frame, a raw Bayer mosaic, or one colour channel. */
export interface MonoImage {
  widthPx: number;
  heightPx: number;
  /** `widthPx * heightPx` samples, row 0 first. */
  pixels: Float32Array;
  /** Set on an undebayered one-shot-colour frame. */
  bayerPattern?: BayerPattern | null;
}

/** A debayered or stacked colour image: three planes of the same size. */
export interface RgbImage {
  widthPx: number;
  heightPx: number;
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
}

export function monoFromUint16(
  pixels: Uint16Array,
  widthPx: number,
  heightPx: number,
  bayerPattern: BayerPattern | null = null,
): MonoImage {
  if (pixels.length !== widthPx * heightPx) {
    throw new RangeError(
      `image of ${widthPx}×${heightPx} needs ${widthPx * heightPx} pixels, got ${pixels.length}`,
    );
  }
  return { widthPx, heightPx, pixels: Float32Array.from(pixels), bayerPattern };
}
