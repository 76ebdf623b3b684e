/**
 * FITS reader for the primary HDU: enough to verify what we write and to load test and
 * calibration files from other software. It accepts BITPIX 8, 16, 32, -32 and -64 with
 * BZERO/BSCALE, and images of 1–3 axes. Untrusted bytes never crash it: every structural
 * problem (no END, a bad keyword, missing or impossible axes, a truncated data unit) becomes an
 * Error whose message says what was wrong.
 */
import {
  BLOCK_BYTES,
  CARD_CHARS,
  CARDS_PER_BLOCK,
  type FitsCard,
  type FitsValue,
  parseHeaderRecords,
} from "./fits_header.ts";

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
}

const BITPIX_BYTES = new Map([[8, 1], [16, 2], [32, 4], [-32, 4], [-64, 8]]);
/** Refuse absurd axes before allocating: 1 Gi samples is far beyond any sensor. */
const MAX_SAMPLES = 1 << 30;

function readHeader(bytes: Uint8Array): { cards: FitsCard[]; dataOffset: number } {
  const records: string[] = [];
  for (let offset = 0; offset + CARD_CHARS <= bytes.length; offset += CARD_CHARS) {
    const raw = bytes.subarray(offset, offset + CARD_CHARS);
    if (raw.some((b) => b < 0x20 || b > 0x7e)) {
      throw new Error(`FITS header card ${records.length + 1} contains non-ASCII bytes`);
    }
    const record = String.fromCharCode(...raw);
    records.push(record);
    if (record.slice(0, 8).trimEnd() === "END") break;
  }
  const { cards, endIndex } = parseHeaderRecords(records);
  const headerBlocks = Math.ceil((endIndex + 1) / CARDS_PER_BLOCK);
  return { cards, dataOffset: headerBlocks * BLOCK_BYTES };
}

function intKey(header: Map<string, FitsValue>, key: string): number {
  const value = header.get(key);
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new Error(`FITS ${key} is missing or not an integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

function numberKey(header: Map<string, FitsValue>, key: string, fallback: number): number {
  const value = header.get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number") throw new Error(`FITS ${key} is not a number: ${value}`);
  return value;
}

/** Decodes the primary HDU of a FITS file. Throws Error with a clear message when malformed. */
export function decodeFits(bytes: Uint8Array): DecodedFits {
  if (bytes.length < BLOCK_BYTES) {
    throw new Error(`FITS file too short: ${bytes.length} bytes, a header needs ${BLOCK_BYTES}`);
  }
  const { cards, dataOffset } = readHeader(bytes);
  if (cards[0]?.key !== "SIMPLE" || cards[0].value !== true) {
    throw new Error("FITS file does not start with SIMPLE = T");
  }
  const header = new Map<string, FitsValue>();
  for (const card of cards) if (!header.has(card.key)) header.set(card.key, card.value);

  const bitpix = intKey(header, "BITPIX");
  const bytesPerSample = BITPIX_BYTES.get(bitpix);
  if (bytesPerSample === undefined) throw new Error(`FITS BITPIX ${bitpix} is not supported`);
  const naxis = intKey(header, "NAXIS");
  if (naxis < 1 || naxis > 3) {
    throw new Error(`FITS NAXIS ${naxis} is not an image of 1–3 axes`);
  }
  const axes = Array.from({ length: naxis }, (_, i) => intKey(header, `NAXIS${i + 1}`));
  if (axes.some((n) => n < 1)) throw new Error(`FITS axes ${axes.join("×")} must be positive`);
  const [widthPx = 1, heightPx = 1, planes = 1] = axes;
  const samples = widthPx * heightPx * planes;
  if (samples > MAX_SAMPLES) throw new Error(`FITS image of ${samples} samples is too large`);
  const needed = dataOffset + samples * bytesPerSample;
  if (bytes.length < needed) {
    throw new Error(`FITS data is truncated: need ${needed} bytes, file has ${bytes.length}`);
  }
  const bzero = numberKey(header, "BZERO", 0);
  const bscale = numberKey(header, "BSCALE", 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, samples * bytesPerSample);
  return {
    cards,
    header,
    pixels: decodeData(view, bitpix, samples, bzero, bscale),
    widthPx,
    heightPx,
    planes,
    bitpix,
  };
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
