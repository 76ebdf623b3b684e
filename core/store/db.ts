/**
 * The one door to the database: a libsql file in the data directory behind a Kysely instance.
 * Everything else sees `Database.kysely` and the repositories, never @libsql/client, so the driver
 * can be swapped (Deno's node:sqlite reads the same files) without touching the rest. Opening sets
 * the durability pragmas, applies pending migrations and refuses a database from a newer build.
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { LibsqlDialect, type LibsqlDialectConfig } from "@libsql/kysely-libsql";
import { Kysely, sql } from "kysely";
import { type Logger, silentLogger } from "../../lib/log.ts";
import { migrate, type Migration } from "./migrate.ts";
import type { DB } from "./schema.ts";

export const DATABASE_FILE = "openskylab.db";

/** How long a statement waits for another writer (another process, a backup) before failing. */
const BUSY_TIMEOUT_MS = 5_000;

export interface OpenDatabaseOptions {
  log?: Logger;
  /** Unix ms; for `applied_at` of migrations. */
  now?: () => number;
  /** Defaults to every migration the code knows; tests pass their own. */
  migrations?: readonly Migration[];
}

/** An open database. `close()` it once; it is idempotent. */
export class Database {
  readonly kysely: Kysely<DB>;
  /** Absolute path of the database file. */
  readonly path: string;
  readonly #client: Client;
  #closed = false;

  constructor(client: Client, kysely: Kysely<DB>, path: string) {
    this.#client = client;
    this.kysely = kysely;
    this.path = path;
  }

  /** Waits for the query in flight (Kysely serialises them), then closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.kysely.destroy();
    } finally {
      this.#client.close();
    }
  }
}

/** Opens (creating if needed) `<dataDir>/openskylab.db`, migrated to the current schema. */
export async function openDatabase(
  dataDir: string,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const log = options.log ?? silentLogger;
  await Deno.mkdir(dataDir, { recursive: true });
  const path = join(dataDir, DATABASE_FILE);
  // A single connection: the pragmas below are per connection, and SQLite has one writer anyway.
  // Kysely's SQLite adapter serialises queries on it; a transaction holds it until it settles.
  const client = createClient({
    url: pathToFileURL(path).href,
    concurrency: 1,
    timeout: BUSY_TIMEOUT_MS,
  });
  // @libsql/kysely-libsql 0.4 is typed against @libsql/client 0.8. It calls only `execute` and
  // `transaction`, which 0.18 keeps as they were; the types differ elsewhere (`sync()`).
  const dialect = new LibsqlDialect({ client } as unknown as LibsqlDialectConfig);
  const kysely = new Kysely<DB>({ dialect });
  const database = new Database(client, kysely, path);
  try {
    const mode = await client.execute("PRAGMA journal_mode = WAL");
    if (mode.rows[0]?.[0] !== "wal") {
      // Some filesystems (network mounts) cannot do WAL; SQLite then keeps its rollback journal.
      log.warn("The database could not switch to WAL mode", { path, mode: mode.rows[0]?.[0] });
    }
    // FULL, not NORMAL: in WAL mode NORMAL may drop the last commits on a power cut. A box in a
    // field runs on batteries, and a lost commit is a saved frame the catalogue forgets or a
    // checkpoint that repeats one. FULL costs one fsync per commit, nothing beside an exposure.
    await client.execute("PRAGMA synchronous = FULL");
    await client.execute("PRAGMA foreign_keys = ON");
    await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const { applied, version } = await migrate(kysely, {
      migrations: options.migrations,
      now: options.now,
    });
    if (applied.length > 0) log.info("Migrated the database", { path, applied, version });
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Reads one pragma's value, e.g. `await pragma(db, "journal_mode")` → "wal". */
export async function pragma(db: Database, name: string): Promise<unknown> {
  if (!/^[a-z_]+$/.test(name)) throw new TypeError(`pragma: "${name}" is not a pragma name`);
  const result = await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(db.kysely);
  const row = result.rows[0];
  return row === undefined ? undefined : Object.values(row)[0];
}
