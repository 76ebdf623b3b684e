/**
 * The fetch-through cache of upstream HiPS files: the bytes under `<dir>/<survey>/<path>`, the
 * index (size, fetched, last served) in the database. A file is written to a temporary name and
 * renamed, then indexed, so a file the index names is whole; one that is missing or of another
 * size than indexed (a power cut before the data reached the disk) is dropped and fetched again.
 * Serving a file marks it used (at most once a minute, to spare the database); after every
 * write the least recently used files are evicted until the cache is under its cap. Totals are
 * kept in memory from the index, so they survive restarts without walking the disk.
 */
import { dirname, join } from "node:path";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { HipsTileRepository } from "../store/hips_tiles.ts";

/** Marking a file used more often than this gains nothing for LRU. */
const TOUCH_EVERY_MS = 60_000;
const EVICT_BATCH = 200;

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

export class TileCache {
  readonly dir: string;
  readonly maxBytes: number;
  readonly #o: TileCacheOptions;
  #bytes = 0;
  #files = 0;
  /** Serialises writes and evictions so the totals stay right. */
  #writing: Promise<unknown> = Promise.resolve();

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

  get totals(): { files: number; bytes: number } {
    return { files: this.#files, bytes: this.#bytes };
  }

  totalsBySurvey(): Promise<Map<string, { files: number; bytes: number }>> {
    return this.#o.repo.totalsBySurvey();
  }

  async get(survey: string, path: string): Promise<CachedFile | null> {
    const row = await this.#o.repo.get(survey, path);
    if (!row) return null;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(this.#file(survey, path));
    } catch {
      bytes = new Uint8Array(0);
    }
    if (bytes.length !== row.bytes) {
      this.#o.log.warn("a cached HiPS file is missing or truncated; dropped", { survey, path });
      await this.#serial(() => this.#drop(survey, path, row.bytes));
      return null;
    }
    const now = this.#o.clock.now();
    if (now - row.last_used_at >= TOUCH_EVERY_MS) await this.#o.repo.touch(survey, path, now);
    return { bytes, contentType: row.content_type, fetchedAtMs: row.fetched_at };
  }

  /** Whether a whole file is cached (for prefetch: no read of the bytes). */
  async has(survey: string, path: string): Promise<{ fetchedAtMs: number } | null> {
    const row = await this.#o.repo.get(survey, path);
    if (!row) return null;
    const size = await Deno.stat(this.#file(survey, path)).then((s) => s.size, () => -1);
    return size === row.bytes ? { fetchedAtMs: row.fetched_at } : null;
  }

  async put(survey: string, path: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await this.#serial(async () => {
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
      const previous = await this.#o.repo.get(survey, path);
      const now = this.#o.clock.now();
      await this.#o.repo.upsert({
        survey,
        path,
        bytes: bytes.length,
        content_type: contentType,
        fetched_at: now,
        last_used_at: now,
      });
      this.#bytes += bytes.length - (previous?.bytes ?? 0);
      if (!previous) this.#files++;
      await this.#evict();
    });
  }

  async remove(survey: string, path: string): Promise<void> {
    await this.#serial(async () => {
      const row = await this.#o.repo.get(survey, path);
      if (row) await this.#drop(survey, path, row.bytes);
    });
  }

  #file(survey: string, path: string): string {
    return join(this.dir, survey, path);
  }

  async #drop(survey: string, path: string, bytes: number): Promise<void> {
    await Deno.remove(this.#file(survey, path)).catch(() => {});
    await this.#o.repo.remove(survey, path);
    this.#bytes -= bytes;
    this.#files--;
  }

  async #evict(): Promise<void> {
    let evicted = 0;
    while (this.#bytes > this.maxBytes && this.#files > 0) {
      const rows = await this.#o.repo.oldest(EVICT_BATCH);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (this.#bytes <= this.maxBytes) break;
        await this.#drop(row.survey, row.path, row.bytes);
        evicted++;
      }
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
