/**
 * FITS writer for our frames: one primary HDU of unsigned 16-bit pixels, stored as BITPIX 16
 * with BZERO 32768 (the standard's convention for unsigned integers, §5.2.5). The structural
 * keywords come first in the order the standard mandates and always agree with the data; any
 * caller cards follow. Speed matters on a Pi — a 24-megapixel frame is written between two
 * exposures — so the data is byte-swapped in one tight loop into a single preallocated buffer.
 */
import { BLOCK_BYTES, CARD_CHARS, CARDS_PER_BLOCK, type FitsCard, formatCard } from "./header.ts";

export interface FitsImage16 {
  /** Row-major, `widthPx * heightPx` samples; row 0 is written first (see ROWORDER). */
  pixels: Uint16Array;
  widthPx: number;
  heightPx: number;
}

/** Keys the writer owns; a caller card with one of them must agree with the data. */
const STRUCTURAL_KEYS = ["SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "BZERO", "BSCALE"];

function structuralCards(image: FitsImage16): FitsCard[] {
  return [
    { key: "SIMPLE", value: true, comment: "conforms to the FITS standard" },
    { key: "BITPIX", value: 16, comment: "16-bit two's complement integers" },
    { key: "NAXIS", value: 2, comment: "two-dimensional image" },
    { key: "NAXIS1", value: image.widthPx, comment: "width, pixels" },
    { key: "NAXIS2", value: image.heightPx, comment: "height, pixels" },
    { key: "BZERO", value: 32768, comment: "offset for unsigned 16-bit data" },
    { key: "BSCALE", value: 1, comment: "physical = BZERO + BSCALE * stored" },
  ];
}

function validateImage(image: FitsImage16): void {
  const { widthPx, heightPx, pixels } = image;
  if (!Number.isInteger(widthPx) || widthPx < 1) {
    throw new RangeError(`FITS widthPx must be a positive integer, got ${widthPx}`);
  }
  if (!Number.isInteger(heightPx) || heightPx < 1) {
    throw new RangeError(`FITS heightPx must be a positive integer, got ${heightPx}`);
  }
  if (pixels.length !== widthPx * heightPx) {
    throw new RangeError(
      `FITS pixels has ${pixels.length} samples, expected ${widthPx}×${heightPx} = ${
        widthPx * heightPx
      }`,
    );
  }
}

/** Orders and checks the header: structural cards from the data, then the caller's cards. */
function headerCards(image: FitsImage16, cards: FitsCard[]): FitsCard[] {
  const structural = structuralCards(image);
  const byKey = new Map(structural.map((card) => [card.key, card]));
  const rest: FitsCard[] = [];
  for (const card of cards) {
    const own = byKey.get(card.key);
    if (!own) {
      rest.push(card);
      continue;
    }
    if (own.value !== card.value) {
      throw new RangeError(
        `FITS ${card.key} = ${card.value} disagrees with the data, which needs ${own.value}`,
      );
    }
    if (card.comment !== undefined) own.comment = card.comment;
  }
  return [...STRUCTURAL_KEYS.map((key) => byKey.get(key)!), ...rest];
}

/** Encodes the header text (ending with END) padded with blanks to whole 2880-byte blocks. */
export function encodeHeader(cards: FitsCard[]): Uint8Array {
  const records = cards.flatMap(formatCard);
  records.push("END".padEnd(CARD_CHARS));
  const blocks = Math.ceil(records.length / CARDS_PER_BLOCK);
  const bytes = new Uint8Array(blocks * BLOCK_BYTES).fill(0x20);
  let offset = 0;
  for (const record of records) {
    // Records are validated printable ASCII, so one char is one byte.
    for (let i = 0; i < CARD_CHARS; i++) bytes[offset + i] = record.charCodeAt(i);
    offset += CARD_CHARS;
  }
  return bytes;
}

/**
 * Encodes a 16-bit unsigned image as a complete FITS file: header blocks, then big-endian data
 * padded with zeros to a whole block. Throws RangeError for an invalid key or value, or for
 * cards that contradict the image.
 */
export function encodeFits(image: FitsImage16, cards: FitsCard[]): Uint8Array {
  validateImage(image);
  const header = encodeHeader(headerCards(image, cards));
  const dataBytes = image.pixels.length * 2;
  const paddedData = Math.ceil(dataBytes / BLOCK_BYTES) * BLOCK_BYTES;
  const out = new Uint8Array(header.length + paddedData);
  out.set(header, 0);
  writeUnsigned16BigEndian(image.pixels, out, header.length);
  return out;
}

/** Bytes of pixel data per chunk of `encodeFitsChunks`: 1 MB measured best (tests/bench/fits_bench.ts). */
export const FITS_CHUNK_BYTES = 1024 * 1024;

/**
 * The same bytes as `encodeFits`, as a sequence of chunks: the header, then the data a few
 * megabytes at a time, encoded into two buffers used in turn. A writer that starts writing
 * chunk i, pulls chunk i+1, and only then waits for write i (see durable_write.ts) overlaps the
 * byte swapping with the kernel's copy — the frame costs about one write instead of a swap plus
 * a write. A chunk's buffer is reused two pulls later, so it must be written by then.
 */
export function* encodeFitsChunks(
  image: FitsImage16,
  cards: FitsCard[],
  chunkBytes = FITS_CHUNK_BYTES,
): Generator<Uint8Array> {
  validateImage(image);
  yield encodeHeader(headerCards(image, cards));
  const pixelsPerChunk = Math.max(2, Math.floor(chunkBytes / 4) * 2);
  const buffers = [new Uint8Array(pixelsPerChunk * 2), new Uint8Array(pixelsPerChunk * 2)];
  const n = image.pixels.length;
  for (let start = 0, k = 0; start < n; start += pixelsPerChunk, k++) {
    const count = Math.min(pixelsPerChunk, n - start);
    const out = buffers[k % 2]!;
    writeUnsigned16BigEndian(image.pixels.subarray(start, start + count), out, 0);
    yield out.subarray(0, count * 2);
  }
  const padding = (BLOCK_BYTES - ((n * 2) % BLOCK_BYTES)) % BLOCK_BYTES;
  if (padding > 0) yield new Uint8Array(padding);
}

/** True on little-endian hosts (every Pi and x86 we run on), where the word path applies. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Stores `pixel − 32768` as big-endian int16: flipping the top bit of the unsigned value gives
 * exactly those two's-complement bits, so no arithmetic or sign handling is needed. On a
 * little-endian host two pixels are swapped per 32-bit word — about three times faster than
 * byte stores, which is most of the encode time of a 24-megapixel frame.
 */
function writeUnsigned16BigEndian(pixels: Uint16Array, out: Uint8Array, offset: number): void {
  const n = pixels.length;
  const pairs = n >>> 1;
  let done = 0;
  if (
    LITTLE_ENDIAN && pixels.byteOffset % 4 === 0 && (out.byteOffset + offset) % 4 === 0
  ) {
    const src = new Uint32Array(pixels.buffer, pixels.byteOffset, pairs);
    const dst = new Uint32Array(out.buffer, out.byteOffset + offset, pairs);
    for (let i = 0; i < pairs; i++) {
      const w = src[i]!;
      dst[i] = (((w >>> 8) & 0x00ff00ff) | ((w << 8) & 0xff00ff00)) ^ 0x00800080;
    }
    done = pairs * 2;
  }
  let o = offset + done * 2;
  for (let i = done; i < n; i++) {
    const v = pixels[i]!;
    out[o] = (v >>> 8) ^ 0x80;
    out[o + 1] = v & 0xff;
    o += 2;
  }
}
