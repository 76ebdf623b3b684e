/**
 * Cloud sync's queue, parts and history (see migrations/008_sync.ts). Every step of an upload
 * that the store has confirmed is committed here before the next one starts — the upload id once
 * created, each part once the store answered for it, the item once verified — so a crash or a
 * power cut at any instant leaves a state the worker resumes without sending a confirmed byte
 * again. Frames are queued from the frames table itself (those not yet queued), not from events,
 * so a frame recorded while the box was busy or just before a crash is never skipped — and queued
 * again the same way when the frame's file revision moves past the row's (the file was rewritten
 * after it was queued or uploaded, e.g. by a plate solve).
 */
import { type Kysely, sql } from "kysely";
import type { Clock } from "../../lib/clock.ts";
import type { FrameDto } from "../schemas/camera.ts";
import type { HistoryEntryDto } from "../schemas/sync.ts";
import { Database } from "./db.ts";
import type { DB, SyncPartsTable, SyncQueueTable } from "./schema.ts";

export type QueueRow = Omit<SyncQueueTable, "id"> & { id: number };
export type PartRow = SyncPartsTable;
export type HistoryKind = HistoryEntryDto["kind"];

/** How many history entries are kept; older ones are dropped as new ones come. */
const HISTORY_CAP = 20_000;

export interface NewItem {
  kind: "frame" | "backup";
  frameId: string | null;
  path: string;
  key: string;
  bytes: number;
  /** The frame's file revision when it was queued (0 for a backup). */
  fileRevision?: number;
}

/** A frame row's file moved past its queue row's revision: the new revision and size. */
export type ChangedRow = QueueRow & { frame_revision: number; frame_bytes: number };

export class SyncRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;

  constructor(db: Kysely<DB> | Database, clock: Pick<Clock, "now">) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = clock;
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  /** Frames started at or after `sinceIso` of the given types that have no queue row yet. */
  async unqueuedFrames(
    o: { sinceIso: string; frameTypes: readonly FrameDto["frame_type"][]; limit: number },
  ): Promise<(FrameDto & { file_revision: number })[]> {
    if (o.frameTypes.length === 0) return [];
    const rows = await this.#db.selectFrom("frames")
      .leftJoin("sync_queue", "sync_queue.frame_id", "frames.id")
      .selectAll("frames")
      .where("sync_queue.id", "is", null)
      .where("frames.started_at", ">=", o.sinceIso)
      .where("frames.frame_type", "in", [...o.frameTypes])
      .orderBy("frames.started_at").orderBy("frames.id")
      .limit(o.limit)
      .execute();
    return rows as unknown as (FrameDto & { file_revision: number })[];
  }

  /** Queues items; a frame already queued is left as it is. Returns how many were added. */
  async enqueue(items: readonly NewItem[]): Promise<number> {
    if (items.length === 0) return 0;
    const now = this.#now();
    const result = await this.#db.insertInto("sync_queue").values(items.map((i) => ({
      kind: i.kind,
      frame_id: i.frameId,
      path: i.path,
      key: i.key,
      bytes: i.bytes,
      sha256: null,
      md5: null,
      state: "pending",
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      upload_id: null,
      part_size: null,
      etag: null,
      meta_state: i.kind === "frame" ? "pending" : "none",
      wcs: null,
      local_state: "kept",
      created_at: now,
      updated_at: now,
      uploaded_at: null,
      file_revision: i.fileRevision ?? 0,
      file_stamp: null,
    }))).onConflict((oc) => oc.column("frame_id").doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n);
  }

  /** Queues one item (a backup); answers its id. */
  async enqueueOne(item: NewItem): Promise<number> {
    const now = this.#now();
    const { insertId } = await this.#db.insertInto("sync_queue").values({
      kind: item.kind,
      frame_id: item.frameId,
      path: item.path,
      key: item.key,
      bytes: item.bytes,
      sha256: null,
      md5: null,
      state: "pending",
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
      upload_id: null,
      part_size: null,
      etag: null,
      meta_state: item.kind === "frame" ? "pending" : "none",
      wcs: null,
      local_state: "kept",
      created_at: now,
      updated_at: now,
      uploaded_at: null,
      file_revision: item.fileRevision ?? 0,
      file_stamp: null,
    }).executeTakeFirst();
    return Number(insertId);
  }

  async get(id: number): Promise<QueueRow | null> {
    return (await this.#db.selectFrom("sync_queue").selectAll().where("id", "=", id)
      .executeTakeFirst()) as QueueRow | undefined ?? null;
  }

  async byFrameId(frameId: string): Promise<QueueRow | null> {
    return (await this.#db.selectFrom("sync_queue").selectAll().where("frame_id", "=", frameId)
      .executeTakeFirst()) as QueueRow | undefined ?? null;
  }

  /**
   * The next item to work on: one already under way first (resume it), then backups, then frames
   * oldest first; only items whose retry time has come.
   */
  async nextDue(): Promise<QueueRow | null> {
    const now = this.#now();
    const row = await this.#db.selectFrom("sync_queue").selectAll()
      .where("state", "in", ["pending", "uploading"])
      .where((eb) => eb.or([eb("next_attempt_at", "is", null), eb("next_attempt_at", "<=", now)]))
      .orderBy(sql`CASE state WHEN 'uploading' THEN 0 ELSE 1 END`)
      .orderBy(sql`CASE kind WHEN 'backup' THEN 0 ELSE 1 END`)
      .orderBy("id")
      .limit(1).executeTakeFirst();
    return (row as QueueRow | undefined) ?? null;
  }

  /** When the earliest waiting retry is due (ISO), or null when none waits. */
  async nextRetryAt(): Promise<string | null> {
    const row = await this.#db.selectFrom("sync_queue")
      .select((eb) => eb.fn.min("next_attempt_at").as("at"))
      .where("state", "in", ["pending", "uploading"])
      .where("next_attempt_at", "is not", null)
      .executeTakeFirst();
    return (row?.at as string | null | undefined) ?? null;
  }

  async update(id: number, changes: Partial<Omit<QueueRow, "id">>): Promise<void> {
    await this.#db.updateTable("sync_queue").set({ ...changes, updated_at: this.#now() })
      .where("id", "=", id).execute();
  }

  /** Starts afresh: forgets the multipart upload (and its parts) of the item. */
  async resetUpload(id: number, changes: Partial<Omit<QueueRow, "id">> = {}): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom("sync_parts").where("item_id", "=", id).execute();
      await trx.updateTable("sync_queue")
        .set({ ...changes, upload_id: null, part_size: null, updated_at: this.#now() })
        .where("id", "=", id).execute();
    });
  }

  async parts(id: number, uploadId: string): Promise<PartRow[]> {
    return await this.#db.selectFrom("sync_parts").selectAll().where("item_id", "=", id)
      .where("upload_id", "=", uploadId).orderBy("part_number").execute();
  }

  /** Records a part the store confirmed; a part sent again replaces the old record. */
  async addPart(part: PartRow): Promise<void> {
    await this.#db.insertInto("sync_parts").values(part)
      .onConflict((oc) =>
        oc.columns(["item_id", "part_number"]).doUpdateSet({
          upload_id: part.upload_id,
          bytes: part.bytes,
          md5: part.md5,
          etag: part.etag,
        })
      ).execute();
  }

  /**
   * The item is in the store and verified: one commit for the row, its parts and the history —
   * only while the row still describes what was uploaded (`uploaded`: its SHA-256 and the file
   * revision the upload started from). A row queued again meanwhile (its file changed) is left as
   * it is, to be uploaded again; the answer is then false.
   */
  async markDone(
    id: number,
    o: {
      etag: string;
      key: string;
      uploaded: { sha256: string; fileRevision: number };
      history: { kind: HistoryKind; bytes: number; durationMs: number | null; message?: string };
    },
    localState: "kept" | "delete_pending",
  ): Promise<boolean> {
    const now = this.#now();
    return await this.#db.transaction().execute(async (trx) => {
      const done = await trx.updateTable("sync_queue").set({
        state: "done",
        etag: o.etag,
        key: o.key,
        upload_id: null,
        last_error: null,
        next_attempt_at: null,
        local_state: localState,
        uploaded_at: now,
        updated_at: now,
      }).where("id", "=", id).where("sha256", "=", o.uploaded.sha256)
        .where("file_revision", "=", o.uploaded.fileRevision).executeTakeFirst();
      if (done.numUpdatedRows === 0n) return false;
      await trx.deleteFrom("sync_parts").where("item_id", "=", id).execute();
      await addHistory(trx, now, {
        kind: o.history.kind,
        itemId: id,
        key: o.key,
        bytes: o.history.bytes,
        durationMs: o.history.durationMs,
        message: o.history.message ?? null,
      });
      return true;
    });
  }

  /** Frame rows whose file was rewritten after their queue row was made or last queued again. */
  async changedFrames(limit: number): Promise<ChangedRow[]> {
    // The literal `> 0` lets SQLite walk the partial index of rewritten frames only.
    const rows = await this.#db.selectFrom("frames")
      .innerJoin("sync_queue", "sync_queue.frame_id", "frames.id")
      .selectAll("sync_queue")
      .select(["frames.file_revision as frame_revision", "frames.bytes as frame_bytes"])
      .where(sql<boolean>`frames.file_revision > 0`)
      .whereRef("frames.file_revision", ">", "sync_queue.file_revision")
      .orderBy("sync_queue.id").limit(limit).execute();
    return rows as ChangedRow[];
  }

  /**
   * Queues a frame again because its file changed (revision `row.frame_revision`): its digests
   * are taken again (the stamp is forgotten; the old SHA-256 stays, so an upload of the old
   * content is recognised and abandoned), its sidecar is sent again, a deletion waits for the new
   * upload (call it only while the file is there). An item under way stays `uploading`, so it is taken up first. One commit with its
   * history entry; false when the row moved meanwhile.
   */
  async requeueChanged(row: ChangedRow, message: string): Promise<boolean> {
    const now = this.#now();
    return await this.#db.transaction().execute(async (trx) => {
      const done = await trx.updateTable("sync_queue").set({
        state: row.state === "uploading" ? "uploading" : "pending",
        bytes: row.frame_bytes,
        file_stamp: null,
        file_revision: row.frame_revision,
        attempts: 0,
        next_attempt_at: null,
        last_error: null,
        meta_state: row.meta_state === "none" ? "none" : "pending",
        // The file is here (the caller checked): a deletion waits for the new upload.
        local_state: "kept",
        updated_at: now,
      }).where("id", "=", row.id).where("file_revision", "=", row.file_revision)
        .executeTakeFirst();
      if (done.numUpdatedRows === 0n) return false;
      await addHistory(trx, now, {
        kind: "file_changed",
        itemId: row.id,
        key: row.key,
        bytes: row.frame_bytes,
        durationMs: null,
        message,
      });
      return true;
    });
  }

  async history(
    entry: {
      kind: HistoryKind;
      itemId?: number | null;
      key?: string | null;
      bytes?: number | null;
      durationMs?: number | null;
      message?: string | null;
    },
  ): Promise<void> {
    await addHistory(this.#db, this.#now(), {
      kind: entry.kind,
      itemId: entry.itemId ?? null,
      key: entry.key ?? null,
      bytes: entry.bytes ?? null,
      durationMs: entry.durationMs ?? null,
      message: entry.message ?? null,
    });
  }

  async listHistory(o: { limit: number; before?: number }): Promise<HistoryEntryDto[]> {
    let q = this.#db.selectFrom("sync_history").selectAll();
    if (o.before !== undefined) q = q.where("id", "<", o.before);
    const rows = await q.orderBy("id", "desc").limit(o.limit).execute();
    return rows as HistoryEntryDto[];
  }

  async lastHistory(kind: HistoryKind): Promise<HistoryEntryDto | null> {
    const row = await this.#db.selectFrom("sync_history").selectAll().where("kind", "=", kind)
      .orderBy("id", "desc").limit(1).executeTakeFirst();
    return (row as HistoryEntryDto | undefined) ?? null;
  }

  async list(o: { state?: string; limit: number; before?: number }): Promise<QueueRow[]> {
    let q = this.#db.selectFrom("sync_queue").selectAll();
    if (o.state !== undefined) q = q.where("state", "=", o.state);
    if (o.before !== undefined) q = q.where("id", "<", o.before);
    return await q.orderBy("id", "desc").limit(o.limit).execute() as QueueRow[];
  }

  async partCounts(ids: readonly number[]): Promise<Map<number, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.#db.selectFrom("sync_parts")
      .innerJoin("sync_queue", (j) =>
        j.onRef("sync_queue.id", "=", "sync_parts.item_id")
          .onRef("sync_queue.upload_id", "=", "sync_parts.upload_id"))
      .select(["sync_parts.item_id as id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("sync_parts.item_id", "in", [...ids]).groupBy("sync_parts.item_id").execute();
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  }

  async counts() {
    const rows = await this.#db.selectFrom("sync_queue")
      .select([
        "state",
        (eb) => eb.fn.countAll<number>().as("n"),
        (eb) => eb.fn.sum<number>("bytes").as("bytes"),
      ])
      .groupBy("state").execute();
    const of = (state: string) => rows.find((r) => r.state === state);
    const deletes = await this.#db.selectFrom("sync_queue")
      .select((eb) => eb.fn.countAll<number>().as("n")).where("local_state", "=", "delete_pending")
      .executeTakeFirst();
    return {
      pending: Number(of("pending")?.n ?? 0),
      uploading: Number(of("uploading")?.n ?? 0),
      failed: Number(of("failed")?.n ?? 0),
      done: Number(of("done")?.n ?? 0),
      pending_bytes: Number(of("pending")?.bytes ?? 0) + Number(of("uploading")?.bytes ?? 0),
      delete_pending: Number(deletes?.n ?? 0),
    };
  }

  /** Failed items (these ids, or all) back to pending with a fresh count of attempts. */
  async retryFailed(ids?: readonly number[]): Promise<number> {
    let q = this.#db.updateTable("sync_queue").set({
      state: "pending",
      attempts: 0,
      next_attempt_at: null,
      updated_at: this.#now(),
    }).where("state", "=", "failed");
    if (ids !== undefined) {
      if (ids.length === 0) return 0;
      q = q.where("id", "in", [...ids]);
    }
    return Number((await q.executeTakeFirst()).numUpdatedRows);
  }

  /** Uploaded frames whose metadata sidecar is still to be sent (or sent again, with a solve). */
  async pendingSidecars(limit = 20): Promise<QueueRow[]> {
    return await this.#db.selectFrom("sync_queue").selectAll()
      .where("state", "=", "done").where("meta_state", "=", "pending")
      .orderBy("id").limit(limit).execute() as QueueRow[];
  }

  /** Uploaded frames waiting for their local file to be removed. */
  async pendingDeletes(limit = 50): Promise<QueueRow[]> {
    return await this.#db.selectFrom("sync_queue").selectAll()
      .where("local_state", "=", "delete_pending").orderBy("id").limit(limit)
      .execute() as QueueRow[];
  }

  /** Backups queued and not yet under way (a newer snapshot replaces them). */
  async waitingBackups(): Promise<QueueRow[]> {
    return await this.#db.selectFrom("sync_queue").selectAll().where("kind", "=", "backup")
      .where("state", "=", "pending").where("upload_id", "is", null).execute() as QueueRow[];
  }

  /** Frame queue rows whose file is at `path` (relative to the data dir). */
  async byPath(path: string): Promise<QueueRow | null> {
    return (await this.#db.selectFrom("sync_queue").selectAll().where("path", "=", path)
      .where("kind", "=", "frame").executeTakeFirst()) as QueueRow | undefined ?? null;
  }

  async frame(
    id: string,
  ): Promise<(FrameDto & { sequence_id: string | null; file_revision: number }) | null> {
    const row = await this.#db.selectFrom("frames").selectAll().where("id", "=", id)
      .executeTakeFirst();
    return (row as unknown as
      | FrameDto & { sequence_id: string | null; file_revision: number }
      | undefined) ?? null;
  }
}

async function addHistory(
  db: Kysely<DB>,
  at: string,
  e: {
    kind: HistoryKind;
    itemId: number | null;
    key: string | null;
    bytes: number | null;
    durationMs: number | null;
    message: string | null;
  },
): Promise<void> {
  const { insertId } = await db.insertInto("sync_history").values({
    at,
    kind: e.kind,
    item_id: e.itemId,
    key: e.key,
    bytes: e.bytes,
    duration_ms: e.durationMs === null ? null : Math.round(e.durationMs),
    message: e.message,
  }).executeTakeFirst();
  // Bounded: drop what falls off the end (cheap: by the primary key).
  if (insertId !== undefined && Number(insertId) % 500 === 0) {
    await db.deleteFrom("sync_history").where("id", "<=", Number(insertId) - HISTORY_CAP).execute();
  }
}
