/**
 * Forward-only, numbered schema migrations, applied at start. Each runs in its own transaction
 * together with its row in `schema_migrations`, so a power cut mid-upgrade leaves the database at
 * the previous version, never half-way. A database that records a version this firmware does not
 * know was written by a newer (or different) build: we refuse to touch it rather than guess, and
 * say how to recover.
 */
import { type Kysely, sql, type Transaction } from "kysely";
import { initial } from "./migrations/001_initial.ts";
import { alignmentPoints } from "./migrations/002_alignment_points.ts";
import { calibration } from "./migrations/003_calibration.ts";
import { sequences } from "./migrations/004_sequences.ts";
import { catalog } from "./migrations/005_catalog.ts";
import { scheduler } from "./migrations/006_scheduler.ts";
import { autofocus } from "./migrations/007_autofocus.ts";
import { camelCaseDriverOptions } from "./migrations/008_camel_case_driver_options.ts";
import { sync } from "./migrations/009_sync.ts";
import { mosaics } from "./migrations/010_mosaics.ts";
import { hips } from "./migrations/011_hips.ts";
import { telemetry } from "./migrations/012_telemetry.ts";
import { frameSink } from "./migrations/013_frame_sink.ts";
import { frameFileRevision } from "./migrations/014_frame_file_revision.ts";
import type { DB } from "./schema.ts";

export interface Migration {
  /** 1, 2, 3… in the order they apply; never reused, never renumbered. */
  version: number;
  /** Short snake_case description; the file is `NNN_<name>.ts`. */
  name: string;
  up(trx: Transaction<DB>): Promise<void>;
}

/** Every migration the code knows, oldest first. Append; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  alignmentPoints,
  calibration,
  sequences,
  catalog,
  scheduler,
  autofocus,
  camelCaseDriverOptions,
  sync,
  mosaics,
  hips,
  telemetry,
  frameSink,
  frameFileRevision,
];

/** The database was written by software that knows a schema this build does not. */
export class SchemaVersionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SchemaVersionError";
  }
}

export interface MigrateOptions {
  migrations?: readonly Migration[];
  /** Unix ms, for `applied_at`. */
  now?: () => number;
}

/** Applies the pending migrations; returns the versions applied now and the resulting version. */
export async function migrate(
  db: Kysely<DB>,
  options: MigrateOptions = {},
): Promise<{ applied: number[]; version: number }> {
  const migrations = options.migrations ?? MIGRATIONS;
  const now = options.now ?? Date.now;
  checkOrder(migrations);
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`.execute(db);

  const known = new Map(migrations.map((m) => [m.version, m]));
  const recorded = await db.selectFrom("schema_migrations").select(["version", "name"])
    .orderBy("version").execute();
  const strangers = recorded.filter((row) => !known.has(row.version));
  if (strangers.length > 0) {
    const newest = migrations.at(-1);
    throw new SchemaVersionError(
      `The database has schema version(s) ${
        strangers.map((r) => `${r.version} (${r.name})`).join(", ")
      } that this firmware does not know (it knows up to ${newest?.version ?? 0}${
        newest ? ` (${newest.name})` : ""
      }). It was written by a newer OpenSkyLab: update the firmware, or move the database aside ` +
        `to start afresh.`,
    );
  }

  const applied: number[] = [];
  const done = new Set(recorded.map((r) => r.version));
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await db.transaction().execute(async (trx) => {
      // BEGIN IMMEDIATE holds the write lock: if another process migrated meanwhile, skip.
      const again = await trx.selectFrom("schema_migrations").select("version")
        .where("version", "=", migration.version).executeTakeFirst();
      if (again !== undefined) return;
      await migration.up(trx);
      await trx.insertInto("schema_migrations").values({
        version: migration.version,
        name: migration.name,
        applied_at: new Date(now()).toISOString(),
      }).execute();
      applied.push(migration.version);
    });
  }
  return { applied, version: migrations.at(-1)?.version ?? 0 };
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version !== i + 1) {
      throw new TypeError(
        `migration "${m.name}" has version ${m.version}; expected ${
          i + 1
        } (versions count up from 1)`,
      );
    }
  });
}
