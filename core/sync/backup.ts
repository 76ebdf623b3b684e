/**
 * The database's daily snapshot and its retention. A snapshot is taken (VACUUM INTO, consistent
 * while the box runs) into `<data dir>/sync/backups/` and queued like a frame, so it survives
 * restarts and waits for a route like everything else; a newer snapshot replaces one still
 * waiting. The daily time is in the site's local mean solar time, like the night of a frame, and
 * a day missed while the box was off is made up at the next chance. Once a snapshot is in the
 * store, the local copy goes and the store keeps the newest `keep`.
 */
import { join } from "node:path";
import type { Logger } from "../../lib/log.ts";
import type { KvRepository } from "../store/kv.ts";
import type { SyncRepository } from "../store/sync.ts";
import type { SyncSettings } from "../schemas/sync.ts";
import { backupKey, backupPrefix } from "./keys.ts";
import type { S3Client } from "./s3/client.ts";

export const BACKUP_DIR = "sync/backups";
const SLOT_KEY = "sync.backup_slot";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BACKUP_NAME = /\/openskylab-\d{8}T\d{6}Z\.db$/;

/** The local day (YYYY-MM-DD) and when its backup falls due (Unix ms), at a longitude. */
export function backupSlot(nowMs: number, timeLocal: string, longitudeDeg: number) {
  const offsetMs = (longitudeDeg / 15) * HOUR_MS;
  const local = nowMs + offsetMs;
  const day = new Date(local).toISOString().slice(0, 10);
  const [hh, mm] = timeLocal.split(":").map(Number) as [number, number];
  const dueMs = Date.parse(`${day}T00:00:00Z`) + (hh * 60 + mm) * 60_000 - offsetMs;
  return { day, dueMs, nextDueMs: nowMs < dueMs ? dueMs : dueMs + DAY_MS };
}

export interface BackupsOptions {
  repo: SyncRepository;
  kv: KvRepository;
  dataDir: string;
  log: Logger;
  /** Writes a consistent copy of the database to the path; answers its size. */
  snapshot: (path: string) => Promise<number>;
}

export class Backups {
  readonly #o: BackupsOptions;

  constructor(o: BackupsOptions) {
    this.#o = o;
  }

  /** When the next scheduled backup is due (Unix ms), or null when they are off. */
  async nextDueMs(s: SyncSettings, nowMs: number, longitudeDeg: number): Promise<number | null> {
    if (!s.backup.enabled) return null;
    const slot = backupSlot(nowMs, s.backup.time_local, longitudeDeg);
    const last = await this.#o.kv.get<string>(SLOT_KEY);
    return nowMs >= slot.dueMs && last !== slot.day ? slot.dueMs : slot.nextDueMs;
  }

  /** Takes today's snapshot if it is due and not taken yet; answers the queued item's id. */
  async maybeScheduled(
    s: SyncSettings,
    nowMs: number,
    longitudeDeg: number,
  ): Promise<number | null> {
    if (!s.backup.enabled) return null;
    const slot = backupSlot(nowMs, s.backup.time_local, longitudeDeg);
    if (nowMs < slot.dueMs || (await this.#o.kv.get<string>(SLOT_KEY)) === slot.day) return null;
    await this.#o.kv.set(SLOT_KEY, slot.day);
    return (await this.take(s, nowMs, "scheduled")).itemId;
  }

  /** Snapshots the database now and queues it; a snapshot still waiting is replaced. */
  async take(
    s: SyncSettings,
    nowMs: number,
    why: string,
  ): Promise<{ itemId: number; key: string }> {
    const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    const relative = join(BACKUP_DIR, `openskylab-${stamp}.db`);
    const bytes = await this.#o.snapshot(join(this.#o.dataDir, relative));
    for (const old of await this.#o.repo.waitingBackups()) {
      if (old.path === relative) continue;
      await this.#o.repo.update(old.id, {
        state: "cancelled",
        last_error: "replaced by a newer snapshot",
      });
      await Deno.remove(join(this.#o.dataDir, old.path)).catch(() => {});
    }
    const key = backupKey(s.prefix, nowMs);
    const itemId = await this.#o.repo.enqueueOne({
      kind: "backup",
      frameId: null,
      path: relative,
      key,
      bytes,
    });
    this.#o.log.info("took a database snapshot for the store", { key, bytes, why });
    return { itemId, key };
  }

  /** After the upload: the local copy goes, and the store keeps the newest `keep` snapshots. */
  async completed(
    client: S3Client,
    s: SyncSettings,
    path: string,
    signal: AbortSignal,
  ): Promise<string[]> {
    await Deno.remove(join(this.#o.dataDir, path)).catch(() => {});
    const prefix = backupPrefix(s.prefix);
    const found = (await client.listObjects(prefix, signal))
      .filter((o) => BACKUP_NAME.test(`/${o.key.slice(prefix.length)}`))
      .sort((a, b) => a.key < b.key ? 1 : -1);
    const pruned: string[] = [];
    for (const old of found.slice(s.backup.keep)) {
      await client.deleteObject(old.key, signal);
      pruned.push(old.key);
      await this.#o.repo.history({ kind: "backup_pruned", key: old.key, bytes: old.size });
    }
    return pruned;
  }

  /** The snapshots in the store, newest first. */
  async list(client: S3Client, s: SyncSettings, signal?: AbortSignal) {
    const prefix = backupPrefix(s.prefix);
    return (await client.listObjects(prefix, signal))
      .filter((o) => BACKUP_NAME.test(`/${o.key.slice(prefix.length)}`))
      .sort((a, b) => a.key < b.key ? 1 : -1)
      .map((o) => ({ key: o.key, bytes: o.size, last_modified: o.lastModified }));
  }
}
