/**
 * The HiPS tile cache's index and the prefetch jobs. Each cached file (a tile, a properties or
 * metadata file of an upstream survey) has a row with its size, when it was fetched and when it
 * was last served, so the cache keeps its size cap by evicting the least recently used across
 * restarts. Prefetch jobs keep their request and progress, so a job the box was stopped in the
 * middle of continues when it starts again.
 */
import { sql } from "kysely";
import type { Migration } from "../migrate.ts";

const STATEMENTS = [
  `CREATE TABLE hips_tiles (
    survey TEXT NOT NULL,
    path TEXT NOT NULL,
    bytes INTEGER NOT NULL CHECK (bytes >= 0),
    content_type TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    PRIMARY KEY (survey, path)
  )`,
  `CREATE INDEX hips_tiles_lru ON hips_tiles (last_used_at)`,
  `CREATE TABLE hips_prefetch_jobs (
    id TEXT PRIMARY KEY NOT NULL,
    survey TEXT NOT NULL,
    request TEXT NOT NULL CHECK (json_valid(request)),
    state TEXT NOT NULL,
    total INTEGER NOT NULL,
    done INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  )`,
];

export const hips: Migration = {
  version: 11,
  name: "hips",
  async up(trx) {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(trx);
  },
};
