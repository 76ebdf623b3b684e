/**
 * Reads a FITS primary image a band of rows at a time, so a master can be combined from any
 * number of frames while only one band of each is in memory. `decodeFits` (lib/fits/mod.ts)
 * needs the whole file in memory; here the header is parsed with the same card parser
 * (fits_header.ts) and each band is fetched with a positioned read and scaled to physical values
 * (BZERO + BSCALE × stored) as Float32, the pipeline's pixel type.
 */
import {
  BLOCK_BYTES,
  CARD_CHARS,
  CARDS_PER_BLOCK,
  type FitsValue,
  parseHeaderRecords,
} from "../../lib/fits/header.ts";

const BITPIX_BYTES = new Map([[8, 1], [16, 2], [32, 4], [-32, 4], [-64, 8]]);
/** No real header is this long; beyond it the file is not FITS. */
const MAX_HEADER_BLOCKS = 1000;

export class FitsBandReader {
  readonly path: string;
  readonly header: Map<string, FitsValue>;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly bitpix: number;
  #file: Deno.FsFile;
  #dataOffset: number;
  #bzero: number;
  #bscale: number;

  private constructor(
    path: string,
    file: Deno.FsFile,
    header: Map<string, FitsValue>,
    dataOffset: number,
  ) {
    this.path = path;
    this.#file = file;
    this.header = header;
    this.#dataOffset = dataOffset;
    this.bitpix = intKey(header, "BITPIX", path);
    if (!BITPIX_BYTES.has(this.bitpix)) {
      throw new Error(`${path}: FITS BITPIX ${this.bitpix} is not supported`);
    }
    const naxis = intKey(header, "NAXIS", path);
    if (naxis !== 2) {
      throw new Error(`${path}: a calibration frame must be a 2-D image, NAXIS is ${naxis}`);
    }
    this.widthPx = intKey(header, "NAXIS1", path);
    this.heightPx = intKey(header, "NAXIS2", path);
    if (this.widthPx < 1 || this.heightPx < 1) {
      throw new Error(`${path}: FITS axes ${this.widthPx}×${this.heightPx} must be positive`);
    }
    this.#bzero = numberKey(header, "BZERO", 0, path);
    this.#bscale = numberKey(header, "BSCALE", 1, path);
  }

  /** Opens the file and parses its header; the caller must `close()` it. */
  static async open(path: string): Promise<FitsBandReader> {
    const file = await Deno.open(path, { read: true });
    try {
      const records: string[] = [];
      const block = new Uint8Array(BLOCK_BYTES);
      for (let n = 0; n < MAX_HEADER_BLOCKS; n++) {
        await readExactly(file, block, path);
        for (let i = 0; i < CARDS_PER_BLOCK; i++) {
          const raw = block.subarray(i * CARD_CHARS, (i + 1) * CARD_CHARS);
          if (raw.some((b) => b < 0x20 || b > 0x7e)) {
            throw new Error(`${path}: FITS header card ${records.length + 1} is not ASCII`);
          }
          records.push(String.fromCharCode(...raw));
        }
        if (records.slice(-CARDS_PER_BLOCK).some((r) => /^END {77}$/.test(r))) break;
      }
      const { cards, endIndex } = parseHeaderRecords(records);
      if (cards[0]?.key !== "SIMPLE" || cards[0].value !== true) {
        throw new Error(`${path}: FITS file does not start with SIMPLE = T`);
      }
      const header = new Map<string, FitsValue>();
      for (const card of cards) if (!header.has(card.key)) header.set(card.key, card.value);
      const dataOffset = Math.ceil((endIndex + 1) / CARDS_PER_BLOCK) * BLOCK_BYTES;
      const reader = new FitsBandReader(path, file, header, dataOffset);
      const { size } = await file.stat();
      const needed = dataOffset + reader.widthPx * reader.heightPx * reader.#bytesPerSample;
      if (size < needed) {
        throw new Error(`${path}: FITS data is truncated: need ${needed} bytes, file has ${size}`);
      }
      return reader;
    } catch (err) {
      file.close();
      throw err;
    }
  }

  get #bytesPerSample(): number {
    return BITPIX_BYTES.get(this.bitpix)!;
  }

  /** Physical values of rows [startRow, startRow + rowCount) into `out` (row-major). */
  async readRows(startRow: number, rowCount: number, out: Float32Array): Promise<void> {
    const samples = rowCount * this.widthPx;
    if (startRow < 0 || startRow + rowCount > this.heightPx || out.length < samples) {
      throw new RangeError(
        `rows ${startRow}..${
          startRow + rowCount
        } of ${this.heightPx} do not fit (out has ${out.length})`,
      );
    }
    const bytes = new Uint8Array(samples * this.#bytesPerSample);
    const offset = this.#dataOffset + startRow * this.widthPx * this.#bytesPerSample;
    await this.#file.seek(offset, Deno.SeekMode.Start);
    await readExactly(this.#file, bytes, this.path);
    decodeInto(new DataView(bytes.buffer), this.bitpix, samples, this.#bzero, this.#bscale, out);
  }

  close(): void {
    this.#file.close();
  }
}

function decodeInto(
  view: DataView,
  bitpix: number,
  n: number,
  bzero: number,
  bscale: number,
  out: Float32Array,
): void {
  switch (bitpix) {
    case 8:
      for (let i = 0; i < n; i++) out[i] = bzero + bscale * view.getUint8(i);
      break;
    case 16:
      for (let i = 0; i < n; i++) out[i] = bzero + bscale * view.getInt16(i * 2);
      break;
    case 32:
      for (let i = 0; i < n; i++) out[i] = bzero + bscale * view.getInt32(i * 4);
      break;
    case -32:
      for (let i = 0; i < n; i++) out[i] = bzero + bscale * view.getFloat32(i * 4);
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = bzero + bscale * view.getFloat64(i * 8);
  }
}

async function readExactly(file: Deno.FsFile, into: Uint8Array, path: string): Promise<void> {
  for (let got = 0; got < into.length;) {
    const n = await file.read(into.subarray(got));
    if (n === null) throw new Error(`${path}: FITS file ends early`);
    got += n;
  }
}

function intKey(header: Map<string, FitsValue>, key: string, path: string): number {
  const value = header.get(key);
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new Error(`${path}: FITS ${key} is missing or not an integer (${JSON.stringify(value)})`);
  }
  return value;
}

function numberKey(
  header: Map<string, FitsValue>,
  key: string,
  fallback: number,
  path: string,
): number {
  const value = header.get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number") throw new Error(`${path}: FITS ${key} is not a number`);
  return value;
}
