/**
 * Just enough of FITS binary tables (Standard 4.0 §7.3) to read tile-compressed images: column
 * layout from TFORMn, fixed-width numeric cells, and variable-length arrays (P and Q
 * descriptors) in the heap. Every descriptor is checked against the heap before it is followed,
 * so a corrupt table gives an error naming the row and column instead of reading out of bounds.
 */
import type { FitsHdu } from "./hdu.ts";
import { intKey, stringKey } from "./hdu.ts";

interface Column {
  name: string;
  /** Byte offset within a row. */
  offset: number;
  repeat: number;
  type: string;
  /** For P/Q columns: the element type in the heap. */
  heapType: string | null;
}

const TYPE_BYTES: Record<string, number> = {
  L: 1,
  B: 1,
  A: 1,
  I: 2,
  J: 4,
  K: 8,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
  P: 8,
  Q: 16,
};

export interface BinaryTable {
  rows: number;
  /** A variable-length byte array cell (1PB/1QB); null when the column does not exist. */
  bytes(name: string, row: number): Uint8Array | null;
  /** A numeric cell as numbers (fixed or variable length); null when the column does not exist. */
  numbers(name: string, row: number): Float64Array | null;
  /** The first number of a numeric cell; null when the column does not exist. */
  number(name: string, row: number): number | null;
}

function parseColumns(hdu: FitsHdu, rowBytes: number): Map<string, Column> {
  const fields = intKey(hdu.header, "TFIELDS");
  if (fields < 0 || fields > 999) throw new Error(`FITS TFIELDS ${fields} is out of range`);
  const columns = new Map<string, Column>();
  let offset = 0;
  for (let i = 1; i <= fields; i++) {
    const form = stringKey(hdu.header, `TFORM${i}`) ?? "";
    const match = /^(\d*)([LXBIJKAEDCMPQ])([A-Z]?)(\(\d+\))?$/.exec(form.toUpperCase());
    if (!match) throw new Error(`FITS TFORM${i} ${JSON.stringify(form)} is not understood`);
    const repeat = match[1] === "" ? 1 : Number(match[1]);
    const type = match[2]!;
    const isArray = type === "P" || type === "Q";
    const width = type === "X" ? Math.ceil(repeat / 8) : repeat * TYPE_BYTES[type]!;
    const name = (stringKey(hdu.header, `TTYPE${i}`) ?? `COL${i}`).toUpperCase();
    columns.set(name, { name, offset, repeat, type, heapType: isArray ? match[3] || "B" : null });
    offset += width;
  }
  if (offset !== rowBytes) {
    throw new Error(`FITS table columns take ${offset} bytes but NAXIS1 is ${rowBytes}`);
  }
  return columns;
}

function readNumbers(view: DataView, at: number, type: string, count: number): Float64Array {
  const out = new Float64Array(count);
  const size = TYPE_BYTES[type];
  if (size === undefined || type === "C" || type === "M" || type === "P" || type === "Q") {
    throw new Error(`FITS column type ${type} is not numeric`);
  }
  for (let i = 0; i < count; i++) {
    const o = at + i * size;
    out[i] = type === "B" || type === "L" || type === "A"
      ? view.getUint8(o)
      : type === "I"
      ? view.getInt16(o)
      : type === "J"
      ? view.getInt32(o)
      : type === "K"
      ? Number(view.getBigInt64(o))
      : type === "E"
      ? view.getFloat32(o)
      : view.getFloat64(o);
  }
  return out;
}

export function readBinaryTable(bytes: Uint8Array, hdu: FitsHdu): BinaryTable {
  const rowBytes = intKey(hdu.header, "NAXIS1");
  const rows = intKey(hdu.header, "NAXIS2");
  const tableBytes = rowBytes * rows;
  const heapStart = intKey(hdu.header, "THEAP", tableBytes);
  if (hdu.dataOffset + hdu.dataBytes > bytes.length) {
    throw new Error(
      `FITS data is truncated: need ${
        hdu.dataOffset + hdu.dataBytes
      } bytes, file has ${bytes.length}`,
    );
  }
  if (heapStart < tableBytes || heapStart > hdu.dataBytes) {
    throw new Error(`FITS THEAP ${heapStart} lies outside the data unit`);
  }
  const columns = parseColumns(hdu, rowBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset + hdu.dataOffset, hdu.dataBytes);
  const cell = (name: string, row: number): { column: Column; at: number } | null => {
    const column = columns.get(name);
    if (!column) return null;
    if (!(row >= 0 && row < rows)) throw new RangeError(`table row ${row} is out of range`);
    return { column, at: row * rowBytes + column.offset };
  };
  /** Offset and element count of a variable-length cell, checked against the heap. */
  const descriptor = (column: Column, at: number, row: number) => {
    const count = column.type === "P" ? view.getInt32(at) : Number(view.getBigInt64(at));
    const offset = column.type === "P" ? view.getInt32(at + 4) : Number(view.getBigInt64(at + 8));
    const size = TYPE_BYTES[column.heapType!] ?? 1;
    const start = heapStart + offset;
    if (count < 0 || offset < 0 || start + count * size > hdu.dataBytes) {
      throw new Error(
        `FITS row ${
          row + 1
        } column ${column.name}: array of ${count} at heap offset ${offset} lies outside the heap`,
      );
    }
    return { start, count };
  };
  return {
    rows,
    bytes(name, row) {
      const c = cell(name, row);
      if (!c) return null;
      if (c.column.heapType === null) return null;
      const { start, count } = descriptor(c.column, c.at, row);
      const size = TYPE_BYTES[c.column.heapType] ?? 1;
      return new Uint8Array(view.buffer, view.byteOffset + start, count * size);
    },
    numbers(name, row) {
      const c = cell(name, row);
      if (!c) return null;
      if (c.column.heapType === null) {
        return readNumbers(view, c.at, c.column.type, c.column.repeat);
      }
      const { start, count } = descriptor(c.column, c.at, row);
      return readNumbers(view, start, c.column.heapType, count);
    },
    number(name, row) {
      const values = this.numbers(name, row);
      return values === null || values.length === 0 ? null : values[0]!;
    },
  };
}
