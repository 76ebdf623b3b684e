/**
 * The `kv` table as a tiny typed repository: JSON values under string keys, for the odd setting
 * a feature must keep across restarts (the Alpaca bridge's UniqueIDs) without a table of its own.
 */
import type { Kysely } from "kysely";
import { Database } from "./db.ts";
import type { DB } from "./schema.ts";

export class KvRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  /** The value stored under `key`, or null when there is none. */
  async get<T>(key: string): Promise<T | null> {
    const row = await this.#db.selectFrom("kv").select("value").where("key", "=", key)
      .executeTakeFirst();
    return row ? JSON.parse(row.value) as T : null;
  }

  async set(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    await this.#db.insertInto("kv").values({ key, value: text })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: text })).execute();
  }
}
