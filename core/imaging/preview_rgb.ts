/**
 * Previews of images that are already colour: a bilinear-debayered frame (the quality path), a
 * three-plane FITS, a live stack. Statistics come from the full-resolution planes (averaging
 * first would shrink the MAD and over-stretch), then each output pixel is the box mean of an
 * integer block, stretched through a per-channel lookup table and encoded with jpeg-js.
 */
import jpeg from "jpeg-js";
import { histogram } from "./histogram.ts";
import type { RgbImage } from "./image.ts";
import type { PreviewImage, PreviewOptions } from "./preview.ts";
import {
  ADU_MAX,
  colourStretchParams,
  stretchLut,
  type StretchParams,
  TARGET_BACKGROUND,
} from "./stretch.ts";

/** The auto stretch of an RGB image from its full-resolution planes' statistics. */
export function rgbStretchParams(
  rgb: RgbImage,
  opts: Pick<PreviewOptions, "colourBalance" | "targetBackground"> = {},
): StretchParams[] {
  const stats = histogram(rgb, 1).channels.map((c) => ({
    medianAdu: c.medianAdu,
    madAdu: c.madAdu,
    count: c.count,
  }));
  return colourStretchParams(stats, {
    balance: opts.colourBalance,
    targetBackground: opts.targetBackground ?? TARGET_BACKGROUND,
  });
}

/** Stretches and box-downscales an RGB image to fit `maxSizePx` (default 1280), as RGBA. */
export function renderRgbPreviewRgba(rgb: RgbImage, opts: PreviewOptions = {}): PreviewImage {
  const { widthPx: w, heightPx: h } = rgb;
  const maxSizePx = opts.maxSizePx ?? 1280;
  if (!Number.isInteger(maxSizePx) || maxSizePx < 1) {
    throw new RangeError(`preview maxSizePx must be a positive integer, got ${maxSizePx}`);
  }
  const luts = (opts.stretch ?? rgbStretchParams(rgb, opts)).map(stretchLut);
  if (luts.length === 1) luts.push(luts[0]!, luts[0]!);
  const factor = Math.max(1, Math.ceil(Math.max(w, h) / maxSizePx));
  const outW = Math.max(1, Math.floor(w / factor));
  const outH = Math.max(1, Math.floor(h / factor));
  const rgba = new Uint8Array(outW * outH * 4);
  const sums = new Float64Array(outW);
  const perBlock = 1 / (factor * factor);
  const planes = [rgb.r, rgb.g, rgb.b];
  for (let c = 0; c < 3; c++) {
    const plane = planes[c]!;
    const lut = luts[c]!;
    for (let oy = 0; oy < outH; oy++) {
      sums.fill(0);
      for (let y = oy * factor; y < (oy + 1) * factor; y++) {
        let i = y * w;
        for (let ox = 0; ox < outW; ox++) {
          let sum = 0;
          for (let k = 0; k < factor; k++) sum += plane[i++]!;
          sums[ox]! += sum;
        }
      }
      let o = oy * outW * 4 + c;
      for (let ox = 0; ox < outW; ox++) {
        const mean = Math.round(sums[ox]! * perBlock);
        rgba[o] = lut[mean > ADU_MAX ? ADU_MAX : mean > 0 ? mean : 0]!;
        o += 4;
      }
    }
  }
  for (let o = 3; o < rgba.length; o += 4) rgba[o] = 255;
  return { rgba, widthPx: outW, heightPx: outH };
}

/** The same preview encoded as a baseline JPEG (quality 1..100, default 85). */
export function renderRgbPreviewJpeg(rgb: RgbImage, opts: PreviewOptions = {}): Uint8Array {
  const quality = opts.quality ?? 85;
  if (!(quality >= 1 && quality <= 100)) {
    throw new RangeError(`preview quality must be within 1..100, got ${quality}`);
  }
  const image = renderRgbPreviewRgba(rgb, opts);
  const encoded = jpeg.encode(
    { data: image.rgba, width: image.widthPx, height: image.heightPx },
    quality,
  );
  return new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.byteLength);
}
