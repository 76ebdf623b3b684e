/**
 * Autofocus runs: one row per finished run (successful or not) with the tube temperature, the
 * best position found and the fit's quality, so temperature compensation can learn how many
 * steps best focus moves per °C from past successful runs, and the phone can show the history.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE autofocus_runs (
    id TEXT PRIMARY KEY NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
    reason TEXT,
    temperature_c REAL,
    filter TEXT,
    start_position INTEGER NOT NULL,
    best_position INTEGER,
    hfr_px REAL,
    r_squared REAL,
    exposures INTEGER NOT NULL
  )`,
  `CREATE INDEX autofocus_runs_ok ON autofocus_runs (ok, ended_at)`,
];

export const autofocus: Migration = {
  version: 7,
  name: "autofocus",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
