/**
 * The frame sink's columns: a frame number that survives restarts (the file pattern's {seq}),
 * drawn from a counter in the database and never reused; the analysis figures beyond HFR and
 * star count (FWHM, eccentricity); and the plate solution written into the file's header (JSON
 * of the TAN WCS, the solver and when). The counter starts after every frame already recorded,
 * so numbers given before this migration (one counter per producer, from 1 at every start) are
 * not handed out again.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `ALTER TABLE frames ADD COLUMN frame_number INTEGER`,
  `ALTER TABLE frames ADD COLUMN fwhm REAL`,
  `ALTER TABLE frames ADD COLUMN eccentricity REAL`,
  `ALTER TABLE frames ADD COLUMN wcs TEXT CHECK (wcs IS NULL OR json_valid(wcs))`,
  `CREATE UNIQUE INDEX frames_frame_number ON frames (frame_number)
    WHERE frame_number IS NOT NULL`,
  `CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value INTEGER NOT NULL
  )`,
  `INSERT INTO counters (name, value) SELECT 'frame_number', COUNT(*) FROM frames`,
];

export const frameSink: Migration = {
  version: 13,
  name: "frame_sink",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
