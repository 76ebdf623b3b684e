/**
 * The on-disk cache of the packed star arrays, so a restart loads the catalog in tens of
 * milliseconds instead of re-reading 80 MB of index files. Layout: an 8-byte magic, a u32 header
 * length, a JSON header (format version, byte order, star count, the source files' names, sizes
 * and mtimes, a checksum of the arrays), padding to 8 bytes, then zoneStart, raUnits, decUnits
 * and magMilli in this machine's byte order. Decoding trusts nothing: any mismatch (other
 * sources, other version, wrong length, bad checksum, inconsistent zones) is reported as a reason
 * string so the caller rebuilds. Writing goes temp → fsync → rename, so a crash leaves either the
 * old file or the new one.
 */
import { writeFitsFileDurably } from "../durable_write.ts";
import { type PackedStars, ZONE_COUNT, ZONE_HEIGHT_DEG } from "./packed.ts";

export const CACHE_FORMAT_VERSION = 1;
export const CACHE_FILE_NAME = "tycho2-stars.v1.bin";
const MAGIC = new TextEncoder().encode("OSLTYC2\n");
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An index file the cache was built from; any change to one makes the cache stale. */
export interface SourceFile {
  name: string;
  sizeBytes: number;
  mtimeMs: number;
}

interface CacheHeader {
  formatVersion: number;
  littleEndian: boolean;
  zoneHeightDeg: number;
  starCount: number;
  sources: SourceFile[];
  checksum: number;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** FNV-1a over 32-bit words (zero-padded): cheap enough to check 15 MB on every load. */
function checksumOf(arrays: ArrayBufferView[]): number {
  let hash = 0x811c9dc5;
  for (const array of arrays) {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const whole = bytes.byteLength >>> 2;
    const words = array.byteOffset % 4 === 0
      ? new Uint32Array(bytes.buffer, bytes.byteOffset, whole)
      : new Uint32Array(bytes.slice(0, whole * 4).buffer);
    for (let i = 0; i < whole; i++) hash = Math.imul(hash ^ words[i]!, 0x01000193);
    for (let i = whole * 4; i < bytes.byteLength; i++) {
      hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    }
  }
  return hash >>> 0;
}

function sectionSizes(starCount: number): number[] {
  return [(ZONE_COUNT + 1) * 4, starCount * 4, starCount * 4, starCount * 2];
}

/** The cache file's bytes as chunks (the arrays are written as they are, not copied). */
export function encodeCache(stars: PackedStars, sources: SourceFile[]): Uint8Array[] {
  const arrays = [stars.zoneStart, stars.raUnits, stars.decUnits, stars.magMilli];
  const header: CacheHeader = {
    formatVersion: CACHE_FORMAT_VERSION,
    littleEndian: LITTLE_ENDIAN,
    zoneHeightDeg: ZONE_HEIGHT_DEG,
    starCount: stars.raUnits.length,
    sources,
    checksum: checksumOf(arrays),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const preamble = new Uint8Array(align8(MAGIC.length + 4 + json.length));
  preamble.set(MAGIC, 0);
  new DataView(preamble.buffer).setUint32(MAGIC.length, json.length, true);
  preamble.set(json, MAGIC.length + 4);
  return [preamble, ...arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength))];
}

export async function writeCache(
  path: string,
  stars: PackedStars,
  sources: SourceFile[],
): Promise<void> {
  await writeFitsFileDurably(path, encodeCache(stars, sources));
}

function sameSources(a: SourceFile[], b: SourceFile[]): boolean {
  return a.length === b.length &&
    a.every((s, i) =>
      s.name === b[i]?.name && s.sizeBytes === b[i]?.sizeBytes && s.mtimeMs === b[i]?.mtimeMs
    );
}

/**
 * The packed stars from a cache file's bytes, or the reason they cannot be used. The returned
 * arrays are views on `bytes` (on a copy if `bytes` is not 8-byte aligned in its buffer).
 */
export function decodeCache(
  bytes: Uint8Array,
  sources: SourceFile[],
): { stars: PackedStars } | { reason: string } {
  if (bytes.length < MAGIC.length + 4 || !MAGIC.every((b, i) => bytes[i] === b)) {
    return { reason: "not a sky catalog cache (bad magic)" };
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + jsonLength > bytes.length) return { reason: "header is truncated" };
  let header: CacheHeader;
  try {
    const text = new TextDecoder("utf-8", { fatal: true })
      .decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength));
    header = JSON.parse(text) as CacheHeader;
  } catch (err) {
    return { reason: `header is not JSON: ${(err as Error).message}` };
  }
  if (header.formatVersion !== CACHE_FORMAT_VERSION) {
    return { reason: `format version ${header.formatVersion}, want ${CACHE_FORMAT_VERSION}` };
  }
  if (header.littleEndian !== LITTLE_ENDIAN || header.zoneHeightDeg !== ZONE_HEIGHT_DEG) {
    return { reason: "written for another byte order or zone height" };
  }
  if (!Array.isArray(header.sources) || !sameSources(header.sources, sources)) {
    return { reason: "the index files changed since it was written" };
  }
  const count = header.starCount;
  if (!Number.isSafeInteger(count) || count < 0) {
    return { reason: `star count ${count} is invalid` };
  }
  const sizes = sectionSizes(count);
  const start = align8(MAGIC.length + 4 + jsonLength);
  const expected = start + sizes.reduce((a, b) => a + b, 0);
  if (bytes.length !== expected) {
    return { reason: `is ${bytes.length} bytes, expected ${expected} (truncated or padded)` };
  }
  // Typed-array views need aligned offsets; a fresh readFile buffer starts at 0 already.
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const base = bytes.byteOffset + start;
  const zoneStart = new Uint32Array(bytes.buffer, base, ZONE_COUNT + 1);
  const raUnits = new Uint32Array(bytes.buffer, base + sizes[0]!, count);
  const decUnits = new Int32Array(bytes.buffer, base + sizes[0]! + sizes[1]!, count);
  const magMilli = new Int16Array(bytes.buffer, base + sizes[0]! + sizes[1]! + sizes[2]!, count);
  if (checksumOf([zoneStart, raUnits, decUnits, magMilli]) !== header.checksum) {
    return { reason: "checksum mismatch (corrupt)" };
  }
  // A checksum can be right for arrays a buggy writer got wrong; zones must at least nest.
  if (zoneStart[0] !== 0 || zoneStart[ZONE_COUNT] !== count) {
    return { reason: "zone table does not span the stars" };
  }
  for (let z = 0; z < ZONE_COUNT; z++) {
    if (zoneStart[z]! > zoneStart[z + 1]!) return { reason: `zone ${z} ends before it starts` };
  }
  return { stars: { raUnits, decUnits, magMilli, zoneStart } };
}
