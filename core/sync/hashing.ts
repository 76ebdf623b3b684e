/**
 * Digests for verifying uploads: the whole file's SHA-256 (stored as object metadata and in the
 * sidecar: the identity of the bytes) and MD5 (what a store's ETag is for a single PUT, and for a
 * multipart upload on s3rver), each part's MD5 (sent as Content-MD5, and from which S3 computes a
 * multipart ETag: MD5 of the parts' binary MD5s, then "-" and the part count). Files are read in
 * 1 MiB chunks, so hashing a 60 MB frame never holds it in memory.
 */
import { createHash } from "node:crypto";

export interface FileDigests {
  bytes: number;
  sha256: string;
  md5: string;
}

const CHUNK = 1 << 20;

export async function digestFile(path: string, signal?: AbortSignal): Promise<FileDigests> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  let bytes = 0;
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(CHUNK);
  while (true) {
    signal?.throwIfAborted();
    const n = await file.read(buffer);
    if (n === null) break;
    const chunk = buffer.subarray(0, n);
    sha.update(chunk);
    md5.update(chunk);
    bytes += n;
  }
  return { bytes, sha256: sha.digest("hex"), md5: md5.digest("hex") };
}

/** `length` bytes of the file from `offset` (fewer only at its end). */
export async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  using file = await Deno.open(path, { read: true });
  await file.seek(offset, Deno.SeekMode.Start);
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(out.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return filled === length ? out : out.subarray(0, filled);
}

export function md5Of(bytes: Uint8Array): { hex: string; base64: string } {
  const digest = createHash("md5").update(bytes).digest();
  return { hex: digest.toString("hex"), base64: digest.toString("base64") };
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** S3's multipart ETag for parts with these MD5s (hex). */
export function multipartEtag(partMd5Hex: readonly string[]): string {
  const hash = createHash("md5");
  for (const hex of partMd5Hex) hash.update(hexToBytes(hex));
  return `${hash.digest("hex")}-${partMd5Hex.length}`;
}

/** MD5s of the file's parts of `partBytes` each. */
export async function partMd5s(path: string, size: number, partBytes: number): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; offset < size; offset += partBytes) {
    out.push(md5Of(await readRange(path, offset, Math.min(partBytes, size - offset))).hex);
  }
  return out;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
