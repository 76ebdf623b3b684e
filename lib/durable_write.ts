/**
 * Crash-safe file writes for frames. The box may lose power at any instant, and a frame must
 * then be either complete under its final name or absent — never a half-written file that the
 * database points to. So the bytes go to a temporary sibling, are fsynced, and the temporary is
 * renamed over the final name (atomic on POSIX); the directory is fsynced too so the rename
 * itself survives the power cut. On any failure the temporary is removed.
 */
import { dirname } from "node:path";

function randomSuffix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Makes the directory entry durable. Best effort: some platforms cannot open a directory. */
export async function syncDirectory(dirPath: string): Promise<void> {
  let dir: Deno.FsFile | undefined;
  try {
    dir = await Deno.open(dirPath, { read: true });
    await dir.sync();
  } catch {
    // Windows and some filesystems refuse to open or fsync a directory; the rename still
    // happened, only its durability across a power cut is then up to the filesystem.
  } finally {
    dir?.close();
  }
}

/**
 * Writes `bytes` to `path` durably: temp file `path.tmp-<random>`, fsync, rename, fsync of the
 * directory. Overwrites an existing file atomically. Rejects (after removing the temporary)
 * when any step fails. The bytes may come as one array, chunks made on the fly, or chunks read
 * from another file (an async iterable: a header rewrite streams the data unit across).
 */
export async function writeFitsFileDurably(
  path: string,
  bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  const tempPath = `${path}.tmp-${randomSuffix()}`;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(tempPath, { write: true, createNew: true, mode: 0o644 });
    const open = file;
    const writeAll = async (chunk: Uint8Array) => {
      for (let written = 0; written < chunk.length;) {
        written += await open.write(chunk.subarray(written));
      }
    };
    if (bytes instanceof Uint8Array) {
      await writeAll(bytes);
    } else if (Symbol.asyncIterator in bytes) {
      for await (const chunk of bytes) await writeAll(chunk);
    } else {
      // Pull the next chunk while the previous one is being written: the producer's work
      // (e.g. byte swapping) overlaps the kernel's. A chunk's buffer is not touched again until
      // its write has finished (see encodeFitsChunks).
      let pending: Promise<void> | null = null;
      for (const chunk of bytes) {
        const started: Promise<void> | null = pending;
        pending = (started ?? Promise.resolve()).then(() => writeAll(chunk));
        if (started) await started;
      }
      await pending;
    }
    // fdatasync: the data and the size needed to read it back; the rename is made durable by
    // the directory's fsync below.
    await file.syncData();
    file.close();
    file = undefined;
    await Deno.rename(tempPath, path);
  } catch (err) {
    try {
      file?.close();
    } catch {
      // Already closed; the removal below is what matters.
    }
    await Deno.remove(tempPath).catch(() => {});
    throw err;
  }
  await syncDirectory(dirname(path) || ".");
}
