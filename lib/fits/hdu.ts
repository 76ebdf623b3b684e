/**
 * The HDU structure of a FITS file (FITS Standard 4.0, §3–§7): a primary HDU, then any number
 * of extensions, each a header of 2880-byte blocks ending in END and a data unit padded to whole
 * blocks. This module finds where each HDU's header and data lie, so the reader can skip tables
 * and empty primaries to the image it wants. Every size comes from untrusted cards, so each is
 * checked against the file before anything is allocated or read.
 */
import {
  BLOCK_BYTES,
  CARD_CHARS,
  CARDS_PER_BLOCK,
  type FitsCard,
  type FitsValue,
  parseHeaderRecords,
} from "./header.ts";

export interface FitsHdu {
  /** 0 for the primary HDU. */
  index: number;
  /** "PRIMARY", or the XTENSION value ("IMAGE", "BINTABLE", "TABLE", …). */
  kind: string;
  cards: FitsCard[];
  /** Value of each keyword (the first occurrence wins, as most readers do). */
  header: Map<string, FitsValue>;
  headerOffset: number;
  dataOffset: number;
  /** Bytes of the data unit before padding: |BITPIX|/8 × GCOUNT × (PCOUNT + ΠNAXISn). */
  dataBytes: number;
  /** Offset of the next HDU (data padded to a whole block). */
  endOffset: number;
}

export const BITPIX_BYTES: ReadonlyMap<number, number> = new Map([
  [8, 1],
  [16, 2],
  [32, 4],
  [64, 8],
  [-32, 4],
  [-64, 8],
]);

/** More axes than any image or table we could meet; NAXIS is bounded by the standard at 999. */
const MAX_AXES = 999;

function readHeader(bytes: Uint8Array, offset: number): { cards: FitsCard[]; dataOffset: number } {
  const records: string[] = [];
  for (let at = offset; at + CARD_CHARS <= bytes.length; at += CARD_CHARS) {
    const raw = bytes.subarray(at, at + CARD_CHARS);
    if (raw.some((b) => b < 0x20 || b > 0x7e)) {
      throw new Error(`FITS header card ${records.length + 1} contains non-ASCII bytes`);
    }
    const record = String.fromCharCode(...raw);
    records.push(record);
    if (record.slice(0, 8).trimEnd() === "END") break;
  }
  const { cards, endIndex } = parseHeaderRecords(records);
  const headerBlocks = Math.ceil((endIndex + 1) / CARDS_PER_BLOCK);
  return { cards, dataOffset: offset + headerBlocks * BLOCK_BYTES };
}

export function intKey(header: Map<string, FitsValue>, key: string, fallback?: number): number {
  const value = header.get(key);
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new Error(`FITS ${key} is missing or not an integer (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function numberKey(header: Map<string, FitsValue>, key: string, fallback: number): number {
  const value = header.get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number") throw new Error(`FITS ${key} is not a number: ${value}`);
  return value;
}

export function stringKey(header: Map<string, FitsValue>, key: string): string | null {
  const value = header.get(key);
  return typeof value === "string" ? value.trim() : null;
}

/** NAXIS and NAXIS1..n of a header, checked to be integers ≥ 0. */
export function axesOf(header: Map<string, FitsValue>): number[] {
  const naxis = intKey(header, "NAXIS");
  if (naxis < 0 || naxis > MAX_AXES) throw new Error(`FITS NAXIS ${naxis} is out of range`);
  const axes = Array.from({ length: naxis }, (_, i) => intKey(header, `NAXIS${i + 1}`));
  if (axes.some((n) => n < 0)) throw new Error(`FITS axes ${axes.join("×")} must not be negative`);
  return axes;
}

/**
 * Reads the header of the HDU starting at `offset` and locates its data. Throws Error when the
 * header is malformed; the data's presence is checked by whoever reads it.
 */
export function readHdu(bytes: Uint8Array, offset: number, index: number): FitsHdu {
  const { cards, dataOffset } = readHeader(bytes, offset);
  const first = cards[0];
  const header = new Map<string, FitsValue>();
  for (const card of cards) if (!header.has(card.key)) header.set(card.key, card.value);
  let kind: string;
  if (index === 0) {
    if (first?.key !== "SIMPLE" || first.value !== true) {
      throw new Error("FITS file does not start with SIMPLE = T");
    }
    kind = "PRIMARY";
  } else {
    if (first?.key !== "XTENSION" || typeof first.value !== "string") {
      throw new Error(`FITS HDU ${index + 1} does not start with XTENSION`);
    }
    kind = first.value.trim();
  }
  const bitpix = intKey(header, "BITPIX");
  const bytesPerSample = BITPIX_BYTES.get(bitpix);
  if (bytesPerSample === undefined) throw new Error(`FITS BITPIX ${bitpix} is not supported`);
  if (kind === "PRIMARY" || kind === "IMAGE") {
    // Checked before the axes so a 4-D cube is named as such, not as a missing NAXIS1.
    const naxis = intKey(header, "NAXIS");
    if (naxis < 0 || naxis > 3) throw new Error(`FITS NAXIS ${naxis} is not an image of 1–3 axes`);
  }
  const axes = axesOf(header);
  const pcount = index === 0 ? 0 : intKey(header, "PCOUNT", 0);
  const gcount = index === 0 ? 1 : intKey(header, "GCOUNT", 1);
  if (pcount < 0 || gcount < 0) throw new Error(`FITS PCOUNT/GCOUNT must not be negative`);
  // Random groups (NAXIS1 = 0 with GROUPS = T) count the axes after the first.
  const groups = index === 0 && header.get("GROUPS") === true && axes[0] === 0;
  const counted = groups ? axes.slice(1) : axes;
  const samples = axes.length === 0 ? 0 : counted.reduce((product, n) => product * n, 1);
  const dataBytes = bytesPerSample * gcount * (pcount + samples);
  if (!Number.isSafeInteger(dataBytes)) throw new Error(`FITS HDU ${index + 1} size is absurd`);
  const endOffset = dataOffset + Math.ceil(dataBytes / BLOCK_BYTES) * BLOCK_BYTES;
  return { index, kind, cards, header, headerOffset: offset, dataOffset, dataBytes, endOffset };
}

/** Every HDU in file order; stops at the end of the file or at trailing padding. */
export function* fitsHdus(bytes: Uint8Array): Generator<FitsHdu> {
  let offset = 0;
  for (let index = 0; offset < bytes.length; index++) {
    // Blank or zero padding after the last HDU is tolerated, as other readers do.
    if (index > 0 && isBlank(bytes, offset)) return;
    let hdu: FitsHdu;
    try {
      hdu = readHdu(bytes, offset, index);
    } catch (err) {
      if (index === 0) throw err;
      throw new Error(`FITS HDU ${index + 1} (at byte ${offset}): ${(err as Error).message}`);
    }
    yield hdu;
    offset = hdu.endOffset;
  }
}

function isBlank(bytes: Uint8Array, offset: number): boolean {
  const block = bytes.subarray(offset, offset + BLOCK_BYTES);
  return block.every((b) => b === 0 || b === 0x20);
}
