/**
 * Scheduler plans and their blocks. A plan is one JSON document (targets already resolved to
 * coordinates) checked against the zod schema on every read, with the state of its last run. A
 * block row links a plan's target to the sequence the scheduler ran for it and maps that
 * sequence's groups back to the plan's: a plan's progress is the sum of those sequences' run
 * checkpoints, which move in the same commit as each frame row — so after a crash or a restart
 * the plan resumes with every frame counted once, and no counter of its own can drift.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE scheduler_plans (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    state TEXT NOT NULL DEFAULT 'idle',
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
  `CREATE TABLE scheduler_blocks (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES scheduler_plans (id) ON DELETE CASCADE,
    target_index INTEGER NOT NULL CHECK (target_index >= 0),
    sequence_id TEXT NOT NULL,
    group_indexes TEXT NOT NULL CHECK (json_valid(group_indexes)),
    reason TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT
  )`,
  `CREATE INDEX scheduler_blocks_plan ON scheduler_blocks (plan_id, started_at)`,
];

export const scheduler: Migration = {
  version: 6,
  name: "scheduler",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
