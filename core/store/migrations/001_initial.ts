/**
 * The first schema: equipment profiles, the frame catalogue and a small key/value table. The SQL
 * is frozen text, not the query builder over today's `DB` type, because a migration must do
 * exactly what it did on the day it shipped. Tables are not STRICT on purpose: a frame row whose
 * gain arrived as 120.0 must still be stored, since losing a frame is worse than a loose type
 * (the zod schemas guard the shapes at the boundary).
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE profiles (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  // At most one active profile, enforced by the database and not only by the repository.
  `CREATE UNIQUE INDEX profiles_one_active ON profiles (active) WHERE active = 1`,
  `CREATE TABLE frames (
    id TEXT PRIMARY KEY NOT NULL,
    path TEXT NOT NULL UNIQUE,
    frame_type TEXT NOT NULL,
    duration_s REAL NOT NULL,
    gain INTEGER NOT NULL,
    "offset" INTEGER NOT NULL,
    binning INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    "filter" TEXT,
    object TEXT,
    started_at TEXT NOT NULL,
    sensor_temp_c REAL,
    bytes INTEGER NOT NULL,
    hfr REAL,
    stars INTEGER,
    sequence_id TEXT,
    created_at TEXT NOT NULL
  )`,
  // Newest-first listing, with the id as the tie-break of the keyset cursor.
  `CREATE INDEX frames_started ON frames (started_at DESC, id DESC)`,
  `CREATE INDEX frames_type_started ON frames (frame_type, started_at DESC, id DESC)`,
  `CREATE INDEX frames_sequence ON frames (sequence_id) WHERE sequence_id IS NOT NULL`,
  `CREATE TABLE kv (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value))
  )`,
];

export const initial: Migration = {
  version: 1,
  name: "initial",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
