/**
 * Cloud sync as the API sees it: the settings (PUT validates, keeps credentials left out, never
 * shows the secret), status, queue and history, pause/resume (remembered across restarts), retry,
 * a backup now, the snapshots in the store and a restore staged for the next start. It owns the
 * worker and feeds it: every saved frame wakes it, a frame file rewritten after it was recorded
 * (core/frames/file_changes.ts) sends it back for that frame at once, and a plate solve of an
 * uploaded frame queues its metadata sidecar again with the solution.
 */
import { isAbsolute, join, relative } from "node:path";
import type { LookupFunction } from "node:net";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { FrameFileChanges } from "../frames/file_changes.ts";
import type {
  HistoryEntryDto,
  QueueItemDto,
  SyncConfigBody,
  SyncConfigDto,
  SyncSettings,
  SyncStatusDto,
} from "../schemas/sync.ts";
import type { KvRepository } from "../store/kv.ts";
import type { QueueRow, SyncRepository } from "../store/sync.ts";
import { Backups } from "./backup.ts";
import { backupKey, frameKey } from "./keys.ts";
import { Reachability, type RouteTablePaths } from "./reachability.ts";
import {
  cancelRestore,
  readStaged,
  RestoreRefusedError,
  stageRestore,
  takeAppliedRestore,
} from "./restore.ts";
import { S3Error } from "./s3/errors.ts";
import { NetworkError } from "./s3/transport.ts";
import { applyConfigBody, isConfigured, SettingsStore, toConfigDto } from "./settings.ts";
import { type FrameHold, type Site, type SyncTunables, SyncWorker } from "./worker.ts";

const PAUSED_KEY = "sync.paused";

/** A solve job as the solver keeps it: which file, and the solution when solved. */
export interface SolveLookup {
  get(id: string): { imagePath: string; solution: unknown | null } | undefined;
}

export interface SyncServiceOptions {
  repo: SyncRepository;
  kv: KvRepository;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  dataDir: string;
  settingsPath: string;
  tunables: SyncTunables;
  site: () => Site | null;
  holds: FrameHold;
  /** Writes a consistent copy of the database; answers its size. */
  snapshot: (path: string) => Promise<number>;
  solves?: SolveLookup;
  /** Notices of frame files rewritten in place (the worker also finds them in the frames table). */
  frameFiles?: Pick<FrameFileChanges, "listen">;
  version: string;
  routeTables?: RouteTablePaths | null;
  lookup?: LookupFunction;
}

export class SyncService {
  readonly #o: SyncServiceOptions;
  readonly #settings: SettingsStore;
  readonly #backups: Backups;
  readonly #worker: SyncWorker;
  #unsubscribe: (() => void)[] = [];
  #restoring = false;

  constructor(o: SyncServiceOptions) {
    this.#o = o;
    this.#settings = new SettingsStore(o.settingsPath, o.log);
    this.#backups = new Backups({
      repo: o.repo,
      kv: o.kv,
      dataDir: o.dataDir,
      log: o.log,
      snapshot: o.snapshot,
    });
    this.#worker = new SyncWorker({
      repo: o.repo,
      settings: this.#settings,
      backups: this.#backups,
      reachability: new Reachability({
        routeTables: o.routeTables,
        connectTimeoutMs: Math.min(5000, o.tunables.requestTimeoutMs),
      }),
      bus: o.bus,
      clock: o.clock,
      log: o.log,
      dataDir: o.dataDir,
      tunables: o.tunables,
      site: o.site,
      holds: o.holds,
      version: o.version,
      lookup: o.lookup,
    });
  }

  /** Loads the settings, notes a restore applied at this start, and starts the worker. */
  async start(): Promise<void> {
    await this.#settings.load();
    const applied = await takeAppliedRestore(this.#o.dataDir);
    if (applied) {
      await this.#o.repo.history({
        kind: "restore_applied",
        key: applied.key,
        bytes: applied.bytes,
        message: `the previous database is at ${applied.previous ?? "(none)"}`,
      });
      this.#o.bus.publish("alert", {
        level: "info",
        source: "sync",
        message: `The database was restored from ${applied.key}; the previous one was kept`,
      });
    }
    const frameFiles = this.#o.frameFiles?.listen((id) => this.#worker.frameFileChanged(id));
    if (frameFiles) this.#unsubscribe.push(frameFiles);
    this.#unsubscribe.push(this.#o.bus.subscribe((event) => {
      if (event.type === "camera.frame_ready") this.#worker.wake(true);
      if (event.type === "solver.result" && event.data.status === "solved") {
        void this.#solved(event.data.id).catch((err) =>
          this.#o.log.warn("could not note a plate solution for sync", {
            error: (err as Error).message,
          })
        );
      }
    }));
    this.#worker.start((await this.#o.kv.get<boolean>(PAUSED_KEY)) === true);
  }

  /** Stops the worker (the upload in flight is aborted, resumable); within the shutdown budget. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    await this.#worker.stop();
  }

  config(): SyncConfigDto {
    return toConfigDto(this.#settings.current);
  }

  async putConfig(body: SyncConfigBody): Promise<SyncConfigDto> {
    const before = this.#settings.current;
    const next = applyConfigBody(before, body, this.#o.clock.now());
    const moved = before.endpoint !== next.endpoint || before.bucket !== next.bucket ||
      before.prefix !== next.prefix;
    const credentialsChanged = before.access_key_id !== next.access_key_id ||
      before.secret_access_key !== next.secret_access_key || before.region !== next.region ||
      before.addressing !== next.addressing;
    // With the worker standing still, so no upload runs against the old target meanwhile.
    await this.#worker.exclusive(async () => {
      await this.#settings.save(next);
      if (moved) await this.#retarget(next);
      // New settings may fix what made items fail (credentials, bucket): try them again.
      if (moved || credentialsChanged) await this.#o.repo.retryFailed();
    });
    this.#o.log.info("cloud sync settings changed", {
      enabled: next.enabled,
      endpoint: next.endpoint,
      bucket: next.bucket,
      prefix: next.prefix,
    });
    this.#worker.settingsChanged();
    return toConfigDto(next);
  }

  async status(): Promise<SyncStatusDto> {
    const w = this.#worker.snapshot();
    const s = this.#settings.current;
    const last = await this.#o.repo.lastHistory("backup_completed");
    const nextDue = isConfigured(s) && s.enabled
      ? await this.#backups.nextDueMs(s, this.#o.clock.now(), this.#o.site()?.longitudeDeg ?? 0)
      : null;
    const staged = await readStaged(this.#o.dataDir);
    return {
      state: w.state,
      reason: w.reason,
      online: w.online,
      checked_at: w.checkedAt,
      current: w.current,
      queue: await this.#o.repo.counts(),
      bandwidth_limit_bytes_per_s: s.bandwidth_limit_bytes_per_s,
      last_uploaded_at: w.lastUploadedAt,
      last_error: w.lastError,
      backup: {
        last_completed_at: last?.at ?? null,
        last_key: last?.key ?? null,
        next_due_at: nextDue === null ? null : new Date(nextDue).toISOString(),
      },
      restore: {
        staged: staged && { key: staged.key, bytes: staged.bytes, staged_at: staged.staged_at },
      },
    };
  }

  async queue(q: { state?: string; limit: number; before?: number }): Promise<QueueItemDto[]> {
    const rows = await this.#o.repo.list(q);
    const parts = await this.#o.repo.partCounts(
      rows.filter((r) => r.upload_id !== null).map((r) => r.id),
    );
    return rows.map((r) => toItemDto(r, parts.get(r.id) ?? 0));
  }

  history(q: { limit: number; before?: number }): Promise<HistoryEntryDto[]> {
    return this.#o.repo.listHistory(q);
  }

  async pause(): Promise<void> {
    await this.#o.kv.set(PAUSED_KEY, true);
    this.#worker.setPaused(true);
  }

  async resume(): Promise<void> {
    await this.#o.kv.set(PAUSED_KEY, false);
    this.#worker.setPaused(false);
  }

  async retry(ids?: number[]): Promise<number> {
    const n = await this.#o.repo.retryFailed(ids);
    this.#worker.wake();
    return n;
  }

  /** Snapshots the database now and queues it (uploaded as soon as there is a route). */
  async backupNow(): Promise<{ item_id: number; key: string }> {
    const s = this.#requireConfigured();
    const { itemId, key } = await this.#backups.take(s, this.#o.clock.now(), "asked for");
    this.#worker.wake();
    return { item_id: itemId, key };
  }

  async listBackups() {
    const s = this.#requireConfigured();
    return await this.#storeCall(() => this.#backups.list(this.#worker.client(s), s));
  }

  /** Downloads, checks and stages a snapshot; it replaces the database at the next start. */
  async restore(key: string) {
    const s = this.#requireConfigured();
    if (!key.startsWith(backupKey(s.prefix, 0).replace(/openskylab-.*$/, ""))) {
      throw badRequest(
        "key",
        `must be a snapshot under ${backupKey(s.prefix, 0).replace(/openskylab-.*$/, "")}`,
      );
    }
    if (this.#restoring) throw conflict("A restore is already being downloaded");
    this.#restoring = true;
    try {
      const staged = await this.#storeCall(() =>
        stageRestore({
          client: this.#worker.client(s),
          key,
          dataDir: this.#o.dataDir,
          nowMs: this.#o.clock.now(),
        })
      );
      await this.#o.repo.history({
        kind: "restore_staged",
        key,
        bytes: staged.bytes,
        message: "applied at the next start",
      });
      this.#o.bus.publish("sync.restore_staged", {
        key,
        bytes: staged.bytes,
        sha256: staged.sha256,
      });
      this.#o.log.warn(
        "a database snapshot is staged; it replaces the database at the next start",
        { key },
      );
      return {
        staged: true as const,
        key,
        bytes: staged.bytes,
        sha256: staged.sha256,
        apply: "at_next_start" as const,
      };
    } finally {
      this.#restoring = false;
    }
  }

  async cancelRestore(): Promise<boolean> {
    const had = await cancelRestore(this.#o.dataDir);
    if (had) await this.#o.repo.history({ kind: "restore_cancelled" });
    return had;
  }

  #requireConfigured(): SyncSettings {
    const s = this.#settings.current;
    if (!isConfigured(s)) throw conflict("Cloud sync is not configured: PUT /sync/config first");
    return s;
  }

  /** Store failures at the API: 404 for a missing key, 502 for the store's refusals, 503 offline. */
  async #storeCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RestoreRefusedError) throw new AppError(409, "conflict", err.message);
      if (err instanceof S3Error) {
        if (err.status === 404) throw new AppError(404, "not_found", err.message);
        throw new AppError(502, "device_fault", `The object store refused: ${err.message}`, {
          code: err.code,
        });
      }
      if (err instanceof NetworkError) {
        throw new AppError(
          503,
          "unavailable",
          `The object store cannot be reached: ${err.message}`,
        );
      }
      throw err;
    }
  }

  /** The store or prefix changed: queued items get their new keys and forget uploads in flight. */
  async #retarget(s: SyncSettings): Promise<void> {
    const longitude = this.#o.site()?.longitudeDeg ?? 0;
    for (const state of ["pending", "uploading", "failed"]) {
      for (const row of await this.#o.repo.list({ state, limit: 100_000 })) {
        let key = row.key;
        if (row.kind === "frame" && row.frame_id !== null) {
          const frame = await this.#o.repo.frame(row.frame_id);
          if (frame) key = frameKey(s.prefix, frame, longitude);
        } else if (row.kind === "backup") {
          key = backupKey(s.prefix, Date.parse(row.created_at));
        }
        await this.#o.repo.resetUpload(row.id, {
          key,
          state: row.state === "uploading" ? "pending" : row.state,
        });
      }
    }
  }

  async #solved(jobId: string): Promise<void> {
    const job = this.#o.solves?.get(jobId);
    if (!job || job.solution === null) return;
    // The solver keeps the path as it was asked: relative to the data dir, or absolute.
    const absolute = isAbsolute(job.imagePath)
      ? job.imagePath
      : join(this.#o.dataDir, job.imagePath);
    const path = relative(this.#o.dataDir, absolute);
    if (path.startsWith("..")) return;
    const row = await this.#o.repo.byPath(path);
    if (!row) return;
    await this.#o.repo.update(row.id, {
      wcs: JSON.stringify(job.solution),
      meta_state: row.meta_state === "none" ? "none" : "pending",
    });
    this.#worker.wake();
  }
}

function toItemDto(r: QueueRow, partsDone: number): QueueItemDto {
  return {
    id: r.id,
    kind: r.kind as QueueItemDto["kind"],
    frame_id: r.frame_id,
    path: r.path,
    key: r.key,
    bytes: r.bytes,
    state: r.state as QueueItemDto["state"],
    attempts: r.attempts,
    last_error: r.last_error,
    next_attempt_at: r.next_attempt_at,
    sha256: r.sha256,
    etag: r.etag,
    multipart: r.upload_id !== null && r.part_size !== null
      ? {
        upload_id: r.upload_id,
        part_size: r.part_size,
        parts_done: partsDone,
        parts_total: Math.ceil(r.bytes / r.part_size),
      }
      : null,
    metadata: r.meta_state as QueueItemDto["metadata"],
    local: r.local_state as QueueItemDto["local"],
    created_at: r.created_at,
    updated_at: r.updated_at,
    uploaded_at: r.uploaded_at,
  };
}
