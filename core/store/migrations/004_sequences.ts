/**
 * Sequences, their runs and templates. A sequence and a template are one JSON document each,
 * checked against the zod schema on every read. A run row is the sequencer's crash-recovery
 * record: its state and the checkpoint (next planned frame, frames done per group), updated in
 * the same transaction as each frame row, so after a power cut it says exactly what is done.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE sequences (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE TABLE sequence_runs (
    id TEXT PRIMARY KEY NOT NULL,
    sequence_id TEXT NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
    state TEXT NOT NULL CHECK (state IN
      ('running', 'paused', 'interrupted', 'completed', 'aborted', 'failed', 'abandoned')),
    checkpoint TEXT NOT NULL CHECK (json_valid(checkpoint)),
    frames_done INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ended_at TEXT
  )`,
  `CREATE INDEX sequence_runs_state ON sequence_runs (state, updated_at)`,
  `CREATE INDEX sequence_runs_sequence ON sequence_runs (sequence_id)`,
  `CREATE TABLE sequence_templates (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    created_at TEXT NOT NULL
  )`,
];

export const sequences: Migration = {
  version: 4,
  name: "sequences",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
