/**
 * The fetch-through cache of upstream HiPS files: the bytes under `<dir>/<survey>/<path>`, the
 * index (size, fetched, last served) in the database. A file is written to a temporary name and
 * renamed, then indexed, so a file the index names is whole; one that is missing or of another
 * size than indexed (a power cut before the data reached the disk) is dropped and fetched again.
 *
 * Index changes are written behind, in batches of one transaction each (at most every
 * FLUSH_AFTER_MS, or at once past FLUSH_AT rows, and on close): the database commits with a full
 * fsync, and one commit per tile would make a thousand-tile prefetch — or a framing view marking
 * fifty tiles used — wait on the SD card. A crash loses at most the last batch: files written but
 * not yet indexed, which are simply fetched again. Serving a file marks it used (at most once a
 * minute); after every write the least recently used files are evicted until the cache is under
 * its cap. Totals are kept in memory from the index, so they survive restarts without walking
 * the disk.
 */
import { dirname, join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { CachedFileRow, HipsTileRepository } from "../store/hips_tiles.ts";

/** Marking a file used more often than this gains nothing for LRU. */
const TOUCH_EVERY_MS = 60_000;
const EVICT_BATCH = 200;
const FLUSH_AFTER_MS = 250;
const FLUSH_AT = 100;

export interface CachedFile {
  bytes: Uint8Array;
  contentType: string;
  fetchedAtMs: number;
}

export interface TileCacheOptions {
  dir: string;
  maxBytes: number;
  repo: HipsTileRepository;
  clock: Clock;
  log: Logger;
}

const keyOf = (survey: string, path: string) => `${survey}\u0000${path}`;

export class TileCache {
  readonly dir: string;
  readonly maxBytes: number;
  readonly #o: TileCacheOptions;
  #bytes = 0;
  #files = 0;
  /** Serialises writes and evictions so the totals stay right. */
  #writing: Promise<unknown> = Promise.resolve();
  /** Index changes not yet in the database (the newest state of each file). */
  #upserts = new Map<string, CachedFileRow>();
  #touches = new Map<string, { survey: string; path: string; atMs: number }>();
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(o: TileCacheOptions) {
    this.#o = o;
    this.dir = o.dir;
    this.maxBytes = o.maxBytes;
  }

  /** Reads the totals from the index and evicts if the cap was lowered since. */
  async init(): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    const { files, bytes } = await this.#o.repo.totals();
    this.#files = files;
    this.#bytes = bytes;
    await this.#serial(() => this.#evict());
  }

  /** Writes the pending index changes; nothing is scheduled afterwards. */
  async close(): Promise<void> {
    await this.#writing;
    await this.flush();
  }

  get totals(): { files: number; bytes: number } {
    return { files: this.#files, bytes: this.#bytes };
  }

  async totalsBySurvey(): Promise<Map<string, { files: number; bytes: number }>> {
    await this.flush();
    return await this.#o.repo.totalsBySurvey();
  }

  async get(survey: string, path: string): Promise<CachedFile | null> {
    const row = await this.#row(survey, path);
    if (!row) return null;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(this.#file(survey, path));
    } catch {
      bytes = new Uint8Array(0);
    }
    if (bytes.length !== row.bytes) {
      this.#o.log.warn("a cached HiPS file is missing or truncated; dropped", { survey, path });
      await this.#serial(() => this.#drop([row]));
      return null;
    }
    const now = this.#o.clock.now();
    if (now - row.last_used_at >= TOUCH_EVERY_MS) {
      const key = keyOf(survey, path);
      const pending = this.#upserts.get(key);
      if (pending) pending.last_used_at = now;
      else this.#touches.set(key, { survey, path, atMs: now });
      this.#schedule();
    }
    return { bytes, contentType: row.content_type, fetchedAtMs: row.fetched_at };
  }

  /** Whether a whole file is cached (for prefetch: no read of the bytes). */
  async has(survey: string, path: string): Promise<{ fetchedAtMs: number } | null> {
    const row = await this.#row(survey, path);
    if (!row) return null;
    const size = await Deno.stat(this.#file(survey, path)).then((s) => s.size, () => -1);
    return size === row.bytes ? { fetchedAtMs: row.fetched_at } : null;
  }

  async put(survey: string, path: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const file = this.#file(survey, path);
    await Deno.mkdir(dirname(file), { recursive: true });
    const temp = `${file}.tmp-${crypto.randomUUID().slice(0, 8)}`;
    try {
      await Deno.writeFile(temp, bytes);
      await Deno.rename(temp, file);
    } catch (err) {
      await Deno.remove(temp).catch(() => {});
      throw err;
    }
    await this.#serial(async () => {
      const previous = await this.#row(survey, path);
      const now = this.#o.clock.now();
      const key = keyOf(survey, path);
      this.#touches.delete(key);
      this.#upserts.set(key, {
        survey,
        path,
        bytes: bytes.length,
        content_type: contentType,
        fetched_at: now,
        last_used_at: now,
      });
      this.#bytes += bytes.length - (previous?.bytes ?? 0);
      if (!previous) this.#files++;
      this.#schedule();
      await this.#evict();
    });
  }

  async remove(survey: string, path: string): Promise<void> {
    await this.#serial(async () => {
      const row = await this.#row(survey, path);
      if (row) await this.#drop([row]);
    });
  }

  /** Writes the pending index changes in one transaction. */
  flush(): Promise<void> {
    if (this.#flushTimer !== null) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    const run = this.#flushing.then(async () => {
      const upserts = [...this.#upserts.values()];
      const touches = [...this.#touches.values()];
      this.#upserts.clear();
      this.#touches.clear();
      try {
        await this.#o.repo.apply({ upserts, touches, removes: [] });
      } catch (err) {
        // Put them back (unless newer changes replaced them) for the next flush.
        for (const row of upserts) {
          const key = keyOf(row.survey, row.path);
          if (!this.#upserts.has(key)) this.#upserts.set(key, row);
        }
        this.#o.log.error("could not write the HiPS cache index", { error: String(err) });
      }
    });
    this.#flushing = run;
    return run;
  }

  async #row(survey: string, path: string): Promise<CachedFileRow | null> {
    const pending = this.#upserts.get(keyOf(survey, path));
    if (pending) return { ...pending };
    const row = await this.#o.repo.get(survey, path);
    const touched = this.#touches.get(keyOf(survey, path));
    return row && touched ? { ...row, last_used_at: touched.atMs } : row;
  }

  #schedule(): void {
    if (this.#upserts.size + this.#touches.size >= FLUSH_AT) {
      void this.flush();
    } else if (this.#flushTimer === null) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = null;
        void this.flush();
      }, FLUSH_AFTER_MS);
    }
  }

  #file(survey: string, path: string): string {
    return join(this.dir, survey, path);
  }

  /**
   * Removes files and their index rows (the pending changes are written first). Only rows still
   * indexed count: a file another path dropped meanwhile (an eviction racing a read that found it
   * short) is not subtracted from the totals twice.
   */
  async #drop(rows: CachedFileRow[]): Promise<void> {
    await this.flush();
    const present: CachedFileRow[] = [];
    for (const row of rows) {
      const current = await this.#o.repo.get(row.survey, row.path);
      if (current) present.push(current);
    }
    for (const row of present) {
      await Deno.remove(this.#file(row.survey, row.path)).catch(() => {});
    }
    await this.#o.repo.apply({ upserts: [], touches: [], removes: present });
    for (const row of present) {
      this.#bytes -= row.bytes;
      this.#files--;
    }
  }

  async #evict(): Promise<void> {
    let evicted = 0;
    while (this.#bytes > this.maxBytes && this.#files > 0) {
      await this.flush();
      const oldest = await this.#o.repo.oldest(EVICT_BATCH);
      if (oldest.length === 0) break;
      const victims: CachedFileRow[] = [];
      let bytes = this.#bytes;
      for (const row of oldest) {
        if (bytes <= this.maxBytes) break;
        victims.push(row);
        bytes -= row.bytes;
      }
      await this.#drop(victims);
      evicted += victims.length;
    }
    if (evicted > 0) {
      this.#o.log.info("HiPS cache over its cap: least recently used files evicted", {
        evicted,
        bytes: this.#bytes,
        max_bytes: this.maxBytes,
      });
    }
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writing.then(work, work);
    this.#writing = run.catch(() => {});
    return run;
  }
}
