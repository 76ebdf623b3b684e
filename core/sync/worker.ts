/**
 * The background worker of cloud sync: one loop that queues new frames (read from the frames
 * table, so none is skipped), takes the daily database snapshot, waits quietly while there is no
 * route to the store, and uploads one item at a time through uploader.ts — then the metadata
 * sidecar, then, if asked, removes the local file once the store confirms it. Every step's state
 * is in the database before the next starts, so stopping (shutdown, pause, a settings change)
 * aborts the request in flight and leaves nothing that the next run cannot resume.
 *
 * Failures are sorted by what they mean. No route, refused, no DNS: the box is offline — wait and
 * probe again, count nothing, alert nobody. A transient failure of the store (5xx, SlowDown, a
 * reset, after the client's own retries): back off per item, doubling up to `retry_max_s`, never
 * giving up. A refusal (403, a missing bucket, a mismatch after upload): after `max_attempts` the
 * item is marked failed and one alert says so; POST /sync/retry or new settings queue it again.
 * Alerts are rate-limited per kind of error, so a broken store never floods the phone.
 *
 * A frame's file can change after it was queued or uploaded (a plate solve writes its WCS into the
 * header). The frame row's file revision says so durably; each scan queues such frames again, so
 * their copy in the store is replaced at the same key. Told of a change at once
 * (`frameFileChanged`), the worker also stops an upload of that frame's old content in flight.
 * A file found changed during its own upload (its stamp moved) is not a failure either: it goes up
 * again, counting no attempt.
 */
import type { LookupFunction } from "node:net";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { SyncProgressDto, SyncSettings, SyncState } from "../schemas/sync.ts";
import type { QueueRow, SyncRepository } from "../store/sync.ts";
import type { Backups } from "./backup.ts";
import { requeueChangedFrames } from "./changed_files.ts";
import { frameKey } from "./keys.ts";
import type { Reachability } from "./reachability.ts";
import { S3Client, type S3Target } from "./s3/client.ts";
import { S3Error } from "./s3/errors.ts";
import { NetworkError } from "./s3/transport.ts";
import { isConfigured, type SettingsStore } from "./settings.ts";
import { Housekeeping } from "./housekeeping.ts";
import { TokenBucket } from "./token_bucket.ts";
import { abandonUpload, FileChangedError, uploadItem, type UploadProgress } from "./uploader.ts";
import { recordBackupCompleted, recordFailure, recordUploaded } from "./outcomes.ts";

export interface SyncTunables {
  probeIntervalMs: number;
  scanIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  requestAttempts: number;
  requestRetryBaseMs: number;
  requestTimeoutMs: number;
}

/** Why a frame must stay on disk for now (a running sequence, the live stack), or null. */
export type FrameHold = (frame: FrameDto & { sequence_id: string | null }) => string | null;

export interface Site {
  latitudeDeg: number;
  longitudeDeg: number;
  elevationM: number;
}

export interface SyncWorkerOptions {
  repo: SyncRepository;
  settings: SettingsStore;
  backups: Backups;
  reachability: Reachability;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  dataDir: string;
  tunables: SyncTunables;
  /** The active profile's site: the night of a frame is local to it. */
  site: () => Site | null;
  holds: FrameHold;
  version: string;
  /** Host name resolution for the store (tests; like curl --resolve). */
  lookup?: LookupFunction;
}

const ALERT_EVERY_MS = 3_600_000;

export class SyncWorker {
  readonly #o: SyncWorkerOptions;
  readonly #bucket: TokenBucket;
  /** Sidecars, local deletions, stale uploads: done when nothing waits to upload. */
  readonly #chores: Housekeeping;
  #loop: Promise<void> | null = null;
  #stop = new AbortController();
  /** Aborted to wake the loop from a wait. */
  #wake = new AbortController();
  /** Aborted to stop the upload in flight (pause, new settings). */
  #interrupt = new AbortController();
  #paused = false;
  #state: SyncState = "disabled";
  #reason: string | null = null;
  #online: boolean | null = null;
  #checkedAtMs: number | null = null;
  #current: SyncProgressDto | null = null;
  /** The item being worked on (upload, sidecar), for a change notice to stop it. */
  #inFlight: QueueRow | null = null;
  #lastError: string | null = null;
  #lastUploadedAt: string | null = null;
  #client: { fingerprint: string; client: S3Client } | null = null;
  #lastScanMs = 0;
  #scanWanted = true;
  #alerted = new Map<string, number>();
  #rate: [number, number][] = [];
  #lastProgressMs = 0;
  /** The step under way, and how many callers hold the worker still (`exclusive`). */
  #stepDone: Promise<void> = Promise.resolve();
  #holds = 0;

  constructor(o: SyncWorkerOptions) {
    this.#o = o;
    this.#bucket = new TokenBucket(o.clock);
    this.#chores = new Housekeeping({
      ...o,
      client: (s) => this.client(s),
      metadata: (row) => this.#metadata(row),
    });
  }

  get state(): SyncState {
    return this.#state;
  }

  snapshot() {
    return {
      state: this.#state,
      reason: this.#reason,
      online: this.#online,
      checkedAt: this.#checkedAtMs === null ? null : new Date(this.#checkedAtMs).toISOString(),
      current: this.#current,
      lastError: this.#lastError,
      lastUploadedAt: this.#lastUploadedAt,
      bandwidth: this.#bucket.bytesPerS,
    };
  }

  start(paused: boolean): void {
    if (this.#loop) return;
    this.#paused = paused;
    this.#loop = this.#run();
  }

  /** Stops the loop and the request in flight; the queue stays resumable. */
  async stop(): Promise<void> {
    this.#stop.abort(new DOMException("cloud sync is stopping", "AbortError"));
    await this.#loop;
    this.#loop = null;
    this.#client?.client.close();
    this.#client = null;
  }

  /** Something may be waiting: new frames, a retry, a backup. */
  wake(scan = false): void {
    if (scan) this.#scanWanted = true;
    this.#wake.abort();
  }

  /**
   * A recorded frame's file was rewritten (its row already says so): an upload of its old content
   * in flight stops (resumable, then abandoned when the new digests differ) and the next step
   * queues the frame again.
   */
  frameFileChanged(frameId: string): void {
    if (this.#inFlight?.frame_id === frameId) {
      this.#interrupt.abort(new DOMException("the frame's file changed", "AbortError"));
    }
    this.wake(true);
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (paused) this.#interrupt.abort(new DOMException("paused", "AbortError"));
    this.wake();
  }

  /**
   * Runs `fn` while the worker stands still: the upload in flight is stopped (resumable) and no
   * step starts until `fn` is done — for changes that rewrite the queue under it.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.#holds++;
    this.#interrupt.abort(new DOMException("the queue is being changed", "AbortError"));
    this.#wake.abort();
    try {
      await this.#stepDone.catch(() => {});
      return await fn();
    } finally {
      this.#holds--;
      this.wake();
    }
  }

  /** The settings changed: drop the client, stop the upload in flight, look again. */
  settingsChanged(): void {
    this.#online = null;
    this.#chores.reset();
    this.#interrupt.abort(new DOMException("the settings changed", "AbortError"));
    this.wake(true);
  }

  /** A client for the current settings (shared with the service for listing and restoring). */
  client(s: SyncSettings): S3Client {
    const t = this.#o.tunables;
    const target: S3Target = {
      endpoint: s.endpoint!,
      region: s.region,
      bucket: s.bucket!,
      addressing: s.addressing,
      credentials: { accessKeyId: s.access_key_id!, secretAccessKey: s.secret_access_key! },
    };
    const fingerprint = JSON.stringify(target);
    if (this.#client?.fingerprint !== fingerprint) {
      this.#client?.client.close();
      const client = new S3Client({
        target,
        clock: this.#o.clock,
        retry: {
          attempts: t.requestAttempts,
          baseMs: t.requestRetryBaseMs,
          maxMs: Math.max(t.requestRetryBaseMs, 30_000),
        },
        idleTimeoutMs: t.requestTimeoutMs,
        pace: (bytes, signal) => this.#bucket.take(bytes, signal),
        onRetry: (r) =>
          this.#o.log.info("retrying a request to the store", {
            operation: r.operation,
            attempt: r.attempt,
            delay_ms: r.delayMs,
            error: r.error.message,
          }),
        lookup: this.#o.lookup,
      });
      this.#client = { fingerprint, client };
    }
    return this.#client.client;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        this.#stepDone = this.#holds > 0 ? this.#sleep(60_000) : this.#step();
        await this.#stepDone;
      } catch (err) {
        if (signal.aborted) break;
        this.#o.log.error("cloud sync step failed", { error: (err as Error).message });
        this.#lastError = (err as Error).message;
        await this.#sleep(this.#o.tunables.retryBaseMs);
      }
    }
  }

  async #step(): Promise<void> {
    const s = this.#o.settings.current;
    const t = this.#o.tunables;
    if (this.#o.settings.problem !== null) {
      return await this.#idle("disabled", this.#o.settings.problem);
    }
    if (!s.enabled) return await this.#idle("disabled", null);
    if (!isConfigured(s)) {
      return await this.#idle("unconfigured", "endpoint, bucket or credentials missing");
    }
    if (this.#paused) return await this.#idle("paused", "paused by the user");
    if (this.#bucket.bytesPerS !== s.bandwidth_limit_bytes_per_s) {
      this.#bucket.setRate(s.bandwidth_limit_bytes_per_s);
    }

    const now = this.#o.clock.now();
    if (this.#scanWanted || now - this.#lastScanMs >= t.scanIntervalMs) await this.#scan(s);
    await this.#o.backups.maybeScheduled(s, now, this.#o.site()?.longitudeDeg ?? 0);

    if (this.#online !== true) {
      if (
        this.#online === false && this.#checkedAtMs !== null &&
        now - this.#checkedAtMs < t.probeIntervalMs
      ) {
        return await this.#idle(
          "offline",
          this.#reason,
          this.#checkedAtMs + t.probeIntervalMs - now,
        );
      }
      const reach = await this.#o.reachability.check(new URL(s.endpoint!));
      this.#checkedAtMs = this.#o.clock.now();
      this.#online = reach.online;
      if (!reach.online) return await this.#idle("offline", reach.reason, t.probeIntervalMs);
    }

    const interrupt = this.#interrupt = new AbortController();
    const signal = AbortSignal.any([this.#stop.signal, interrupt.signal]);
    const item = await this.#o.repo.nextDue();
    if (item) {
      this.#setState("uploading", null);
      return await this.#process(item, s, signal);
    }
    const chores = await this.#chores.run(s, signal);
    if (chores.error !== null) this.#lastError = chores.error;
    if (chores.worked) return;
    const retryAt = await this.#o.repo.nextRetryAt();
    const untilRetry = retryAt === null ? Infinity : Date.parse(retryAt) - this.#o.clock.now();
    const untilBackup = ((await this.#o.backups.nextDueMs(
      s,
      this.#o.clock.now(),
      this.#o.site()?.longitudeDeg ?? 0,
    )) ??
      Infinity) - this.#o.clock.now();
    await this.#idle(
      "idle",
      null,
      Math.max(0, Math.min(t.scanIntervalMs, untilRetry, untilBackup)),
    );
  }

  async #idle(
    state: SyncState,
    reason: string | null,
    waitMs = this.#o.tunables.scanIntervalMs,
  ): Promise<void> {
    this.#setState(state, reason);
    await this.#sleep(waitMs);
  }

  #setState(state: SyncState, reason: string | null): void {
    if (state === this.#state && reason === this.#reason) return;
    const previous = this.#state;
    this.#state = state;
    this.#reason = reason;
    if (state !== previous) {
      // One line and one event per change: an offline box in a field says so once.
      this.#o.log.info("cloud sync state changed", { state, previous, reason });
      this.#o.bus.publish("sync.state_changed", { state, previous, reason });
    }
  }

  /** Sleeps until woken, stopped, or `ms` passed. */
  async #sleep(ms: number): Promise<void> {
    const wake = this.#wake = new AbortController();
    try {
      await this.#o.clock.sleep(
        Math.min(ms, 2 ** 31 - 1),
        AbortSignal.any([this.#stop.signal, wake.signal]),
      );
    } catch {
      // woken or stopping: the loop looks again
    }
  }

  async #scan(s: SyncSettings): Promise<void> {
    this.#scanWanted = false;
    this.#lastScanMs = this.#o.clock.now();
    await requeueChangedFrames(this.#o);
    const since = s.sync_since ?? new Date(this.#o.clock.now()).toISOString();
    const longitude = this.#o.site()?.longitudeDeg ?? 0;
    for (let page = 0; page < 20; page++) {
      const frames = await this.#o.repo.unqueuedFrames({
        sinceIso: since,
        frameTypes: s.frame_types,
        limit: 200,
      });
      if (frames.length === 0) return;
      const added = await this.#o.repo.enqueue(frames.map((f) => ({
        kind: "frame" as const,
        frameId: f.id,
        path: f.path,
        key: frameKey(s.prefix, f, longitude),
        bytes: f.bytes,
        fileRevision: f.file_revision,
      })));
      if (added > 0) this.#o.log.debug("queued frames for the store", { added });
      if (frames.length < 200) return;
    }
  }

  async #process(item: QueueRow, s: SyncSettings, signal: AbortSignal): Promise<void> {
    const client = this.client(s);
    const startedMs = this.#o.clock.now();
    this.#inFlight = item;
    this.#rate = [];
    this.#current = progressOf(item, {
      sentBytes: 0,
      totalBytes: item.bytes,
      part: null,
      parts: null,
    }, null);
    try {
      const outcome = await uploadItem(item, {
        client,
        repo: this.#o.repo,
        dataDir: this.#o.dataDir,
        clock: this.#o.clock,
        log: this.#o.log,
        partSizeBytes: s.part_size_mb * 1024 * 1024,
        metadata: (row) => this.#metadata(row),
        onProgress: (p) => this.#progress(item, p),
        signal,
      });
      const durationMs = this.#o.clock.now() - startedMs;
      if (!await recordUploaded(this.#o, item, outcome, { settings: s, durationMs })) return;
      this.#lastUploadedAt = new Date(this.#o.clock.now()).toISOString();
      this.#lastError = null;
      if (item.kind === "backup") {
        await recordBackupCompleted(this.#o, item, outcome, {
          client,
          settings: s,
          durationMs,
          signal,
        });
      } else {
        await this.#chores.sidecar((await this.#o.repo.get(item.id))!, s, signal).catch((err) => {
          if (!signal.aborted) {
            this.#o.log.warn("metadata sidecar not uploaded yet", {
              key: outcome.key,
              error: (err as Error).message,
            });
          }
        });
      }
    } catch (err) {
      await this.#failed(item, err, signal);
    } finally {
      this.#current = null;
      this.#inFlight = null;
    }
  }

  async #failed(item: QueueRow, err: unknown, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return; // stopping, paused or new settings: resumable as it stands
    const error = err instanceof Error ? err : new Error(String(err));
    if (error instanceof FileChangedError) {
      // Not a failure: the next step digests the new version and sends it over this one.
      this.#o.log.info("a file changed while it was being uploaded; it goes up again", {
        key: item.key,
      });
      await this.#o.repo.history({
        kind: "file_changed",
        itemId: item.id,
        key: item.key,
        message: `${error.message}: uploading the new version`,
      });
      return;
    }
    this.#lastError = error.message;
    if (error instanceof NetworkError && error.unreachable) {
      this.#online = false;
      this.#checkedAtMs = this.#o.clock.now();
      this.#setState("offline", error.message);
      return;
    }
    const { row, attempts, giveUp } = await recordFailure(this.#o, item, error);
    if (giveUp && row.upload_id !== null) {
      await abandonUpload(row, {
        client: this.client(this.#o.settings.current),
        repo: this.#o.repo,
        log: this.#o.log,
        signal,
      }).catch(() => {});
    }
    if (giveUp || attempts === this.#o.tunables.maxAttempts) {
      const kind = error instanceof S3Error ? error.code : error.name;
      this.#alert(
        kind,
        giveUp
          ? `Cloud sync gave up on ${row.key} after ${attempts} attempts: ${error.message}`
          : `Cloud sync keeps failing (${attempts} attempts on ${row.key}): ${error.message}; it keeps trying`,
      );
    }
  }

  #alert(kind: string, message: string): void {
    const now = this.#o.clock.now();
    const last = this.#alerted.get(kind);
    if (last !== undefined && now - last < ALERT_EVERY_MS) return;
    this.#alerted.set(kind, now);
    this.#o.bus.publish("alert", { level: "warning", source: "sync", message });
  }

  #metadata(row: QueueRow): Record<string, string> {
    const meta: Record<string, string> = { "openskylab-kind": row.kind };
    if (row.frame_id !== null) meta["openskylab-frame-id"] = headerSafe(row.frame_id);
    return meta;
  }

  #progress(item: QueueRow, p: UploadProgress): void {
    const now = this.#o.clock.now();
    this.#rate.push([now, p.sentBytes]);
    while (this.#rate.length > 2 && now - this.#rate[0]![0] > 5000) this.#rate.shift();
    const [t0, b0] = this.#rate[0]!;
    const rate = now - t0 >= 500 ? ((p.sentBytes - b0) / (now - t0)) * 1000 : null;
    this.#current = progressOf(item, p, rate);
    if (now - this.#lastProgressMs >= 500 || p.sentBytes === p.totalBytes) {
      this.#lastProgressMs = now;
      this.#o.bus.publish("sync.progress", this.#current);
    }
  }
}

function progressOf(item: QueueRow, p: UploadProgress, rate: number | null): SyncProgressDto {
  return {
    item_id: item.id,
    kind: item.kind as "frame" | "backup",
    key: item.key,
    bytes_sent: p.sentBytes,
    bytes_total: p.totalBytes,
    percent: p.totalBytes === 0 ? 100 : Math.min(100, (p.sentBytes / p.totalBytes) * 100),
    rate_bytes_per_s: rate,
    part: p.part,
    parts: p.parts,
  };
}

/** Metadata travels in HTTP headers: printable ASCII only. */
function headerSafe(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}
