/**
 * The JPEG the phone shows of a live stack. The stack is Float32 (mono or R, G, B planes), so
 * this path differs from the raw-frame preview: planes are box-downscaled on linear data first
 * (a 24-megapixel stack becomes ~1280 px before anything else touches it), then quantised to
 * 16 bits with a gain that keeps the stack's reduced noise above one ADU — a deep stack's sky can
 * have a MAD below 1 ADU, which would make the autostretch blind — and stretched with the same
 * PixInsight-style STF as every other preview (unlinked colour, so the sky comes out neutral).
 */
import jpeg from "jpeg-js";
import type { MonoImage, RgbImage } from "../image.ts";
import {
  ADU_MAX,
  type ColourBalance,
  colourStretchParams,
  histogram16,
  histogramStats,
  stretchLut,
} from "../stretch.ts";

export interface StackPreviewOptions {
  /** Longest side of the JPEG, px (default 1280). */
  maxSizePx?: number;
  /** 1..100 (default 85). */
  quality?: number;
  balance?: ColourBalance;
}

function planesOf(image: MonoImage | RgbImage): Float32Array[] {
  return "pixels" in image ? [image.pixels] : [image.r, image.g, image.b];
}

/** Box average over factor × factor blocks; non-finite samples are left out of the mean. */
function downscale(plane: Float32Array, w: number, factor: number, outW: number, outH: number) {
  const out = new Float32Array(outW * outH);
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let sum = 0;
      let n = 0;
      for (let y = oy * factor; y < (oy + 1) * factor; y++) {
        const row = y * w + ox * factor;
        for (let k = 0; k < factor; k++) {
          const v = plane[row + k]!;
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      }
      out[oy * outW + ox] = n > 0 ? sum / n : 0;
    }
  }
  return out;
}

/** Quantises to Uint16 with one gain for all planes: the brightest sample maps near 65535. */
function quantise(planes: Float32Array[]): Uint16Array[] {
  let max = 0;
  for (const p of planes) for (const v of p) if (v > max) max = v;
  const gain = max > 0 ? Math.min(ADU_MAX / max, 256) : 1;
  return planes.map((p) => {
    const out = new Uint16Array(p.length);
    for (let i = 0; i < p.length; i++) {
      const v = Math.round(p[i]! * gain);
      out[i] = v < 0 ? 0 : v > ADU_MAX ? ADU_MAX : v;
    }
    return out;
  });
}

/** Renders the stretched stack as a baseline JPEG. */
export function renderStackJpeg(
  image: MonoImage | RgbImage,
  options: StackPreviewOptions = {},
): { jpeg: Uint8Array; widthPx: number; heightPx: number } {
  const maxSizePx = options.maxSizePx ?? 1280;
  const quality = options.quality ?? 85;
  if (!Number.isInteger(maxSizePx) || maxSizePx < 1) {
    throw new RangeError(`stack preview maxSizePx must be a positive integer, got ${maxSizePx}`);
  }
  if (!(quality >= 1 && quality <= 100)) {
    throw new RangeError(`stack preview quality must be within 1..100, got ${quality}`);
  }
  const { widthPx: w, heightPx: h } = image;
  const factor = Math.max(1, Math.ceil(Math.max(w, h) / maxSizePx));
  const outW = Math.max(1, Math.floor(w / factor));
  const outH = Math.max(1, Math.floor(h / factor));
  const small = quantise(planesOf(image).map((p) => downscale(p, w, factor, outW, outH)));
  const params = colourStretchParams(small.map((p) => histogramStats(histogram16(p))), {
    balance: options.balance,
  });
  const luts = params.map(stretchLut);
  const rgba = new Uint8Array(outW * outH * 4);
  for (let i = 0, o = 0; i < outW * outH; i++, o += 4) {
    for (let c = 0; c < 3; c++) {
      const plane = small.length === 1 ? 0 : c;
      rgba[o + c] = luts[plane]![small[plane]![i]!]!;
    }
    rgba[o + 3] = 255;
  }
  const encoded = jpeg.encode({ data: rgba, width: outW, height: outH }, quality);
  return {
    jpeg: new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.byteLength),
    widthPx: outW,
    heightPx: outH,
  };
}
