/**
 * Colour from a one-shot-colour camera's Bayer mosaic. Two methods: bilinear interpolation keeps
 * the full resolution for stacking and quality previews (each missing colour is the mean of the
 * nearest two or four sites of that colour), and superpixel turns each 2×2 cell into one RGB
 * pixel at half size with no interpolation at all — the fast path for previews. Image borders
 * are mirrored without repeating the edge pixel (index −1 reads index 1), which keeps the CFA
 * parity, so a flat field debayers to exactly flat colour everywhere, edges included.
 */
import { BAYER_PATTERNS, type BayerPattern } from "../../devices/camera.ts";
import type { MonoImage, RgbImage } from "./image.ts";

/** Channel (0 R, 1 G, 2 B) of each CFA site, indexed (y & 1) * 2 + (x & 1). */
export function bayerSites(pattern: BayerPattern): [number, number, number, number] {
  if (!(BAYER_PATTERNS as readonly string[]).includes(pattern)) {
    throw new RangeError(`Bayer pattern must be one of ${BAYER_PATTERNS.join(", ")}: ${pattern}`);
  }
  const index = { R: 0, G: 1, B: 2 } as Record<string, number>;
  const [a, b, c, d] = [...pattern].map((letter) => index[letter]!);
  return [a!, b!, c!, d!];
}

function patternOf(image: MonoImage, pattern: BayerPattern | undefined): BayerPattern {
  const chosen = pattern ?? image.bayerPattern;
  if (!chosen) throw new RangeError("debayer needs a Bayer pattern: the image has none");
  if (image.widthPx < 2 || image.heightPx < 2) {
    throw new RangeError(
      `debayer needs at least 2×2 pixels, got ${image.widthPx}×${image.heightPx}`,
    );
  }
  if (image.pixels.length !== image.widthPx * image.heightPx) {
    throw new RangeError(
      `image has ${image.pixels.length} samples for ${image.widthPx}×${image.heightPx} pixels`,
    );
  }
  return chosen;
}

/** Index of the mirrored neighbour: −1 → 1, n → n − 2 (same CFA parity as the missing one). */
function mirror(i: number, n: number): number {
  return i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
}

/**
 * Full-resolution bilinear debayer. At a red or blue site green is the mean of the four
 * orthogonal neighbours and the opposite colour the mean of the four diagonal ones; at a green
 * site each of red and blue is the mean of the two neighbours (in the row or in the column)
 * that carry it.
 */
export function debayerBilinear(image: MonoImage, pattern?: BayerPattern): RgbImage {
  const sites = bayerSites(patternOf(image, pattern));
  const { widthPx: w, heightPx: h, pixels: p } = image;
  const planes = [new Float32Array(w * h), new Float32Array(w * h), new Float32Array(w * h)];
  const left = Int32Array.from({ length: w }, (_, x) => mirror(x - 1, w));
  const right = Int32Array.from({ length: w }, (_, x) => mirror(x + 1, w));
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const up = mirror(y - 1, h) * w;
    const down = mirror(y + 1, h) * w;
    for (let parity = 0; parity < 2; parity++) {
      const own = sites[(y & 1) * 2 + parity]!;
      const horizontal = sites[(y & 1) * 2 + (parity ^ 1)]!;
      const vertical = sites[((y + 1) & 1) * 2 + parity]!;
      const diagonal = sites[((y + 1) & 1) * 2 + (parity ^ 1)]!;
      const ownPlane = planes[own]!;
      const hPlane = planes[horizontal]!;
      const vPlane = planes[vertical]!;
      const dPlane = planes[diagonal]!;
      const cross = horizontal === vertical; // a red or blue site: green all around
      for (let x = parity; x < w; x += 2) {
        const l = left[x]!;
        const r = right[x]!;
        ownPlane[row + x] = p[row + x]!;
        if (cross) {
          hPlane[row + x] = (p[row + l]! + p[row + r]! + p[up + x]! + p[down + x]!) * 0.25;
          dPlane[row + x] = (p[up + l]! + p[up + r]! + p[down + l]! + p[down + r]!) * 0.25;
        } else {
          hPlane[row + x] = (p[row + l]! + p[row + r]!) * 0.5;
          vPlane[row + x] = (p[up + x]! + p[down + x]!) * 0.5;
        }
      }
    }
  }
  return { widthPx: w, heightPx: h, r: planes[0]!, g: planes[1]!, b: planes[2]! };
}

/**
 * Half-size debayer: each whole 2×2 cell becomes one pixel whose red and blue are the cell's red
 * and blue sites and whose green is the mean of its two green sites. An odd last row or column
 * is dropped.
 */
export function debayerSuperpixel(image: MonoImage, pattern?: BayerPattern): RgbImage {
  const sites = bayerSites(patternOf(image, pattern));
  const { widthPx: w, pixels: p } = image;
  const outW = w >> 1;
  const outH = image.heightPx >> 1;
  const planes = [
    new Float32Array(outW * outH),
    new Float32Array(outW * outH),
    new Float32Array(outW * outH),
  ];
  const weights = [0, 0, 0];
  for (const c of sites) weights[c]!++;
  const scale = weights.map((n) => 1 / n);
  for (let oy = 0; oy < outH; oy++) {
    const top = 2 * oy * w;
    const bottom = top + w;
    for (let ox = 0; ox < outW; ox++) {
      const o = oy * outW + ox;
      const x = 2 * ox;
      planes[sites[0]]![o]! += p[top + x]! * scale[sites[0]]!;
      planes[sites[1]]![o]! += p[top + x + 1]! * scale[sites[1]]!;
      planes[sites[2]]![o]! += p[bottom + x]! * scale[sites[2]]!;
      planes[sites[3]]![o]! += p[bottom + x + 1]! * scale[sites[3]]!;
    }
  }
  return { widthPx: outW, heightPx: outH, r: planes[0]!, g: planes[1]!, b: planes[2]! };
}
