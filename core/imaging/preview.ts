/**
 * The JPEG preview the phone shows after every frame. It must be quick on a Pi, so it takes
 * the fast path end to end: statistics from histograms (per Bayer channel for colour, so the
 * sky comes out neutral grey — PixInsight's "unlinked" STF), a superpixel debayer (each 2×2
 * cell gives one RGB pixel, no interpolation) fused with a box downscale to fit the maximum
 * dimension, a lookup-table stretch, and jpeg-js to encode. Averaging happens on linear data,
 * before the stretch, as it should.
 */
import jpeg from "jpeg-js";
import type { BayerPattern } from "../../devices/camera.ts";
import {
  ADU_MAX,
  autoStretchParams,
  type ColourBalance,
  colourStretchParams,
  histogram16,
  histogramStats,
  stretchLut,
  type StretchParams,
  TARGET_BACKGROUND,
} from "./stretch.ts";

export interface PreviewFrame {
  pixels: Uint16Array;
  widthPx: number;
  heightPx: number;
  bayerPattern: BayerPattern | null;
}

export interface PreviewOptions {
  /** The longer side of the preview is at most this (default 1280). */
  maxSizePx?: number;
  /** JPEG quality 1..100 (default 85). */
  quality?: number;
  targetBackground?: number;
  /** Colour frames: one stretch per channel ("unlinked", the default) or one for all. */
  colourBalance?: ColourBalance;
  /**
   * The stretch to apply (R, G, B; or one entry for all) instead of one computed from these
   * pixels: a region of a frame must be stretched as the whole frame is, and a user may set it.
   */
  stretch?: StretchParams[];
}

export interface PreviewImage {
  /** RGBA, 4 bytes per pixel, as jpeg-js and ImageData take it. */
  rgba: Uint8Array;
  widthPx: number;
  heightPx: number;
}

const CHANNEL_INDEX: Record<string, number> = { R: 0, G: 1, B: 2 };

/** Channel (0 R, 1 G, 2 B) of each of the four CFA sites, indexed (y & 1) * 2 + (x & 1). */
function cfaChannels(pattern: BayerPattern): number[] {
  return [...pattern].map((letter) => CHANNEL_INDEX[letter]!);
}

/**
 * The auto stretch of a frame, per output channel (R, G, B; mono repeats one): from the
 * statistics of each Bayer channel's own samples for colour, of all pixels for mono.
 */
export function frameStretchParams(
  frame: PreviewFrame,
  target: number = TARGET_BACKGROUND,
  balance: ColourBalance = "unlinked",
): StretchParams[] {
  const { pixels, widthPx, heightPx, bayerPattern } = frame;
  if (bayerPattern === null || widthPx < 2 || heightPx < 2) {
    const params = autoStretchParams(histogramStats(histogram16(pixels)), {
      targetBackground: target,
    });
    return [params, params, params];
  }
  const sites = cfaChannels(bayerPattern);
  const hists = [0, 1, 2].map(() => new Uint32Array(ADU_MAX + 1));
  for (let y = 0; y < heightPx; y++) {
    const even = hists[sites[(y & 1) * 2]!]!;
    const odd = hists[sites[(y & 1) * 2 + 1]!]!;
    const row = y * widthPx;
    for (let x = 0; x + 1 < widthPx; x += 2) {
      even[pixels[row + x]!]!++;
      odd[pixels[row + x + 1]!]!++;
    }
  }
  return colourStretchParams(hists.map(histogramStats), {
    balance,
    targetBackground: target,
  });
}

/** One stretch table per output channel: the given stretch, else the frame's auto stretch. */
function channelLuts(
  frame: PreviewFrame,
  target: number,
  balance: ColourBalance = "unlinked",
  given?: StretchParams[],
): Uint8Array[] {
  if (given !== undefined) {
    if (given.length !== 1 && given.length !== 3) {
      throw new RangeError(`a stretch has 1 or 3 channels, got ${given.length}`);
    }
    const luts = given.map(stretchLut);
    return [luts[0]!, luts[1] ?? luts[0]!, luts[2] ?? luts[0]!];
  }
  return frameStretchParams(frame, target, balance).map(stretchLut);
}

/**
 * Renders the stretched, downscaled preview as RGBA. Colour frames become one RGB pixel per
 * 2×2 cell; the downscale factor is an integer so each output pixel averages whole cells.
 */
export function renderPreviewRgba(frame: PreviewFrame, opts: PreviewOptions = {}): PreviewImage {
  const { pixels, widthPx, heightPx } = frame;
  if (pixels.length !== widthPx * heightPx || widthPx < 1 || heightPx < 1) {
    throw new RangeError(
      `preview frame has ${pixels.length} samples for ${widthPx}×${heightPx} pixels`,
    );
  }
  const maxSizePx = opts.maxSizePx ?? 1280;
  if (!Number.isInteger(maxSizePx) || maxSizePx < 1) {
    throw new RangeError(`preview maxSizePx must be a positive integer, got ${maxSizePx}`);
  }
  const colour = frame.bayerPattern !== null && widthPx >= 2 && heightPx >= 2;
  const cellPx = colour ? 2 : 1;
  const gridW = Math.floor(widthPx / cellPx);
  const gridH = Math.floor(heightPx / cellPx);
  const factor = Math.max(1, Math.ceil(Math.max(gridW, gridH) / maxSizePx));
  const outW = Math.max(1, Math.floor(gridW / factor));
  const outH = Math.max(1, Math.floor(gridH / factor));
  const blockPx = cellPx * factor;
  const luts = channelLuts(
    colour ? frame : { ...frame, bayerPattern: null },
    opts.targetBackground ?? TARGET_BACKGROUND,
    opts.colourBalance,
    opts.stretch,
  );
  const rgba = new Uint8Array(outW * outH * 4);
  const sums = new Float64Array(outW * 3);
  if (colour) {
    const sites = cfaChannels(frame.bayerPattern!);
    // Per block: f² red sites, 2·f² green, f² blue.
    const perChannel = [factor * factor, 2 * factor * factor, factor * factor];
    for (let oy = 0; oy < outH; oy++) {
      sums.fill(0);
      for (let y = oy * blockPx; y < (oy + 1) * blockPx; y++) {
        const even = sites[(y & 1) * 2]!;
        const odd = sites[(y & 1) * 2 + 1]!;
        let i = y * widthPx;
        for (let ox = 0; ox < outW; ox++) {
          let evenSum = 0;
          let oddSum = 0;
          for (let k = 0; k < blockPx; k += 2) {
            evenSum += pixels[i]!;
            oddSum += pixels[i + 1]!;
            i += 2;
          }
          sums[ox * 3 + even]! += evenSum;
          sums[ox * 3 + odd]! += oddSum;
        }
      }
      writeRow(rgba, oy * outW, sums, perChannel, luts);
    }
  } else {
    const perChannel = [factor * factor];
    for (let oy = 0; oy < outH; oy++) {
      sums.fill(0);
      for (let y = oy * blockPx; y < (oy + 1) * blockPx; y++) {
        let i = y * widthPx;
        for (let ox = 0; ox < outW; ox++) {
          let sum = 0;
          for (let k = 0; k < blockPx; k++) sum += pixels[i++]!;
          sums[ox * 3]! += sum;
        }
      }
      writeRow(rgba, oy * outW, sums, perChannel, luts);
    }
  }
  return { rgba, widthPx: outW, heightPx: outH };
}

/** Averages, stretches and stores one output row; mono replicates its one channel. */
function writeRow(
  rgba: Uint8Array,
  firstPixel: number,
  sums: Float64Array,
  perChannel: number[],
  luts: Uint8Array[],
): void {
  const width = sums.length / 3;
  const mono = perChannel.length === 1;
  let o = firstPixel * 4;
  for (let ox = 0; ox < width; ox++) {
    for (let c = 0; c < 3; c++) {
      const src = mono ? 0 : c;
      const mean = Math.round(sums[ox * 3 + src]! / perChannel[src]!);
      rgba[o + c] = luts[c]![mean > ADU_MAX ? ADU_MAX : mean]!;
    }
    rgba[o + 3] = 255;
    o += 4;
  }
}

/** Renders the auto-stretched preview and encodes it as a baseline JPEG. */
export function renderPreviewJpeg(frame: PreviewFrame, opts: PreviewOptions = {}): Uint8Array {
  const quality = opts.quality ?? 85;
  if (!(quality >= 1 && quality <= 100)) {
    throw new RangeError(`preview quality must be within 1..100, got ${quality}`);
  }
  const image = renderPreviewRgba(frame, opts);
  const encoded = jpeg.encode(
    { data: image.rgba, width: image.widthPx, height: image.heightPx },
    quality,
  );
  return new Uint8Array(encoded.data.buffer, encoded.data.byteOffset, encoded.data.byteLength);
}
