/**
 * Digests for verifying uploads: the whole file's SHA-256 (stored as object metadata and in the
 * sidecar: the identity of the bytes) and MD5 (what a store's ETag is for a single PUT, and for a
 * multipart upload on s3rver), each part's MD5 (sent as Content-MD5, and from which S3 computes a
 * multipart ETag: MD5 of the parts' binary MD5s, then "-" and the part count). Files are read in
 * 1 MiB chunks, so hashing a 60 MB frame never holds it in memory. Each function reads a path or
 * a file already open: an upload digests and sends from one open file, so a rewrite renamed over
 * the path meanwhile cannot mix two versions in what it sends. A file's stamp (size, modification
 * time, inode) says whether digests taken earlier still describe it, without reading it again.
 */
import { createHash } from "node:crypto";

export interface FileDigests {
  bytes: number;
  sha256: string;
  md5: string;
}

const CHUNK = 1 << 20;

/** A file (a path, or a file open for reading: read from its start). */
export type FileSource = string | Deno.FsFile;

export async function digestFile(source: FileSource, signal?: AbortSignal): Promise<FileDigests> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  let bytes = 0;
  using opened = typeof source === "string" ? await Deno.open(source, { read: true }) : null;
  const file = opened ?? source as Deno.FsFile;
  await file.seek(0, Deno.SeekMode.Start);
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

/**
 * What identifies the file's content without reading it: size, modification time and inode. A
 * durable rewrite (a new file renamed over the old) changes the inode even within the same
 * millisecond and at the same size; an edit in place changes the modification time.
 */
export function fileStamp(info: Deno.FileInfo): string {
  return `${info.size}:${info.mtime?.getTime() ?? "?"}:${info.ino ?? "?"}`;
}

/** `length` bytes of the file from `offset` (fewer only at its end). */
export async function readRange(
  source: FileSource,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  using opened = typeof source === "string" ? await Deno.open(source, { read: true }) : null;
  const file = opened ?? source as Deno.FsFile;
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
export async function partMd5s(
  source: FileSource,
  size: number,
  partBytes: number,
): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; offset < size; offset += partBytes) {
    out.push(md5Of(await readRange(source, offset, Math.min(partBytes, size - offset))).hex);
  }
  return out;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
