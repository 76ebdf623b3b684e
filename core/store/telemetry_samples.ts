/**
 * The telemetry history table: points of one tier inserted, read by time range, and the oldest
 * deleted. What a tier means and how points are aggregated is core/telemetry/history.ts's.
 */
import type { Kysely, Transaction } from "kysely";
import { Database } from "./db.ts";
import type { DB, TelemetrySamplesTable } from "./schema.ts";

export type TelemetryRow = TelemetrySamplesTable;

export class TelemetrySampleRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  /** Runs `work` in one transaction (one commit, one fsync). */
  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(work);
  }

  async insert(rows: readonly TelemetryRow[], db: Kysely<DB> = this.#db): Promise<void> {
    // SQLite takes at most 32766 parameters; 17 columns × 500 rows stays well below.
    for (let i = 0; i < rows.length; i += 500) {
      await db.insertInto("telemetry_samples").values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.columns(["tier", "ts_ms"]).doUpdateSet((eb) => ({
            n: eb.ref("excluded.n"),
            cpu_temp_c: eb.ref("excluded.cpu_temp_c"),
            cpu_temp_max_c: eb.ref("excluded.cpu_temp_max_c"),
            load_1m: eb.ref("excluded.load_1m"),
            mem_available_bytes: eb.ref("excluded.mem_available_bytes"),
            mem_total_bytes: eb.ref("excluded.mem_total_bytes"),
            disk_free_bytes: eb.ref("excluded.disk_free_bytes"),
            disk_total_bytes: eb.ref("excluded.disk_total_bytes"),
            wifi_signal_dbm: eb.ref("excluded.wifi_signal_dbm"),
            rss_bytes: eb.ref("excluded.rss_bytes"),
            heap_used_bytes: eb.ref("excluded.heap_used_bytes"),
            loop_delay_mean_ms: eb.ref("excluded.loop_delay_mean_ms"),
            loop_delay_max_ms: eb.ref("excluded.loop_delay_max_ms"),
            throttled_bits: eb.ref("excluded.throttled_bits"),
          }))
        ).execute();
    }
  }

  /** Points of `tier` with fromMs ≤ ts_ms < toMs, oldest first. */
  range(tier: number, fromMs: number, toMs: number, db: Kysely<DB> = this.#db) {
    return db.selectFrom("telemetry_samples").selectAll()
      .where("tier", "=", tier).where("ts_ms", ">=", fromMs).where("ts_ms", "<", toMs)
      .orderBy("ts_ms").execute();
  }

  /** The time of the newest (or oldest) point of `tier`, or null when it has none. */
  async edge(tier: number, which: "newest" | "oldest", db: Kysely<DB> = this.#db) {
    const row = await db.selectFrom("telemetry_samples").select("ts_ms").where("tier", "=", tier)
      .orderBy("ts_ms", which === "newest" ? "desc" : "asc").limit(1).executeTakeFirst();
    return row?.ts_ms ?? null;
  }

  async deleteOlder(tier: number, cutoffMs: number, db: Kysely<DB> = this.#db): Promise<number> {
    const result = await db.deleteFrom("telemetry_samples").where("tier", "=", tier)
      .where("ts_ms", "<", cutoffMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async count(tier?: number): Promise<number> {
    let query = this.#db.selectFrom("telemetry_samples")
      .select((eb) => eb.fn.countAll<number>().as("n"));
    if (tier !== undefined) query = query.where("tier", "=", tier);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }
}
