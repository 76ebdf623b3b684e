/**
 * Online, consistent copies of the database and the checks a copy must pass before it may replace
 * it. `VACUUM INTO` writes a complete, compacted database file from one read transaction, so the
 * copy is consistent while the box keeps writing (WAL readers do not block writers); it runs on
 * the box's own connection, in between other queries. A copy to restore is opened on its own
 * connection, reading only: SQLite's integrity check, and a schema version this firmware knows.
 */
import { pathToFileURL } from "node:url";
import { dirname } from "node:path";
import { createClient } from "@libsql/client";
import { sql } from "kysely";
import type { Database } from "./db.ts";
import { MIGRATIONS } from "./migrate.ts";

/** Writes a consistent copy of the open database to `path` (replacing it); answers its size. */
export async function snapshotDatabase(db: Database, path: string): Promise<number> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.remove(path).catch(() => {}); // VACUUM INTO refuses an existing file
  await sql`VACUUM INTO ${path}`.execute(db.kysely);
  const file = await Deno.open(path, { read: true, write: true });
  try {
    await file.syncData();
    return (await file.stat()).size;
  } finally {
    file.close();
  }
}

export interface SnapshotCheck {
  ok: boolean;
  /** The newest migration recorded in the copy. */
  version: number | null;
  /** Why it cannot be used; null when ok. */
  problem: string | null;
}

/** Whether the file at `path` is a sound OpenSkyLab database this firmware can open. */
export async function checkSnapshot(path: string): Promise<SnapshotCheck> {
  const header = new Uint8Array(16);
  const file = await Deno.open(path, { read: true });
  try {
    await file.read(header);
  } finally {
    file.close();
  }
  if (new TextDecoder().decode(header) !== "SQLite format 3\0") {
    return { ok: false, version: null, problem: "not an SQLite database" };
  }
  // Only reads are sent (libsql's URL takes no read-only flag).
  const client = createClient({ url: pathToFileURL(path).href });
  try {
    const integrity = await client.execute("PRAGMA integrity_check");
    const verdict = String(integrity.rows[0]?.[0] ?? "");
    if (verdict !== "ok") {
      return { ok: false, version: null, problem: `integrity check: ${verdict}` };
    }
    const tables = await client.execute(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
    );
    if (Number(tables.rows[0]?.[0] ?? 0) === 0) {
      return {
        ok: false,
        version: null,
        problem: "not an OpenSkyLab database (no schema_migrations)",
      };
    }
    const max = await client.execute("SELECT max(version) FROM schema_migrations");
    const version = Number(max.rows[0]?.[0] ?? 0);
    const known = MIGRATIONS.at(-1)?.version ?? 0;
    if (version > known) {
      return {
        ok: false,
        version,
        problem: `written by a newer firmware (schema ${version}; this one knows up to ${known})`,
      };
    }
    return { ok: true, version, problem: null };
  } finally {
    client.close();
  }
}
