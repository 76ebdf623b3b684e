/**
 * Hot pixels out before detection. A single pixel far above the sky whose four neighbours are
 * all dark cannot be a star (even a sharp star puts ~40 % of its peak in the next pixel, the
 * limit here is 25 % — a PSF σ of about 0.6 px); left in, the smoothing would turn it into a
 * blob that swallows a star a few pixels away. Such pixels are replaced, in place, by the mean
 * of their four neighbours, and the originals are kept so the caller can put them back: the
 * analyser leaves the caller's image as it found it.
 */
import type { MonoImage } from "../image.ts";
import { type BackgroundMesh, BackgroundRows } from "./background.ts";

/** A spike must stand this many sky sigmas above the background… */
const SPIKE_MIN_SIGMA = 5;
/** …with its brightest 4-neighbour below this fraction of it. */
const SPIKE_NEIGHBOUR_RATIO = 0.25;

export interface SpikePatch {
  indices: Int32Array;
  originals: Float32Array;
}

/** Replaces single-pixel spikes by their neighbours' mean; returns what to restore. */
export function patchSpikes(image: MonoImage, mesh: BackgroundMesh): SpikePatch {
  const { widthPx: w, heightPx: h, pixels: p } = image;
  const rows = new BackgroundRows(mesh, w, 1);
  const indices: number[] = [], originals: number[] = [];
  const cuts = new Float64Array(mesh.cellsX);
  for (let y = 1; y < h - 1; y++) {
    // Nearly every pixel is sky: one comparison with the lowest threshold its stretch of the row
    // can have rules it out, and the map is interpolated only at the few pixels that pass. (The
    // inverse noise is positive but for a pathological extrapolation at a row's end; such a
    // stretch gets the full test everywhere.)
    const { segments, minLevel, maxNoise } = rows.prepare(y);
    for (let k = 0; k < cuts.length; k++) {
      const floor = minLevel[k]! + SPIKE_MIN_SIGMA / maxNoise[k]!;
      cuts[k] = maxNoise[k]! > 0 ? floor - 1e-4 * (Math.abs(floor) + 1) : -Infinity;
    }
    const row = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = row + x, v = p[i]!;
      if (!(v > cuts[segments[x]!]!)) continue;
      const sky = rows.levelAt(x);
      if (!((v - sky) * rows.noiseAt(x) > SPIKE_MIN_SIGMA)) continue;
      const l = p[i - 1]!, r = p[i + 1]!, u = p[i - w]!, d = p[i + w]!;
      if (Math.max(l, r, u, d) - sky < SPIKE_NEIGHBOUR_RATIO * (v - sky)) {
        indices.push(i);
        originals.push(v);
        p[i] = (l + r + u + d) / 4;
      }
    }
  }
  return { indices: Int32Array.from(indices), originals: Float32Array.from(originals) };
}

/** Puts the patched pixels back. */
export function restoreSpikes(image: MonoImage, patch: SpikePatch): void {
  for (let k = 0; k < patch.indices.length; k++) {
    image.pixels[patch.indices[k]!] = patch.originals[k]!;
  }
}
