/**
 * The frame number, the file pattern's {seq}: one counter in the database for every frame the box
 * saves, whoever takes it, so numbers survive restarts and never repeat. A number is drawn before
 * the file is written (the name needs it); a frame that is then not kept leaves a gap, which is
 * harmless — a repeat is not.
 */
import type { Kysely } from "kysely";
import { Database } from "./db.ts";
import type { DB } from "./schema.ts";

const COUNTER = "frame_number";

export class FrameNumbers {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  /** The next number: one statement, so two savers at once can never draw the same one. */
  async next(): Promise<number> {
    const row = await this.#db.updateTable("counters")
      .set((eb) => ({ value: eb("value", "+", 1) }))
      .where("name", "=", COUNTER)
      .returning("value")
      .executeTakeFirst();
    if (row) return Number(row.value);
    // A database whose counter row went missing: start after every number already recorded.
    const max = await this.#db.selectFrom("frames")
      .select((eb) => eb.fn.max("frame_number").as("max"))
      .executeTakeFirst();
    const last = Number(max?.max ?? 0);
    await this.#db.insertInto("counters").values({ name: COUNTER, value: last })
      .onConflict((oc) => oc.column("name").doNothing()).execute();
    return await this.next();
  }
}
