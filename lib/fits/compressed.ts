/**
 * Tile-compressed images (FITS Standard 4.0 §10, the `.fits.fz` files fpack and INDI cameras
 * write): a BINTABLE with ZIMAGE = T whose rows are the image's tiles, each tile's compressed
 * bytes a variable-length array (1PB/1QB) in the heap. Decodes RICE_1, GZIP_1 and GZIP_2 tiles,
 * tiles stored raw in GZIP_COMPRESSED_DATA or UNCOMPRESSED_DATA when compression did not pay,
 * and floating-point images quantised to integers with per-tile ZSCALE/ZZERO, with or without
 * subtractive dithering. The result is the image's data unit as an uncompressed file would hold
 * it (big-endian, ZBITPIX), so the ordinary reader applies BZERO/BSCALE the same way.
 */
import { gunzipSync } from "fflate";
import type { FitsCard, FitsValue } from "./header.ts";
import { BITPIX_BYTES, type FitsHdu, intKey, stringKey } from "./hdu.ts";
import { riceDecode } from "./rice.ts";
import { type BinaryTable, readBinaryTable } from "./table.ts";
import { ditherRandoms } from "./dither.ts";

export interface DecompressedImage {
  /** The image header as funpack would write it: SIMPLE/BITPIX/NAXISn from the Z keywords. */
  cards: FitsCard[];
  header: Map<string, FitsValue>;
  bitpix: number;
  axes: number[];
  /** Big-endian data in `bitpix` format, as an uncompressed data unit holds it. */
  data: Uint8Array;
  compression: string;
}

/** Table and compression keywords that describe the container, not the image. */
const CONTAINER_KEY =
  /^(XTENSION|BITPIX|NAXIS\d*|PCOUNT|GCOUNT|TFIELDS|T(TYPE|FORM|UNIT|DIM|NULL|SCAL|ZERO|DISP)\d+|THEAP|ZIMAGE|ZTILE\d+|ZCMPTYPE|ZNAME\d+|ZVAL\d+|ZQUANTIZ|ZDITHER0|ZBITPIX|ZNAXIS\d*|ZSIMPLE|ZEXTEND|ZTENSION|ZPCOUNT|ZGCOUNT|ZBLOCKED|ZHECKSUM|ZDATASUM|ZBLANK|CHECKSUM|DATASUM)$/;
const NULL_VALUE = -2147483647;
const ZERO_VALUE = -2147483646;
/**
 * A compressed file can claim any size in a few bytes, and the image is allocated before its
 * tiles are read: 2^28 samples (268 megapixels) is beyond any sensor and still affordable.
 */
const MAX_SAMPLES = 1 << 28;

export function isCompressedImage(hdu: FitsHdu): boolean {
  return hdu.kind === "BINTABLE" && hdu.header.get("ZIMAGE") === true;
}

function imageCards(hdu: FitsHdu, bitpix: number, axes: number[]): FitsCard[] {
  const own: FitsCard[] = [
    { key: "SIMPLE", value: true },
    { key: "BITPIX", value: bitpix },
    { key: "NAXIS", value: axes.length },
    ...axes.map((n, i) => ({ key: `NAXIS${i + 1}`, value: n })),
  ];
  const rest = hdu.cards.filter((card) =>
    !CONTAINER_KEY.test(card.key) &&
    !(card.key === "EXTNAME" && card.value === "COMPRESSED_IMAGE")
  );
  return [...own, ...rest];
}

/** ZNAMEi/ZVALi parameters of the compression algorithm, by name. */
function parameters(header: Map<string, FitsValue>): Map<string, FitsValue> {
  const out = new Map<string, FitsValue>();
  for (let i = 1; header.has(`ZNAME${i}`); i++) {
    const name = stringKey(header, `ZNAME${i}`);
    if (name) out.set(name.toUpperCase(), header.get(`ZVAL${i}`) ?? null);
  }
  return out;
}

/** Decompresses a ZIMAGE BINTABLE HDU of `bytes`. Throws Error naming the tile that is bad. */
export function decompressImage(bytes: Uint8Array, hdu: FitsHdu): DecompressedImage {
  const h = hdu.header;
  const bitpix = intKey(h, "ZBITPIX");
  const bytesPerSample = BITPIX_BYTES.get(bitpix);
  if (bytesPerSample === undefined || bitpix === 64) {
    throw new Error(`FITS ZBITPIX ${bitpix} is not supported`);
  }
  const naxis = intKey(h, "ZNAXIS");
  if (naxis < 1 || naxis > 3) throw new Error(`FITS ZNAXIS ${naxis} is not an image of 1–3 axes`);
  const axes = Array.from({ length: naxis }, (_, i) => intKey(h, `ZNAXIS${i + 1}`));
  const tile = axes.map((n, i) => intKey(h, `ZTILE${i + 1}`, i === 0 ? n : 1));
  if (axes.some((n) => n < 1) || tile.some((n) => n < 1)) {
    throw new Error(
      `FITS compressed axes ${axes.join("×")} / tiles ${tile.join("×")} must be positive`,
    );
  }
  const samples = axes.reduce((p, n) => p * n, 1);
  if (samples > MAX_SAMPLES) throw new Error(`FITS image of ${samples} samples is too large`);
  // cfitsio writes RICE_ONE for SUBTRACTIVE_DITHER_2, so readers unaware of it refuse the file.
  const named = stringKey(h, "ZCMPTYPE") ?? "";
  const compression = named === "RICE_ONE" ? "RICE_1" : named;
  if (!["RICE_1", "GZIP_1", "GZIP_2", "NOCOMPRESS"].includes(compression)) {
    throw new Error(`FITS compression ${JSON.stringify(compression)} is not supported`);
  }
  const table = readBinaryTable(bytes, hdu);
  const tilesPerAxis = axes.map((n, i) => Math.ceil(n / tile[i]!));
  const tiles = tilesPerAxis.reduce((p, n) => p * n, 1);
  if (table.rows !== tiles) {
    throw new Error(`FITS compressed image has ${table.rows} rows for ${tiles} tiles`);
  }
  const params = parameters(h);
  const ctx: TileContext = {
    table,
    compression,
    bitpix,
    blockSize: Number(params.get("BLOCKSIZE") ?? 32),
    bytePix: Number(params.get("BYTEPIX") ?? (bitpix > 0 ? bytesPerSample : 4)),
    quantize: (stringKey(h, "ZQUANTIZ") ?? "NO_DITHER").toUpperCase(),
    ditherSeed: intKey(h, "ZDITHER0", 1),
    zblank: h.has("ZBLANK") ? intKey(h, "ZBLANK") : null,
    zscale: typeof h.get("ZSCALE") === "number" ? h.get("ZSCALE") as number : null,
    zzero: typeof h.get("ZZERO") === "number" ? h.get("ZZERO") as number : null,
  };
  const data = new Uint8Array(samples * bytesPerSample);
  const out = new DataView(data.buffer);
  const [w = 1, hgt = 1] = axes;
  for (let t = 0; t < tiles; t++) {
    const tx = t % tilesPerAxis[0]!;
    const ty = Math.floor(t / tilesPerAxis[0]!) % (tilesPerAxis[1] ?? 1);
    const tz = Math.floor(t / (tilesPerAxis[0]! * (tilesPerAxis[1] ?? 1)));
    const x0 = tx * tile[0]!;
    const y0 = ty * (tile[1] ?? 1);
    const z0 = tz * (tile[2] ?? 1);
    const tw = Math.min(tile[0]!, w - x0);
    const th = Math.min(tile[1] ?? 1, hgt - y0);
    const td = Math.min(tile[2] ?? 1, (axes[2] ?? 1) - z0);
    let values: Float64Array | ArrayLike<number>;
    try {
      values = decodeTile(ctx, t, tw * th * td);
    } catch (err) {
      throw new Error(`FITS compressed tile ${t + 1} of ${tiles}: ${(err as Error).message}`);
    }
    let k = 0;
    for (let z = 0; z < td; z++) {
      for (let y = 0; y < th; y++) {
        let index = ((z0 + z) * hgt + y0 + y) * w + x0;
        for (let x = 0; x < tw; x++) writeSample(out, bitpix, index++, values[k++]!);
      }
    }
  }
  const cards = imageCards(hdu, bitpix, axes);
  const header = new Map<string, FitsValue>();
  for (const card of cards) if (!header.has(card.key)) header.set(card.key, card.value);
  return { cards, header, bitpix, axes, data, compression };
}

function writeSample(out: DataView, bitpix: number, index: number, value: number): void {
  switch (bitpix) {
    case 8:
      return out.setUint8(index, value);
    case 16:
      return out.setInt16(index * 2, value);
    case 32:
      return out.setInt32(index * 4, value);
    case -32:
      return out.setFloat32(index * 4, value);
    default:
      return out.setFloat64(index * 8, value);
  }
}

interface TileContext {
  table: BinaryTable;
  compression: string;
  bitpix: number;
  blockSize: number;
  bytePix: number;
  quantize: string;
  ditherSeed: number;
  zblank: number | null;
  /** Image-wide ZSCALE/ZZERO keywords, used when the table has no such columns. */
  zscale: number | null;
  zzero: number | null;
}

/** One tile's pixel values: stored integers, or physical floats for a quantised float image. */
function decodeTile(ctx: TileContext, row: number, count: number): ArrayLike<number> {
  const { table } = ctx;
  const compressed = table.bytes("COMPRESSED_DATA", row);
  if (compressed === null || compressed.length === 0) {
    // Compression did not pay for this tile: the writer kept it lossless in another column.
    const gzipped = table.bytes("GZIP_COMPRESSED_DATA", row);
    if (gzipped !== null && gzipped.length > 0) {
      return bigEndianValues(gunzipSync(gzipped), ctx.bitpix, count);
    }
    const raw = table.numbers("UNCOMPRESSED_DATA", row);
    if (raw !== null && raw.length === count) return raw;
    throw new Error("has no compressed data");
  }
  const scale = table.number("ZSCALE", row) ?? ctx.zscale;
  const zero = table.number("ZZERO", row) ?? ctx.zzero;
  if (ctx.bitpix < 0 && scale === null) {
    // A float image compressed losslessly (GZIP): the tile holds the floats themselves.
    return decodeValues(ctx, compressed, count, ctx.bitpix);
  }
  const ints = decodeValues(ctx, compressed, count, ctx.bitpix > 0 ? ctx.bitpix : 32);
  if (ctx.bitpix > 0) return ints;
  if (zero === null) throw new Error("quantised float tile has ZSCALE but no ZZERO");
  const blank = table.number("ZBLANK", row) ?? ctx.zblank;
  return dequantize(ints, scale!, zero, blank, ctx, row);
}

/** A tile's values in `bitpix` format (integers for RICE, integers or floats for GZIP). */
function decodeValues(
  ctx: TileContext,
  compressed: Uint8Array,
  count: number,
  bitpix: number,
): ArrayLike<number> {
  switch (ctx.compression) {
    case "RICE_1":
      if (bitpix < 0) throw new Error("RICE_1 cannot hold unquantised floats");
      return riceDecode(compressed, count, ctx.bytePix, ctx.blockSize);
    case "GZIP_1":
      return bigEndianValues(gunzipSync(compressed), bitpix, count);
    case "GZIP_2":
      return bigEndianValues(
        unshuffle(gunzipSync(compressed), BITPIX_BYTES.get(bitpix)!),
        bitpix,
        count,
      );
    default:
      return bigEndianValues(compressed, bitpix, count);
  }
}

/** GZIP_2 stores all most significant bytes first, then the next, …; put them back together. */
function unshuffle(bytes: Uint8Array, size: number): Uint8Array {
  const n = Math.floor(bytes.length / size);
  const out = new Uint8Array(n * size);
  for (let b = 0; b < size; b++) {
    for (let i = 0; i < n; i++) out[i * size + b] = bytes[b * n + i]!;
  }
  return out;
}

function bigEndianValues(bytes: Uint8Array, bitpix: number, count: number): Float64Array {
  const size = BITPIX_BYTES.get(bitpix)!;
  if (bytes.length < count * size) {
    throw new Error(`holds ${bytes.length} bytes, ${count} pixels need ${count * size}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = bitpix === 8
      ? view.getUint8(i)
      : bitpix === 16
      ? view.getInt16(i * 2)
      : bitpix === 32
      ? view.getInt32(i * 4)
      : bitpix === -32
      ? view.getFloat32(i * 4)
      : view.getFloat64(i * 8);
  }
  return out;
}

/**
 * Quantised integers back to floats (§10.2): value = (i − r + 0.5) × ZSCALE + ZZERO with
 * subtractive dithering, where r walks the standard's table of 10 000 uniform randoms from a
 * start that depends on the tile and ZDITHER0; i × ZSCALE + ZZERO without. Blank pixels become
 * NaN, and under SUBTRACTIVE_DITHER_2 the reserved zero code is an exact 0.
 */
function dequantize(
  ints: ArrayLike<number>,
  scale: number,
  zero: number,
  blank: number | null,
  ctx: TileContext,
  row: number,
): Float64Array {
  const out = new Float64Array(ints.length);
  const dither = ctx.quantize.startsWith("SUBTRACTIVE_DITHER");
  if (!dither) {
    for (let i = 0; i < ints.length; i++) {
      const v = ints[i]!;
      out[i] = v === blank ? NaN : v * scale + zero;
    }
    return out;
  }
  const randoms = ditherRandoms();
  const n = randoms.length;
  let seed = (row + ctx.ditherSeed - 1) % n;
  let next = Math.floor(randoms[seed]! * 500);
  const zeroCode = ctx.quantize === "SUBTRACTIVE_DITHER_2";
  for (let i = 0; i < ints.length; i++) {
    const v = ints[i]!;
    if (v === blank || (blank === null && v === NULL_VALUE)) out[i] = NaN;
    else if (zeroCode && v === ZERO_VALUE) out[i] = 0;
    else out[i] = (v - randoms[next]! + 0.5) * scale + zero;
    if (++next === n) {
      seed = (seed + 1) % n;
      next = Math.floor(randoms[seed]! * 500);
    }
  }
  return out;
}
