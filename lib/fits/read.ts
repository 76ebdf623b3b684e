/**
 * FITS reader: the first image of a file, whether in the primary HDU, an IMAGE extension or a
 * tile-compressed BINTABLE (fits_compressed.ts). It accepts BITPIX 8, 16, 32, -32 and -64 with
 * BZERO/BSCALE, and images of 1–3 axes (a third axis of 3 is an RGB cube). Untrusted bytes
 * never crash it: every structural problem (no END, a bad keyword, missing or impossible axes, a
 * truncated data unit, a corrupt tile) becomes an Error whose message says what was wrong.
 */
import { decompressImage, isCompressedImage } from "./compressed.ts";
import { BLOCK_BYTES, type FitsCard, type FitsValue } from "./header.ts";
import { axesOf, BITPIX_BYTES, type FitsHdu, fitsHdus, intKey, numberKey } from "./hdu.ts";

export type FitsPixels =
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export interface DecodedFits {
  /** Every card in file order, CONTINUE strings folded in. */
  cards: FitsCard[];
  /** Value of each keyword (the first occurrence wins, as most readers do). */
  header: Map<string, FitsValue>;
  /**
   * Physical values (BZERO + BSCALE × stored). Unsigned 16/32-bit conventions come back as
   * Uint16Array/Uint32Array exactly; other scaled integers as Float64Array.
   */
  pixels: FitsPixels;
  widthPx: number;
  heightPx: number;
  /** NAXIS3 for a cube (e.g. RGB planes), else 1. */
  planes: number;
  bitpix: number;
  /** Which HDU the image came from (0 = primary). */
  hduIndex: number;
  /** ZCMPTYPE of a tile-compressed image (e.g. "RICE_1"), null when stored plain. */
  compression: string | null;
}

export interface DecodeOptions {
  /**
   * Deliver the physical values as a Float32Array whatever BITPIX says, decoded in one pass (the
   * star analysis works in float32: no integer array is allocated only to be copied). Integers
   * above 2^24 lose their last bits, which no 16-bit sensor has.
   */
  float32?: boolean;
}

/** Refuse absurd axes before allocating: 1 Gi samples is far beyond any sensor. */
const MAX_SAMPLES = 1 << 30;

function isImageHdu(hdu: FitsHdu): boolean {
  if (hdu.kind !== "PRIMARY" && hdu.kind !== "IMAGE") return false;
  // NAXIS = 0 is an empty primary (fpack writes one before the compressed image).
  return intKey(hdu.header, "NAXIS") > 0;
}

/**
 * Decodes the first HDU of a FITS file that holds an image: the primary HDU, else the first
 * IMAGE extension or tile-compressed image (`.fits.fz`), skipping empty primaries and tables.
 * Throws Error with a clear message when the file is malformed or holds no image.
 */
export function decodeFits(bytes: Uint8Array, options: DecodeOptions = {}): DecodedFits {
  if (bytes.length < BLOCK_BYTES) {
    throw new Error(`FITS file too short: ${bytes.length} bytes, a header needs ${BLOCK_BYTES}`);
  }
  const seen: string[] = [];
  for (const hdu of fitsHdus(bytes)) {
    if (isCompressedImage(hdu)) {
      const image = decompressImage(bytes, hdu);
      const view = new DataView(image.data.buffer, image.data.byteOffset, image.data.byteLength);
      return fromData(image.cards, image.header, image.bitpix, image.axes, view, {
        hduIndex: hdu.index,
        compression: image.compression,
      }, options);
    }
    if (isImageHdu(hdu)) return decodeImageHdu(bytes, hdu, options);
    seen.push(hdu.kind);
  }
  throw new Error(`FITS file holds no image (HDUs: ${seen.join(", ")})`);
}

function decodeImageHdu(bytes: Uint8Array, hdu: FitsHdu, options: DecodeOptions): DecodedFits {
  const { header } = hdu;
  const bitpix = intKey(header, "BITPIX");
  const bytesPerSample = BITPIX_BYTES.get(bitpix);
  if (bytesPerSample === undefined || bitpix === 64) {
    throw new Error(`FITS BITPIX ${bitpix} is not supported`);
  }
  const axes = axesOf(header);
  if (axes.some((n) => n < 1)) throw new Error(`FITS axes ${axes.join("×")} must be positive`);
  const samples = axes.reduce((p, n) => p * n, 1);
  if (samples > MAX_SAMPLES) throw new Error(`FITS image of ${samples} samples is too large`);
  const needed = hdu.dataOffset + samples * bytesPerSample;
  if (bytes.length < needed) {
    throw new Error(`FITS data is truncated: need ${needed} bytes, file has ${bytes.length}`);
  }
  const view = new DataView(
    bytes.buffer,
    bytes.byteOffset + hdu.dataOffset,
    samples * bytesPerSample,
  );
  return fromData(hdu.cards, header, bitpix, axes, view, {
    hduIndex: hdu.index,
    compression: null,
  }, options);
}

function fromData(
  cards: FitsCard[],
  header: Map<string, FitsValue>,
  bitpix: number,
  axes: number[],
  view: DataView,
  where: { hduIndex: number; compression: string | null },
  options: DecodeOptions,
): DecodedFits {
  const [widthPx = 1, heightPx = 1, planes = 1] = axes;
  const samples = widthPx * heightPx * planes;
  const bzero = numberKey(header, "BZERO", 0);
  const bscale = numberKey(header, "BSCALE", 1);
  return {
    cards,
    header,
    pixels: options.float32
      ? decodeFloat32(view, bitpix, samples, bzero, bscale)
      : decodeData(view, bitpix, samples, bzero, bscale),
    widthPx,
    heightPx,
    planes,
    bitpix,
    ...where,
  };
}

/** The physical values as float32: the usual unsigned 16-bit camera frame in a single pass. */
function decodeFloat32(
  view: DataView,
  bitpix: number,
  n: number,
  bzero: number,
  bscale: number,
): Float32Array {
  if (bitpix === 16) {
    const out = new Float32Array(n);
    const b = new Uint8Array(view.buffer, view.byteOffset, n * 2);
    if (bscale === 1 && bzero === 32768) {
      // As decodeData: flipping the sign bit of the stored int16 adds 32768 exactly.
      for (let i = 0; i < n; i++) out[i] = ((b[2 * i]! << 8) | b[2 * i + 1]!) ^ 0x8000;
    } else {
      for (let i = 0; i < n; i++) {
        out[i] = bzero + bscale * (((b[2 * i]! << 24) >> 16) | b[2 * i + 1]!);
      }
    }
    return out;
  }
  const values = decodeData(view, bitpix, n, bzero, bscale);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

function decodeData(
  view: DataView,
  bitpix: number,
  n: number,
  bzero: number,
  bscale: number,
): FitsPixels {
  const identity = bzero === 0 && bscale === 1;
  if (bitpix === 16 && bscale === 1 && bzero === 32768) {
    const out = new Uint16Array(n);
    // Flipping the sign bit of the stored int16 adds 32768 exactly (see fits_write.ts).
    for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2) ^ 0x8000;
    return out;
  }
  if (bitpix === 32 && bscale === 1 && bzero === 2147483648) {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = (view.getUint32(i * 4) ^ 0x80000000) >>> 0;
    return out;
  }
  if (bitpix === 8 && identity) {
    return new Uint8Array(view.buffer, view.byteOffset, n).slice();
  }
  if (bitpix === 16 && identity) {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2);
    return out;
  }
  if (bitpix === 32 && identity) {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4);
    return out;
  }
  if (bitpix === -32) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = bzero + bscale * view.getFloat32(i * 4);
    return out;
  }
  const out = new Float64Array(n);
  const read = bitpix === 8
    ? (i: number) => view.getUint8(i)
    : bitpix === 16
    ? (i: number) => view.getInt16(i * 2)
    : bitpix === 32
    ? (i: number) => view.getInt32(i * 4)
    : (i: number) => view.getFloat64(i * 8);
  for (let i = 0; i < n; i++) out[i] = bzero + bscale * read(i);
  return out;
}
