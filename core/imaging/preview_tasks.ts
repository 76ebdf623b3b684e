/**
 * The preview and histogram work the API hands to the imaging workers: a JPEG of a raw frame
 * still in memory, a JPEG or histogram of a FITS file read back from disk (any BITPIX, colour
 * cubes, `.fits.fz`), each a pure function of plain data so it can run in a worker. Decoding,
 * debayering and stretching a 24-megapixel frame takes a few hundred milliseconds; here it
 * takes them from a worker instead of from every other request.
 */
import type { BayerPattern } from "../../devices/camera.ts";
import { BAYER_PATTERNS } from "../../devices/camera.ts";
import { type DecodedFits, decodeFits } from "../../lib/fits/mod.ts";
import { histogram, type ImageHistogram, type PlaneSource } from "./histogram.ts";
import type { RgbImage } from "./image.ts";
import { type PreviewFrame, type PreviewOptions, renderPreviewJpeg } from "./preview.ts";
import { renderRgbPreviewJpeg } from "./preview_rgb.ts";
import { ADU_MAX } from "./stretch.ts";

export interface PreviewJob {
  frame: PreviewFrame;
  options?: PreviewOptions;
}

export interface FitsJob {
  /** The whole file; send its buffer as a transfer. */
  fits: Uint8Array;
  options?: PreviewOptions;
}

export interface HistogramJob {
  /** Either a raw frame or a FITS file. */
  frame?: PlaneSource;
  fits?: Uint8Array;
  bins: number;
}

/** A FITS image as the preview takes it: a raw (mono or Bayer) 16-bit frame, or RGB planes. */
export type FitsPicture = { kind: "raw"; frame: PreviewFrame } | { kind: "rgb"; rgb: RgbImage };

/**
 * Float data normalised to 0..1 (as many programs save stacks) is scaled to ADU, so one stretch
 * serves both; anything else is taken as ADU already.
 */
function aduScale(fits: DecodedFits): number {
  if (fits.bitpix > 0) return 1;
  let max = -Infinity;
  for (let i = 0; i < fits.pixels.length; i++) {
    const v = fits.pixels[i]!;
    if (v > max) max = v;
  }
  return max <= 1 ? ADU_MAX : 1;
}

function toUint16(values: ArrayLike<number>, scale: number): Uint16Array {
  const out = new Uint16Array(values.length);
  // NaN (a blank pixel) compares false both ways and stays 0.
  for (let i = 0; i < values.length; i++) {
    const v = values[i]! * scale;
    out[i] = v > 0 ? (v < ADU_MAX ? v : ADU_MAX) : 0;
  }
  return out;
}

export function pictureFromFits(fits: DecodedFits): FitsPicture {
  const scale = aduScale(fits);
  const plane = fits.widthPx * fits.heightPx;
  if (fits.planes === 3) {
    const channel = (c: number) => {
      const out = Float32Array.from(fits.pixels.subarray(c * plane, (c + 1) * plane));
      if (scale !== 1) { for (let i = 0; i < out.length; i++) out[i]! *= scale; }
      return out;
    };
    return {
      kind: "rgb",
      rgb: {
        widthPx: fits.widthPx,
        heightPx: fits.heightPx,
        r: channel(0),
        g: channel(1),
        b: channel(2),
      },
    };
  }
  const pattern = fits.header.get("BAYERPAT");
  const trimmed = typeof pattern === "string" ? pattern.trim().toUpperCase() : "";
  const bayerPattern = (BAYER_PATTERNS as readonly string[]).includes(trimmed)
    ? trimmed as BayerPattern
    : null;
  const first = fits.pixels.subarray(0, plane);
  const pixels = first instanceof Uint16Array && scale === 1 ? first : toUint16(first, scale);
  return {
    kind: "raw",
    frame: { pixels, widthPx: fits.widthPx, heightPx: fits.heightPx, bayerPattern },
  };
}

/** A Uint8Array that owns its whole buffer, so transferring it moves nothing else. */
function owned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}

export function previewJpegTask(job: PreviewJob): Uint8Array {
  return owned(renderPreviewJpeg(job.frame, job.options));
}

export function fitsPreviewTask(job: FitsJob): Uint8Array {
  const picture = pictureFromFits(decodeFits(job.fits));
  return owned(
    picture.kind === "rgb"
      ? renderRgbPreviewJpeg(picture.rgb, job.options)
      : renderPreviewJpeg(picture.frame, job.options),
  );
}

export function frameHistogramTask(job: HistogramJob): ImageHistogram {
  if (job.frame) return histogram(job.frame, job.bins);
  if (!job.fits) throw new TypeError("frameHistogram needs a frame or a FITS file");
  const picture = pictureFromFits(decodeFits(job.fits));
  return histogram(picture.kind === "rgb" ? picture.rgb : picture.frame, job.bins);
}
