/**
 * Bytes of a release on their way in: a stream (an upload's body, a download's response) counted
 * and hashed (SHA-256) as it passes to the verifier, never held in memory, stopped as soon as it
 * passes its bound, with progress reported every few megabytes. Also the disk check made before
 * any byte is accepted.
 */
import { createHash } from "node:crypto";
import { AppError, conflict } from "../../lib/errors.ts";

/**
 * Free space a release of `tarballBytes` needs: one unpacked copy, verified as it streams in (a
 * release unpacks to about 3× its tarball), one installed beside the running release (hard links
 * to the first where they share a file system, else a copy), and room left.
 */
export function diskNeededBytes(tarballBytes: number): number {
  return tarballBytes * 8 + 64 * 1024 * 1024;
}

/** The largest release `freeBytes` leaves room for (the inverse of diskNeededBytes). */
export function maxReleaseBytesFor(freeBytes: number): number {
  return Math.max(0, Math.floor((freeBytes - 64 * 1024 * 1024) / 8));
}

/** What a release may unpack to with `freeBytes` free: the disk, less room left; an xz bomb stops. */
export function unpackRoomBytes(freeBytes: number, maxReleaseBytes: number): number {
  return Math.min(maxReleaseBytes * 10, Math.max(0, freeBytes - 64 * 1024 * 1024));
}

export function tooLittleDisk(freeBytes: number, tarballBytes: number): AppError | null {
  const need = diskNeededBytes(tarballBytes);
  if (freeBytes >= need) return null;
  return conflict(
    `too little disk for a release of ${mb(tarballBytes)}: ${mb(freeBytes)} free, ` +
      `${mb(need)} needed (the release unpacked, and installed beside this one)`,
    { free_bytes: freeBytes, needed_bytes: need },
  );
}

export interface Metered {
  /** The bytes, passed through: counted, hashed, bounded. */
  stream: ReadableStream<Uint8Array>;
  /** Bytes and SHA-256 (hex) of what has passed, once the stream has ended. */
  result(): { bytes: number; sha256: string };
  /** The refusal that stopped the stream past its bound, if it did. */
  overflow(): AppError | null;
}

/**
 * `body` counted and hashed as it is read, never held, stopped as soon as it passes `maxBytes`
 * (the error from `overflow`, default a 413 naming `field`), with progress every 4 MiB.
 */
export function metered(
  body: ReadableStream<Uint8Array>,
  o: {
    maxBytes: number;
    field: string;
    onProgress?: (bytes: number) => void;
    overflow?: (bytes: number) => AppError;
  },
): Metered {
  const hash = createHash("sha256");
  let bytes = 0;
  let reported = 0;
  let refusal: AppError | null = null;
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytes += chunk.length;
        if (bytes > o.maxBytes) {
          refusal = o.overflow?.(bytes) ?? tooLarge(o.field, o.maxBytes);
          throw refusal;
        }
        hash.update(chunk);
        if (bytes - reported >= 4 * 1024 * 1024) {
          reported = bytes;
          o.onProgress?.(bytes);
        }
        controller.enqueue(chunk);
      },
      flush() {
        o.onProgress?.(bytes);
      },
    }),
  );
  let sha256: string | null = null;
  return {
    stream,
    result: () => ({ bytes, sha256: sha256 ??= hash.digest("hex") }),
    overflow: () => refusal,
  };
}

/** Reads `stream` to its end, dropping the bytes (a refused upload's rest: see the caller). */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  try {
    for await (const _ of stream) { /* dropped */ }
  } catch { /* its end, one way or another */ }
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
