/**
 * The telemetry history: one table for every resolution (tier 0 raw samples, 1 one-minute
 * means, 2 ten-minute means), keyed by tier and time, so a range read is one index walk and the
 * oldest rows of a tier go with one delete. Without rowid: the key is the row. The figures of a
 * point are one JSON array, so a figure added later is one more element, not a migration.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  // `data` is a JSON array of the figures in the order of TELEMETRY_FIELDS (store/
  // telemetry_samples.ts): one text cell reads ~5× faster than a column per figure.
  `CREATE TABLE telemetry_samples (
    tier INTEGER NOT NULL,
    ts_ms INTEGER NOT NULL,
    n INTEGER NOT NULL,
    data TEXT NOT NULL,
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
