/**
 * What the sync worker records once an item's upload has ended: on success the queue row, the
 * history and `sync.uploaded` (and, for a database snapshot, the pruning of old ones and
 * `sync.backup_completed`); on failure the attempt, its next time or the giving up, the history
 * and `sync.failed`. Whether a failure is transient, and so never given up, is decided here too.
 * The worker keeps what only it knows: its state, its alerts, being offline.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import type { SyncSettings } from "../schemas/sync.ts";
import type { QueueRow, SyncRepository } from "../store/sync.ts";
import type { Backups } from "./backup.ts";
import type { S3Client } from "./s3/client.ts";
import { S3Error } from "./s3/errors.ts";
import { NetworkError } from "./s3/transport.ts";
import { MissingFileError, type UploadOutcome } from "./uploader.ts";

export interface OutcomeDeps {
  repo: SyncRepository;
  backups: Backups;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  tunables: { retryBaseMs: number; retryMaxMs: number; maxAttempts: number };
}

/**
 * Records an upload that went through. False when the item was queued again while it went up
 * (its file changed): the new version follows, and nothing is announced for this one.
 */
export async function recordUploaded(
  d: OutcomeDeps,
  item: QueueRow,
  outcome: UploadOutcome,
  o: { settings: SyncSettings; durationMs: number },
): Promise<boolean> {
  const localState = item.kind === "frame" && o.settings.delete_after_upload
    ? "delete_pending"
    : "kept";
  const recorded = await d.repo.markDone(item.id, {
    etag: outcome.etag,
    key: outcome.key,
    uploaded: { sha256: outcome.sha256, fileRevision: item.file_revision },
    history: {
      kind: outcome.alreadyPresent
        ? "already_present"
        : outcome.replaced !== null
        ? "replaced"
        : "uploaded",
      bytes: outcome.bytes,
      durationMs: o.durationMs,
      message: historyNote(outcome),
    },
  }, localState);
  if (!recorded) {
    d.log.info("an upload was overtaken by a newer version of its file", { key: outcome.key });
    return false;
  }
  d.bus.publish("sync.uploaded", {
    item_id: item.id,
    kind: item.kind as "frame" | "backup",
    frame_id: item.frame_id,
    key: outcome.key,
    bytes: outcome.bytes,
    sha256: outcome.sha256,
    etag: outcome.etag,
    duration_ms: o.durationMs,
    already_present: outcome.alreadyPresent,
    resumed_parts: outcome.resumedParts,
    replaced: outcome.replaced !== null,
  });
  return true;
}

/** A database snapshot is in the store: older ones beyond the kept count go. */
export async function recordBackupCompleted(
  d: OutcomeDeps,
  item: QueueRow,
  outcome: UploadOutcome,
  o: { client: S3Client; settings: SyncSettings; durationMs: number; signal: AbortSignal },
): Promise<void> {
  const pruned = await d.backups.completed(o.client, o.settings, item.path, o.signal).catch(
    (err) => {
      d.log.warn("could not prune old database snapshots", { error: (err as Error).message });
      return [] as string[];
    },
  );
  await d.repo.history({
    kind: "backup_completed",
    itemId: item.id,
    key: outcome.key,
    bytes: outcome.bytes,
    durationMs: o.durationMs,
  });
  d.bus.publish("sync.backup_completed", {
    item_id: item.id,
    key: outcome.key,
    bytes: outcome.bytes,
    sha256: outcome.sha256,
    pruned,
  });
}

export interface FailureRecord {
  /** The row as it was before this attempt was counted. */
  row: QueueRow;
  attempts: number;
  giveUp: boolean;
}

/**
 * Counts a failed attempt: a transient failure of the store (5xx, SlowDown, a reset) backs off,
 * doubling up to `retryMaxMs`, and is never given up; a refusal is given up after
 * `maxAttempts`, a file gone from the disk at once.
 */
export async function recordFailure(
  d: OutcomeDeps,
  item: QueueRow,
  error: Error,
): Promise<FailureRecord> {
  const row = (await d.repo.get(item.id)) ?? item;
  const attempts = row.attempts + 1;
  const t = d.tunables;
  const transient = (error instanceof S3Error && error.retryable) ||
    error instanceof NetworkError;
  const giveUp = error instanceof MissingFileError || (!transient && attempts >= t.maxAttempts);
  const nextMs = d.clock.now() +
    Math.min(t.retryMaxMs, t.retryBaseMs * 2 ** Math.min(attempts - 1, 20));
  const next = giveUp ? null : new Date(nextMs).toISOString();
  await d.repo.update(item.id, {
    attempts,
    last_error: error.message.slice(0, 1000),
    next_attempt_at: next,
    state: giveUp ? "failed" : row.state,
  });
  d.log.warn("upload attempt failed", {
    key: row.key,
    attempts,
    error: error.message,
    will_retry: !giveUp,
  });
  d.bus.publish("sync.failed", {
    item_id: item.id,
    kind: item.kind as "frame" | "backup",
    frame_id: item.frame_id,
    key: row.key,
    error: error.message,
    attempts,
    will_retry: !giveUp,
    next_attempt_at: next,
  });
  await d.repo.history(
    giveUp
      ? { kind: "gave_up", itemId: item.id, key: row.key, bytes: row.bytes, message: error.message }
      : { kind: "failed", itemId: item.id, key: row.key, message: error.message },
  );
  return { row, attempts, giveUp };
}

function historyNote(o: UploadOutcome): string | undefined {
  const notes = [
    o.replaced !== null ? `replaced our copy of sha256 ${o.replaced}` : null,
    o.resumedParts > 0 ? `resumed with ${o.resumedParts} parts already confirmed` : null,
  ].filter((n) => n !== null);
  return notes.length > 0 ? notes.join("; ") : undefined;
}
