/**
 * The calibration library: one row per master frame (bias, dark, flat, dark-flat) built from a
 * run of raw frames, with the settings a light must share to be calibrated by it. A dark-flat is
 * captured as a camera "dark" at the flat's exposure; only this table knows it as `darkflat`.
 * The master's pixels live in a FITS file under `<data dir>/calibration/`; `path` is relative.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE calibration_masters (
    id TEXT PRIMARY KEY NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('bias', 'dark', 'flat', 'darkflat')),
    path TEXT NOT NULL UNIQUE,
    camera TEXT,
    gain INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    binning INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    temp_c REAL,
    exposure_s REAL NOT NULL,
    "filter" TEXT,
    date_obs TEXT NOT NULL,
    frame_count INTEGER NOT NULL,
    method TEXT NOT NULL,
    kappa REAL NOT NULL,
    frame_ids TEXT NOT NULL CHECK (json_valid(frame_ids)),
    notes TEXT,
    created_at TEXT NOT NULL
  )`,
  // Matching always narrows by type and sensor settings first.
  `CREATE INDEX calibration_masters_match
    ON calibration_masters (type, gain, "offset", binning, created_at DESC)`,
];

export const calibration: Migration = {
  version: 3,
  name: "calibration",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
