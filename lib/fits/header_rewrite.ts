/**
 * Changing the primary header of a FITS file on disk without touching anything after it: the
 * header's 80-character records are read as they are, the caller decides which to drop and which
 * to add before END, and the file is written anew — the new header padded to whole 2880-byte
 * blocks (it may grow by a block or more), then every byte after the old header (the data unit and
 * any extensions) streamed across unchanged — to a temporary file that is fsynced and renamed over
 * the original. A power cut at any instant leaves the old file or the new one, never half of each.
 */
import { writeFitsFileDurably } from "../durable_write.ts";
import { BLOCK_BYTES, CARD_CHARS, CARDS_PER_BLOCK, type FitsCard, formatCard } from "./header.ts";

/** More header than any frame carries: a corrupt file must not make us read it all. */
const MAX_HEADER_BLOCKS = 256;
const COPY_CHUNK_BYTES = 1 << 20;

export interface HeaderEdit {
  /** Keep this record (80 characters, as stored)? END is not offered. */
  keep(record: string): boolean;
  /** Cards to append after the kept records, before END. */
  add: FitsCard[];
}

/** The primary header's records up to (not including) END, and the bytes the header takes. */
export async function readPrimaryRecords(
  path: string,
): Promise<{ records: string[]; headerBytes: number }> {
  using file = await Deno.open(path, { read: true });
  const records: string[] = [];
  const block = new Uint8Array(BLOCK_BYTES);
  for (let blocks = 1; blocks <= MAX_HEADER_BLOCKS; blocks++) {
    await readExactly(file, block, path);
    for (let i = 0; i < CARDS_PER_BLOCK; i++) {
      const raw = block.subarray(i * CARD_CHARS, (i + 1) * CARD_CHARS);
      if (raw.some((b) => b < 0x20 || b > 0x7e)) {
        throw new Error(`${path}: FITS header record ${records.length + 1} is not ASCII`);
      }
      const record = String.fromCharCode(...raw);
      if (records.length === 0 && !record.startsWith("SIMPLE  =")) {
        throw new Error(`${path} is not a FITS file (no SIMPLE card)`);
      }
      if (record.slice(0, 8) === "END     ") return { records, headerBytes: blocks * BLOCK_BYTES };
      records.push(record);
    }
  }
  throw new Error(`${path}: no END within ${MAX_HEADER_BLOCKS} header blocks`);
}

/**
 * Rewrites the primary header of `path` as `edit` says, durably, leaving every byte after the
 * header as it was. Resolves with the file's new size.
 */
export async function rewritePrimaryHeader(path: string, edit: HeaderEdit): Promise<number> {
  const { records, headerBytes } = await readPrimaryRecords(path);
  const kept = records.filter((record) => edit.keep(record));
  if (kept[0]?.startsWith("SIMPLE  =") !== true) {
    throw new RangeError("a header edit must keep the SIMPLE card first");
  }
  const header = encodeRecords([...kept, ...edit.add.flatMap(formatCard)]);
  const { size } = await Deno.stat(path);
  await writeFitsFileDurably(path, concat(header, rest(path, headerBytes)));
  return size - headerBytes + header.length;
}

function encodeRecords(records: string[]): Uint8Array {
  const all = [...records, "END".padEnd(CARD_CHARS)];
  const bytes = new Uint8Array(Math.ceil(all.length / CARDS_PER_BLOCK) * BLOCK_BYTES).fill(0x20);
  all.forEach((record, i) => {
    for (let c = 0; c < CARD_CHARS; c++) bytes[i * CARD_CHARS + c] = record.charCodeAt(c);
  });
  return bytes;
}

async function* concat(first: Uint8Array, then: AsyncIterable<Uint8Array>) {
  yield first;
  yield* then;
}

/** Every byte of `path` from `offset` on, in chunks. */
async function* rest(path: string, offset: number): AsyncGenerator<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  await file.seek(offset, Deno.SeekMode.Start);
  while (true) {
    const chunk = new Uint8Array(COPY_CHUNK_BYTES);
    const n = await file.read(chunk);
    if (n === null) return;
    yield chunk.subarray(0, n);
  }
}

async function readExactly(file: Deno.FsFile, into: Uint8Array, path: string): Promise<void> {
  let filled = 0;
  while (filled < into.length) {
    const n = await file.read(into.subarray(filled));
    if (n === null) throw new Error(`${path}: the FITS header ends before its END card`);
    filled += n;
  }
}
