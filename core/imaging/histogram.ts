/**
 * Per-channel histograms of a frame for the phone's histogram view and for stretch statistics:
 * `bins` counts over the 16-bit ADU range, plus the exact median and MAD of each channel. A raw
 * colour frame is split by its Bayer sites into R, G and B without debayering (the statistics of
 * the sensor's own samples, and no interpolation to pay for); a mono frame has one channel "L".
 * Values are clamped to 0..65535 and rounded to whole ADU for the median and MAD, which is exact
 * for camera data and within 0.5 ADU for calibrated or stacked float data.
 */
import type { BayerPattern } from "../../devices/camera.ts";
import { bayerSites } from "./debayer.ts";
import type { RgbImage } from "./image.ts";
import { ADU_MAX, histogramStats } from "./stretch.ts";

/** A mono or raw Bayer frame, in camera Uint16 or pipeline Float32 samples. */
export interface PlaneSource {
  widthPx: number;
  heightPx: number;
  pixels: ArrayLike<number>;
  bayerPattern?: BayerPattern | null;
}

export type ChannelName = "L" | "R" | "G" | "B";

export interface ChannelHistogram {
  channel: ChannelName;
  /** `bins` counts; bin i holds ADU in [i × binWidthAdu, (i + 1) × binWidthAdu). */
  counts: Uint32Array;
  count: number;
  medianAdu: number;
  madAdu: number;
  minAdu: number;
  maxAdu: number;
}

export interface ImageHistogram {
  bins: number;
  binWidthAdu: number;
  channels: ChannelHistogram[];
}

const FINE_BINS = ADU_MAX + 1;

function clampAdu(v: number): number {
  // NaN (a blank pixel) counts as 0 rather than poisoning an index.
  return v > 0 ? (v < ADU_MAX ? Math.round(v) : ADU_MAX) : 0;
}

function summarise(channel: ChannelName, fine: Uint32Array, bins: number): ChannelHistogram {
  const counts = new Uint32Array(bins);
  let minAdu = -1;
  let maxAdu = 0;
  for (let v = 0; v < FINE_BINS; v++) {
    const n = fine[v]!;
    if (n === 0) continue;
    if (minAdu < 0) minAdu = v;
    maxAdu = v;
    counts[Math.floor((v * bins) / FINE_BINS)]! += n;
  }
  const stats = histogramStats(fine);
  return {
    channel,
    counts,
    count: stats.count,
    medianAdu: stats.medianAdu,
    madAdu: stats.madAdu,
    minAdu: Math.max(minAdu, 0),
    maxAdu,
  };
}

function isRgb(image: PlaneSource | RgbImage): image is RgbImage {
  return "r" in image && "g" in image && "b" in image;
}

/** Histograms of every channel of `image` with `bins` bins (1..65536) over 0..65535 ADU. */
export function histogram(image: PlaneSource | RgbImage, bins = 256): ImageHistogram {
  if (!Number.isInteger(bins) || bins < 1 || bins > FINE_BINS) {
    throw new RangeError(`histogram bins must be an integer within 1..${FINE_BINS}, got ${bins}`);
  }
  const { widthPx, heightPx } = image;
  const n = widthPx * heightPx;
  const binWidthAdu = FINE_BINS / bins;
  if (isRgb(image)) {
    const channels = (["R", "G", "B"] as const).map((name, c) => {
      const plane = [image.r, image.g, image.b][c]!;
      if (plane.length !== n) {
        throw new RangeError(`${name} plane has ${plane.length} samples, expected ${n}`);
      }
      const fine = new Uint32Array(FINE_BINS);
      for (let i = 0; i < n; i++) fine[clampAdu(plane[i]!)]!++;
      return summarise(name, fine, bins);
    });
    return { bins, binWidthAdu, channels };
  }
  const { pixels } = image;
  if (pixels.length !== n) {
    throw new RangeError(`image has ${pixels.length} samples for ${widthPx}×${heightPx} pixels`);
  }
  if (!image.bayerPattern) {
    const fine = new Uint32Array(FINE_BINS);
    for (let i = 0; i < n; i++) fine[clampAdu(pixels[i]!)]!++;
    return { bins, binWidthAdu, channels: [summarise("L", fine, bins)] };
  }
  const sites = bayerSites(image.bayerPattern);
  const fines = [
    new Uint32Array(FINE_BINS),
    new Uint32Array(FINE_BINS),
    new Uint32Array(FINE_BINS),
  ];
  for (let y = 0; y < heightPx; y++) {
    const even = fines[sites[(y & 1) * 2]!]!;
    const odd = fines[sites[(y & 1) * 2 + 1]!]!;
    const row = y * widthPx;
    for (let x = 0; x < widthPx; x++) {
      (x & 1 ? odd : even)[clampAdu(pixels[row + x]!)]!++;
    }
  }
  const names = ["R", "G", "B"] as const;
  return { bins, binWidthAdu, channels: fines.map((fine, c) => summarise(names[c]!, fine, bins)) };
}
