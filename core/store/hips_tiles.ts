/**
 * The HiPS cache's index in the database: one row per cached file with its size, when it was
 * fetched and when it was last served, so the cache finds the least recently used files to evict
 * and knows its size after a restart without walking the disk.
 */
import { type Kysely, sql } from "kysely";
import { Database } from "./db.ts";
import type { DB, HipsTilesTable } from "./schema.ts";

export type CachedFileRow = HipsTilesTable;

export class HipsTileRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  async get(survey: string, path: string): Promise<CachedFileRow | null> {
    return await this.#db.selectFrom("hips_tiles").selectAll()
      .where("survey", "=", survey).where("path", "=", path).executeTakeFirst() ?? null;
  }

  async upsert(row: CachedFileRow): Promise<void> {
    await this.#db.insertInto("hips_tiles").values(row).onConflict((oc) =>
      oc.columns(["survey", "path"]).doUpdateSet({
        bytes: row.bytes,
        content_type: row.content_type,
        fetched_at: row.fetched_at,
        last_used_at: row.last_used_at,
      })
    ).execute();
  }

  async touch(survey: string, path: string, atMs: number): Promise<void> {
    await this.#db.updateTable("hips_tiles").set({ last_used_at: atMs })
      .where("survey", "=", survey).where("path", "=", path).execute();
  }

  async remove(survey: string, path: string): Promise<void> {
    await this.#db.deleteFrom("hips_tiles").where("survey", "=", survey).where("path", "=", path)
      .execute();
  }

  /**
   * Writes many changes in one transaction (one commit, one fsync): the cache indexes files in
   * batches, so a prefetch of a thousand tiles is not a thousand synchronous commits.
   */
  async apply(batch: {
    upserts: CachedFileRow[];
    touches: { survey: string; path: string; atMs: number }[];
    removes: { survey: string; path: string }[];
  }): Promise<void> {
    if (batch.upserts.length + batch.touches.length + batch.removes.length === 0) return;
    await this.#db.transaction().execute(async (trx) => {
      const repo = new HipsTileRepository(trx);
      for (const row of batch.upserts) await repo.upsert(row);
      for (const t of batch.touches) await repo.touch(t.survey, t.path, t.atMs);
      for (const r of batch.removes) await repo.remove(r.survey, r.path);
    });
  }

  /** The `limit` least recently used files. */
  async oldest(limit: number): Promise<CachedFileRow[]> {
    return await this.#db.selectFrom("hips_tiles").selectAll().orderBy("last_used_at")
      .orderBy("fetched_at").limit(limit).execute();
  }

  async totals(): Promise<{ files: number; bytes: number }> {
    const row = await this.#db.selectFrom("hips_tiles")
      .select([sql<number>`count(*)`.as("files"), sql<number>`coalesce(sum(bytes), 0)`.as("bytes")])
      .executeTakeFirst();
    return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  async totalsBySurvey(): Promise<Map<string, { files: number; bytes: number }>> {
    const rows = await this.#db.selectFrom("hips_tiles")
      .select(["survey", sql<number>`count(*)`.as("files"), sql<number>`sum(bytes)`.as("bytes")])
      .groupBy("survey").execute();
    return new Map(rows.map((r) => [r.survey, { files: Number(r.files), bytes: Number(r.bytes) }]));
  }
}
