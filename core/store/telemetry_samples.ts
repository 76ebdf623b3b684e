/**
 * The telemetry history table: points of one tier inserted, read by time range, and the oldest
 * deleted. A point's figures are stored as one JSON array in the order of `TELEMETRY_FIELDS`
 * (append only: a row written before a field existed reads it as null). What a tier means and how
 * points are aggregated is core/telemetry/history.ts's.
 */
import type { Kysely } from "kysely";
import { Database } from "./db.ts";
import type { DB, TelemetrySamplesTable } from "./schema.ts";

/** The figures of a point, in their stored order. Append new ones; never reorder. */
export const TELEMETRY_FIELDS = [
  "cpu_temp_c",
  "cpu_temp_max_c",
  "load_1m",
  "mem_available_bytes",
  "mem_total_bytes",
  "disk_free_bytes",
  "disk_total_bytes",
  "wifi_signal_dbm",
  "rss_bytes",
  "heap_used_bytes",
  "loop_delay_mean_ms",
  "loop_delay_max_ms",
  "throttled_bits",
] as const;
export type TelemetryField = typeof TELEMETRY_FIELDS[number];

export type TelemetryRow =
  & { tier: number; ts_ms: number; n: number }
  & Record<TelemetryField, number | null>;

export class TelemetrySampleRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  /** Runs `work` in one transaction (one commit, one fsync). */
  transaction<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute(work);
  }

  async insert(rows: readonly TelemetryRow[], db: Kysely<DB> = this.#db): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      const values: TelemetrySamplesTable[] = rows.slice(i, i + 500).map((r) => ({
        tier: r.tier,
        ts_ms: r.ts_ms,
        n: r.n,
        // Three decimals are finer than any of these figures is measured.
        data: JSON.stringify(
          TELEMETRY_FIELDS.map((f) => r[f] === null ? null : Math.round(r[f]! * 1000) / 1000),
        ),
      }));
      await db.insertInto("telemetry_samples").values(values)
        .onConflict((oc) =>
          oc.columns(["tier", "ts_ms"]).doUpdateSet((eb) => ({
            n: eb.ref("excluded.n"),
            data: eb.ref("excluded.data"),
          }))
        ).execute();
    }
  }

  /** Points of `tier` with fromMs ≤ ts_ms < toMs, oldest first. */
  async range(
    tier: number,
    fromMs: number,
    toMs: number,
    db: Kysely<DB> = this.#db,
  ): Promise<TelemetryRow[]> {
    const rows = await db.selectFrom("telemetry_samples").selectAll()
      .where("tier", "=", tier).where("ts_ms", ">=", fromMs).where("ts_ms", "<", toMs)
      .orderBy("ts_ms").execute();
    return rows.map(decode);
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

function decode(row: TelemetrySamplesTable): TelemetryRow {
  let values: unknown[] = [];
  try {
    const parsed = JSON.parse(row.data);
    if (Array.isArray(parsed)) values = parsed;
  } catch {
    // A damaged cell reads as a point with no figures, never as a failed history.
  }
  const out = { tier: row.tier, ts_ms: row.ts_ms, n: row.n } as TelemetryRow;
  TELEMETRY_FIELDS.forEach((f, i) => {
    const v = values[i];
    out[f] = typeof v === "number" && Number.isFinite(v) ? v : null;
  });
  return out;
}
