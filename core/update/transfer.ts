/**
 * Bytes of a release onto the box's disk: a stream (an upload's body, a download's response)
 * written to a file as it arrives, never held in memory, stopped as soon as it passes its bound,
 * hashed on the way (SHA-256), with progress reported every few megabytes. Also the disk check
 * made before any byte is accepted.
 */
import { createHash } from "node:crypto";
import { AppError, conflict } from "../../lib/errors.ts";

/**
 * Free space a release of `tarballBytes` needs: the tarball, one unpacked copy to verify and one
 * installed beside the running release (a release unpacks to about 3× its tarball), and room left.
 */
export function diskNeededBytes(tarballBytes: number): number {
  return tarballBytes * 8 + 64 * 1024 * 1024;
}

/** The largest release `freeBytes` leaves room for (the inverse of diskNeededBytes). */
export function maxReleaseBytesFor(freeBytes: number): number {
  return Math.max(0, Math.floor((freeBytes - 64 * 1024 * 1024) / 8));
}

export function tooLittleDisk(freeBytes: number, tarballBytes: number): AppError | null {
  const need = diskNeededBytes(tarballBytes);
  if (freeBytes >= need) return null;
  return conflict(
    `too little disk for a release of ${mb(tarballBytes)}: ${mb(freeBytes)} free, ` +
      `${mb(need)} needed (the tarball, a copy to verify and one installed beside this release)`,
    { free_bytes: freeBytes, needed_bytes: need },
  );
}

export interface StreamResult {
  bytes: number;
  sha256: string;
}

/**
 * Writes `body` to `path` (created, truncated), refusing past `maxBytes` (400 naming `field`).
 * The partial file is removed on any failure.
 */
export async function streamToFile(
  body: ReadableStream<Uint8Array>,
  path: string,
  o: {
    maxBytes: number;
    field: string;
    onProgress?: (bytes: number) => void;
    /** The error past `maxBytes` (default: 413 naming `field`). */
    overflow?: (bytes: number) => AppError;
  },
): Promise<StreamResult> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const hash = createHash("sha256");
  let bytes = 0;
  let reported = 0;
  try {
    for await (const chunk of body) {
      bytes += chunk.length;
      if (bytes > o.maxBytes) {
        throw o.overflow?.(bytes) ?? tooLarge(o.field, o.maxBytes);
      }
      hash.update(chunk);
      for (let done = 0; done < chunk.length;) done += await file.write(chunk.subarray(done));
      if (bytes - reported >= 4 * 1024 * 1024) {
        reported = bytes;
        o.onProgress?.(bytes);
      }
    }
    await file.sync();
    file.close();
    o.onProgress?.(bytes);
    return { bytes, sha256: hash.digest("hex") };
  } catch (err) {
    try {
      file.close();
    } catch { /* closed already */ }
    await Deno.remove(path).catch(() => {});
    await body.cancel().catch(() => {});
    throw err;
  }
}

/** 413 naming the field: more bytes than the box accepts for it. */
export function tooLarge(field: string, maxBytes: number): AppError {
  const reason = `larger than the limit of ${mb(maxBytes)}`;
  return new AppError(413, "payload_too_large", `${field}: ${reason}`, {
    issues: [{ field, reason }],
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
