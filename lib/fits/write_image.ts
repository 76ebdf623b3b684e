/**
 * The general FITS writer: any BITPIX the standard allows for images (8, 16, 32, −32, −64),
 * mono or three-plane colour (NAXIS3 = 3), with BZERO/BSCALE. Camera frames take the faster
 * 16-bit path of fits_write.ts; this one is for masters, stacks and interchange, where the
 * pixel type varies. The stored value is round((physical − BZERO) / BSCALE) for integers and
 * must fit the type — a value that does not is an error naming it, never a silent wrap.
 */
import type { FitsCard } from "./header.ts";
import { BLOCK_BYTES } from "./header.ts";
import { encodeHeader } from "./write.ts";

export type FitsBitpix = 8 | 16 | 32 | -32 | -64;

export interface FitsImageData {
  /** Row-major; planes one after the other (R, G, B for colour). */
  pixels: ArrayLike<number> & { length: number };
  widthPx: number;
  heightPx: number;
  /** 1 (default) or 3 for an RGB cube. */
  planes?: number;
}

export interface FitsEncodeOptions {
  /** Default from the array type: Uint8 → 8, (U)Int16 → 16, (U)Int32 → 32, Float64 → −64, else −32. */
  bitpix?: FitsBitpix;
  /** Default: 32768 for Uint16Array at 16 bits, 2147483648 for Uint32Array at 32 bits, else 0. */
  bzero?: number;
  bscale?: number;
  cards?: FitsCard[];
}

const RANGES: Record<number, [number, number]> = {
  8: [0, 255],
  16: [-32768, 32767],
  32: [-2147483648, 2147483647],
};
const STRUCTURAL = /^(SIMPLE|BITPIX|NAXIS\d*|BZERO|BSCALE|EXTEND)$/;

function defaultBitpix(pixels: ArrayLike<number>): FitsBitpix {
  if (pixels instanceof Uint8Array) return 8;
  if (pixels instanceof Int16Array || pixels instanceof Uint16Array) return 16;
  if (pixels instanceof Int32Array || pixels instanceof Uint32Array) return 32;
  if (pixels instanceof Float64Array) return -64;
  return -32;
}

function defaultBzero(pixels: ArrayLike<number>, bitpix: FitsBitpix): number {
  if (bitpix === 16 && pixels instanceof Uint16Array) return 32768;
  if (bitpix === 32 && pixels instanceof Uint32Array) return 2147483648;
  return 0;
}

/** Encodes `image` as a complete FITS file (one primary HDU). Throws RangeError on bad input. */
export function encodeFitsImage(image: FitsImageData, opts: FitsEncodeOptions = {}): Uint8Array {
  const { pixels, widthPx, heightPx } = image;
  const planes = image.planes ?? 1;
  for (const [name, n] of [["widthPx", widthPx], ["heightPx", heightPx]] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`FITS ${name} must be a positive integer, got ${n}`);
    }
  }
  if (planes !== 1 && planes !== 3) {
    throw new RangeError(`FITS planes must be 1 or 3, got ${planes}`);
  }
  const samples = widthPx * heightPx * planes;
  if (pixels.length !== samples) {
    throw new RangeError(
      `FITS pixels has ${pixels.length} samples, expected ${widthPx}×${heightPx}×${planes} = ${samples}`,
    );
  }
  const bitpix = opts.bitpix ?? defaultBitpix(pixels);
  if (![8, 16, 32, -32, -64].includes(bitpix)) {
    throw new RangeError(`FITS bitpix ${bitpix} is not supported`);
  }
  const bzero = opts.bzero ?? defaultBzero(pixels, bitpix);
  const bscale = opts.bscale ?? 1;
  if (!Number.isFinite(bzero) || !Number.isFinite(bscale) || bscale === 0) {
    throw new RangeError(`FITS BZERO ${bzero} / BSCALE ${bscale} must be finite, BSCALE non-zero`);
  }
  const cards: FitsCard[] = [
    { key: "SIMPLE", value: true, comment: "conforms to the FITS standard" },
    { key: "BITPIX", value: bitpix },
    { key: "NAXIS", value: planes === 3 ? 3 : 2 },
    { key: "NAXIS1", value: widthPx, comment: "width, pixels" },
    { key: "NAXIS2", value: heightPx, comment: "height, pixels" },
    ...(planes === 3 ? [{ key: "NAXIS3", value: 3, comment: "colour planes R, G, B" }] : []),
  ];
  if (bzero !== 0 || bscale !== 1) {
    cards.push({ key: "BZERO", value: bzero, comment: "physical = BZERO + BSCALE * stored" });
    cards.push({ key: "BSCALE", value: bscale });
  }
  for (const card of opts.cards ?? []) {
    if (STRUCTURAL.test(card.key)) {
      throw new RangeError(`FITS ${card.key} is written from the data; leave it out of cards`);
    }
    cards.push(card);
  }
  const header = encodeHeader(cards);
  const size = Math.abs(bitpix) / 8;
  const out = new Uint8Array(
    header.length + Math.ceil((samples * size) / BLOCK_BYTES) * BLOCK_BYTES,
  );
  out.set(header, 0);
  const view = new DataView(out.buffer, header.length, samples * size);
  if (bitpix < 0) {
    for (let i = 0; i < samples; i++) {
      const stored = (pixels[i]! - bzero) / bscale;
      if (bitpix === -32) view.setFloat32(i * 4, stored);
      else view.setFloat64(i * 8, stored);
    }
    return out;
  }
  const [min, max] = RANGES[bitpix]!;
  for (let i = 0; i < samples; i++) {
    const stored = Math.round((pixels[i]! - bzero) / bscale);
    if (!(stored >= min && stored <= max)) {
      throw new RangeError(
        `FITS pixel ${i} = ${
          pixels[i]
        } does not fit BITPIX ${bitpix} with BZERO ${bzero}, BSCALE ${bscale}`,
      );
    }
    if (bitpix === 8) view.setUint8(i, stored);
    else if (bitpix === 16) view.setInt16(i * 2, stored);
    else view.setInt32(i * 4, stored);
  }
  return out;
}
