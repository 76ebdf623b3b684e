/**
 * The telemetry history: one table for every resolution (tier 0 raw samples, 1 one-minute
 * means, 2 ten-minute means), keyed by tier and time, so a range read is one index walk and the
 * oldest rows of a tier go with one delete. Without rowid: the key is the row.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE telemetry_samples (
    tier INTEGER NOT NULL,
    ts_ms INTEGER NOT NULL,
    n INTEGER NOT NULL,
    cpu_temp_c REAL,
    cpu_temp_max_c REAL,
    load_1m REAL,
    mem_available_bytes REAL,
    mem_total_bytes REAL,
    disk_free_bytes REAL,
    disk_total_bytes REAL,
    wifi_signal_dbm REAL,
    rss_bytes REAL,
    heap_used_bytes REAL,
    loop_delay_mean_ms REAL,
    loop_delay_max_ms REAL,
    throttled_bits INTEGER,
    PRIMARY KEY (tier, ts_ms)
  ) WITHOUT ROWID`,
];

export const telemetry: Migration = {
  version: 12,
  name: "telemetry",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
