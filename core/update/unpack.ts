/**
 * A release tarball onto disk, verified as it streams in rather than after: a release's MANIFEST
 * and MANIFEST.sig are its first two files (tools/RELEASE.md), so the signature is checked against
 * the trusted key before anything else is written, and then every file is hashed on its way to
 * disk and compared with the MANIFEST the moment it ends. A release signed by another key is
 * refused after a few kilobytes, a changed file as soon as it has arrived, a file the MANIFEST
 * does not name before it is written; links, devices and paths leaving the release folder are
 * refused outright, and the whole is bounded (an xz bomb stops at `maxBytes`).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  MANIFEST_FILE,
  parseManifest,
  SIGNATURE_FILE,
  verifyEd25519,
} from "../system/release_format.ts";
import { readTar, type TarEntry, TarFormatError } from "./tar_reader.ts";

/** Why a tarball is not a good release (the caller turns it into a 400). */
export class UnpackError extends Error {
  override name = "UnpackError";
}

const MAX_MANIFEST_BYTES = 1024 * 1024;
const SIGNATURE_BYTES = 64;

/**
 * Unpacks the release tar `stream` into `dest`, verified against `spki`; returns the name of its
 * one top folder. Throws UnpackError at the first problem (what was written stays: the caller
 * removes `dest`), with the stream cancelled: a refusal after the end block (a missing file)
 * leaves nothing open behind it either. On success the padding after the end block is the
 * caller's.
 */
export async function unpackVerified(
  stream: ReadableStream<Uint8Array>,
  dest: string,
  spki: Uint8Array,
  o: { maxBytes: number },
): Promise<string> {
  try {
    return await unpackEntries(stream, dest, spki, o);
  } catch (err) {
    // Already cancelled (and still locked) when the tar reader met the problem: nothing to do.
    await stream.cancel().catch(() => {});
    throw err;
  }
}

async function unpackEntries(
  stream: ReadableStream<Uint8Array>,
  dest: string,
  spki: Uint8Array,
  o: { maxBytes: number },
): Promise<string> {
  let top: string | null = null;
  let manifest: Uint8Array | null = null;
  let listed: Map<string, string> | null = null;
  const seen = new Set<string>();
  const made = new Set<string>();
  let totalBytes = 0;
  const mkdir = async (dir: string) => {
    if (made.has(dir)) return;
    await Deno.mkdir(dir, { recursive: true });
    made.add(dir);
  };
  try {
    for await (const entry of readTar(stream)) {
      const parts = entry.path.replace(/\/+$/, "").split("/");
      if (entry.path.startsWith("/") || parts.some((p) => p === "" || p === "." || p === "..")) {
        throw new UnpackError(`${entry.path} is a path outside the release folder`);
      }
      const [first, ...rest] = parts as [string, ...string[]];
      top ??= first;
      if (first !== top) throw new UnpackError("the tarball is not one release folder");
      const rel = rest.join("/");
      if (entry.type === "dir") {
        if (rel !== "" && listed === null) throw firstFilesError(rel);
        await mkdir(join(dest, top, rel));
        continue;
      }
      if (entry.type !== "file" || rel === "") {
        throw new UnpackError(`${rel || top} is ${kind(entry.type)}: a release holds files only`);
      }
      await mkdir(join(dest, top, ...rest.slice(0, -1)));
      const path = join(dest, top, rel);
      if (listed === null) {
        // The MANIFEST, then its signature, before anything else.
        const expected = manifest === null ? MANIFEST_FILE : SIGNATURE_FILE;
        if (rel !== expected) throw firstFilesError(rel);
        const limit = manifest === null ? MAX_MANIFEST_BYTES : SIGNATURE_BYTES;
        if (entry.sizeBytes > limit) throw new UnpackError(`${rel} is too large for a release`);
        const bytes = await readAll(entry);
        await Deno.writeFile(path, bytes, { createNew: true, mode: 0o644 });
        if (manifest === null) {
          manifest = bytes;
          continue;
        }
        if (bytes.length !== SIGNATURE_BYTES || !await verifyEd25519(spki, manifest, bytes)) {
          throw new UnpackError("MANIFEST.sig is not a signature of MANIFEST by the trusted key");
        }
        try {
          listed = parseManifest(new TextDecoder().decode(manifest));
        } catch (err) {
          throw new UnpackError(`the MANIFEST is malformed: ${(err as Error).message}`);
        }
        continue;
      }
      if (!listed.has(rel)) throw new UnpackError(`${rel} is not in the MANIFEST`);
      if (seen.has(rel)) throw new UnpackError(`${rel} is in the tarball twice`);
      seen.add(rel);
      totalBytes += entry.sizeBytes;
      if (totalBytes > o.maxBytes) {
        throw new UnpackError(`the release unpacks to more than ${o.maxBytes} bytes`);
      }
      const digest = await writeHashed(entry, path);
      if (digest !== listed.get(rel)) throw new UnpackError(`${rel} does not match its sha256`);
    }
  } catch (err) {
    if (err instanceof TarFormatError) {
      throw new UnpackError(`the upload is not a release tarball: ${err.message}`);
    }
    throw err;
  }
  if (top === null) throw new UnpackError("the tarball is empty");
  if (listed === null) throw new UnpackError("the tarball has no signed MANIFEST");
  const missing = [...listed.keys()].filter((path) => !seen.has(path));
  if (missing.length > 0) {
    throw new UnpackError(
      `${missing[0]} is missing` + (missing.length > 1 ? ` (and ${missing.length - 1} more)` : ""),
    );
  }
  return top;
}

function firstFilesError(rel: string): UnpackError {
  return new UnpackError(
    `${rel} comes before the signed MANIFEST: a release starts with MANIFEST and MANIFEST.sig`,
  );
}

function kind(type: string): string {
  const kinds: Record<string, string> = {
    "1": "a hard link",
    "2": "a symbolic link",
    "3": "a character device",
    "4": "a block device",
    "6": "a FIFO",
    "dir": "a folder",
  };
  return kinds[type] ?? `a tar entry of type "${type}"`;
}

async function readAll(entry: TarEntry): Promise<Uint8Array> {
  const out = new Uint8Array(entry.sizeBytes);
  let at = 0;
  for await (const chunk of entry.body()) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Writes the entry's bytes to a new file at `path`, returning their SHA-256 (hex). */
async function writeHashed(entry: TarEntry, path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path, {
    write: true,
    createNew: true,
    mode: entry.mode & 0o100 ? 0o755 : 0o644,
  });
  try {
    for await (const chunk of entry.body()) {
      hash.update(chunk);
      for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
    }
  } finally {
    file.close();
  }
  return hash.digest("hex");
}
