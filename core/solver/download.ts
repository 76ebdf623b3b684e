/**
 * Downloads a solver database file from the configured mirror into the folder the solver reads
 * it from. Mirror layout: `<mirror>/<database>` is the file and `<mirror>/<database>.sha256` its
 * checksum when the mirror provides one. The bytes go to `<name>.part` beside the target, a
 * later attempt resumes it with a Range request, and only a complete (and, when a checksum is
 * offered, verified) file is renamed into place — the solver never sees half a database.
 * astrometry.net index files (`index-*.fits`) go to the index folder, ASTAP database files
 * (`d50_0101.1476`) to ASTAP's.
 */
import { dirname, join } from "node:path";
import { badRequest, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";

export interface DownloadOptions {
  bus: EventBus;
  log: Logger;
  /** Base URL; empty means not configured. */
  mirrorUrl: string;
  indexDir: string;
  astapDatabaseDir: string;
  /** Minimum time between two progress events. */
  progressIntervalMs?: number;
}

const INDEX_FILE = /^index-[A-Za-z0-9._-]{1,80}\.fits$/;
const ASTAP_FILE = /^[a-z]\d{2}_\d{4}\.\d{1,5}$/i;

export class IndexDownloader {
  #o: DownloadOptions;
  #running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(o: DownloadOptions) {
    this.#o = o;
  }

  /** Where `database` is installed; 400 for a name that is neither kind. */
  targetOf(database: string): string {
    if (INDEX_FILE.test(database)) return join(this.#o.indexDir, database);
    if (ASTAP_FILE.test(database)) return join(this.#o.astapDatabaseDir, database.toLowerCase());
    throw badRequest(
      "body.database",
      `"${database}" is neither an astrometry.net index file (index-….fits) nor an ASTAP ` +
        "database file (e.g. d50_0101.1476)",
    );
  }

  /** Checks and starts a download; progress and the outcome arrive as events. */
  start(database: string): { target: string } {
    const target = this.targetOf(database);
    if (!this.#o.mirrorUrl) {
      throw conflict(
        "No solver index mirror is configured: set [solver] index_mirror in config.toml " +
          "to a base URL that serves the database files",
      );
    }
    if (this.#running.has(database)) throw conflict(`${database} is already downloading`);
    const controller = new AbortController();
    const done = this.#download(database, target, controller.signal)
      .catch((err) => this.#failed(database, err))
      .finally(() => this.#running.delete(database));
    this.#running.set(database, { controller, done });
    return { target };
  }

  /** Resolves when `database` is no longer downloading. */
  async settled(database: string): Promise<void> {
    await this.#running.get(database)?.done;
  }

  async close(): Promise<void> {
    for (const r of this.#running.values()) r.controller.abort();
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
  }

  async #download(database: string, target: string, signal: AbortSignal): Promise<void> {
    const url = `${this.#o.mirrorUrl.replace(/\/+$/, "")}/${encodeURIComponent(database)}`;
    const part = `${target}.part`;
    await Deno.mkdir(dirname(target), { recursive: true });
    const expected = await this.#checksum(url, signal);
    let have = 0;
    try {
      have = (await Deno.stat(part)).size;
    } catch { /* fresh start */ }
    const res = await reach(url, {
      signal,
      headers: have > 0 ? { Range: `bytes=${have}-` } : {},
    });
    if (res.status === 416 && have > 0) {
      // The part is already whole (a previous run stopped before renaming).
      await res.body?.cancel();
    } else if (res.status === 200 || res.status === 206) {
      // A 200 to a Range request means the server ignores ranges: start over.
      if (res.status === 200) have = 0;
      const length = Number(res.headers.get("content-length"));
      const total = Number.isFinite(length) && length > 0 ? have + length : null;
      await this.#receive(database, res, part, have, total);
    } else {
      await res.body?.cancel();
      throw new Error(`the mirror answered ${res.status} ${res.statusText} for ${url}`);
    }
    const size = (await Deno.stat(part)).size;
    if (expected) {
      this.#progress(database, "verifying", size, size);
      const actual = await sha256File(part);
      if (actual !== expected) {
        // A corrupt part would be resumed forever: throw it away.
        await Deno.remove(part).catch(() => {});
        throw new Error(`checksum mismatch for ${database}: expected ${expected}, got ${actual}`);
      }
    }
    await Deno.rename(part, target);
    this.#o.log.info("solver database installed", { database, target, bytes: size });
    this.#progress(database, "installed", size, size);
  }

  async #receive(
    database: string,
    res: Response,
    part: string,
    have: number,
    total: number | null,
  ) {
    using file = await Deno.open(part, {
      write: true,
      create: true,
      append: have > 0,
      truncate: have === 0,
    });
    let received = have;
    let lastMs = 0;
    const every = this.#o.progressIntervalMs ?? 500;
    if (!res.body) throw new Error("the mirror sent no body");
    for await (const chunk of res.body) {
      let off = 0;
      while (off < chunk.length) off += await file.write(chunk.subarray(off));
      received += chunk.length;
      const nowMs = performance.now();
      if (nowMs - lastMs >= every) {
        lastMs = nowMs;
        this.#progress(database, "downloading", received, total);
      }
    }
    await file.syncData();
    if (total !== null && received !== total) {
      throw new Error(`${database}: the download ended at ${received} of ${total} bytes`);
    }
    this.#progress(database, "downloading", received, total);
  }

  /** The mirror's `<file>.sha256` (sha256sum format), or null when it offers none. */
  async #checksum(url: string, signal: AbortSignal): Promise<string | null> {
    const res = await reach(`${url}.sha256`, { signal });
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    const text = await res.text();
    if (!res.ok) throw new Error(`the mirror answered ${res.status} for ${url}.sha256`);
    const hex = /\b[0-9a-f]{64}\b/i.exec(text)?.[0];
    if (!hex) throw new Error(`${url}.sha256 holds no SHA-256 checksum`);
    return hex.toLowerCase();
  }

  #progress(
    database: string,
    state: "downloading" | "verifying" | "installed",
    received: number,
    total: number | null,
  ) {
    this.#o.bus.publish("solver.download_progress", {
      database,
      state,
      received_bytes: received,
      total_bytes: total,
      percent: total ? Math.min(100, received / total * 100) : null,
      error: null,
    });
  }

  #failed(database: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.#o.log.warn("solver database download failed", { database, error: message });
    this.#o.bus.publish("solver.download_progress", {
      database,
      state: "failed",
      received_bytes: 0,
      total_bytes: null,
      percent: null,
      error: message,
    });
  }
}

/** fetch with an error that says the mirror could not be reached (offline, DNS, refused). */
async function reach(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    const host = URL.canParse(url) ? new URL(url).host : url;
    throw new Error(
      `cannot reach the index mirror ${host} (is the box offline?): ${(err as Error).message}`,
    );
  }
}

async function sha256File(path: string): Promise<string> {
  // Index files are tens of megabytes: reading one whole is acceptable on the box.
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
