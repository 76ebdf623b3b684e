/**
 * Streams frame files as one zip archive without holding it in memory: fflate's streaming `Zip`
 * with a `ZipPassThrough` per file (stored, not deflated — FITS noise barely compresses and
 * deflate would cost the Pi seconds per frame), fed 1 MB at a time from the file only when the
 * HTTP consumer pulls. Memory stays at a chunk or two whatever the archive's size. Limit: fflate
 * writes no Zip64 records, so an archive must stay under 4 GiB (about 80 24-megapixel frames);
 * `exportLimitBytes` lets the route refuse larger exports up front with a clear message.
 */
import { Zip, ZipPassThrough } from "fflate";

/** Largest archive a zip without Zip64 records can describe. */
export const ZIP32_LIMIT_BYTES = 0xffff_ffff - 64 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export interface ZipEntry {
  /** Name inside the archive (forward slashes). */
  name: string;
  /** Absolute path of the file to store. */
  path: string;
  /** Modification time stored in the archive (Unix ms). */
  mtimeMs: number;
}

/** A stream of the zip's bytes; cancelling it stops reading and closes the open file. */
export function zipStream(entries: ZipEntry[]): ReadableStream<Uint8Array> {
  const out: Uint8Array[] = [];
  let failure: Error | null = null;
  let finished = false;
  const zip = new Zip((err, data, final) => {
    if (err) failure = err;
    else out.push(data);
    if (final) finished = true;
  });
  let index = 0;
  let file: Deno.FsFile | null = null;
  let entry: ZipPassThrough | null = null;

  async function produce(): Promise<void> {
    // Advances until the zip has emitted something (or ended), reading at most one chunk.
    while (out.length === 0 && !finished && failure === null) {
      if (entry === null || file === null) {
        const next = entries[index++];
        if (next === undefined) {
          zip.end();
          continue;
        }
        file = await Deno.open(next.path, { read: true });
        entry = new ZipPassThrough(next.name);
        // DOS times cannot go before 1980; a zero or broken date must not fail the export.
        entry.mtime = Math.max(next.mtimeMs, Date.UTC(1980, 0, 2));
        zip.add(entry);
      }
      const buffer = new Uint8Array(CHUNK_BYTES);
      const n = await file.read(buffer);
      if (n === null) {
        entry.push(new Uint8Array(0), true);
        file.close();
        file = null;
        entry = null;
      } else {
        // A fresh buffer per read: ZipPassThrough hands the very bytes to the output.
        entry.push(buffer.subarray(0, n));
      }
    }
  }

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        await produce();
      } catch (err) {
        file?.close();
        file = null;
        controller.error(err);
        return;
      }
      if (failure !== null) {
        controller.error(failure);
        return;
      }
      while (out.length > 0) controller.enqueue(out.shift()!);
      if (finished) controller.close();
    },
    cancel() {
      file?.close();
      file = null;
      zip.terminate();
    },
  }, { highWaterMark: 1 });
}
