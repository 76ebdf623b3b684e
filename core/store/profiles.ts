/**
 * Equipment profiles in the database. The name and the active flag are columns (listed and
 * constrained); site, optics and devices are one JSON document checked against the zod schema on
 * every read, so a row edited by hand or by an older build fails with its id instead of reaching
 * the hub half-formed. Exactly one profile is active: switching happens in one transaction, and a
 * partial unique index in the schema makes a second active row impossible even for a buggy caller.
 */
import type { Kysely, Transaction } from "kysely";
import { z } from "zod";
import { systemClock } from "../../lib/clock.ts";
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, conflict, notFound } from "../../lib/errors.ts";
import { Profile, ProfileInput, simulatorProfile } from "../profiles/schema.ts";
import { Database } from "./db.ts";
import type { DB, ProfilesTable } from "./schema.ts";

/** What `create` and `update` accept: a ProfileInput before its defaults are applied. */
export type ProfileInputData = z.input<typeof ProfileInput>;

export class ProfileRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;

  /** Over the open Database, or over a transaction to join the caller's commit. */
  constructor(db: Kysely<DB> | Database, options: { clock?: Pick<Clock, "now"> } = {}) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = options.clock ?? systemClock;
  }

  /** Oldest first. */
  async list(): Promise<Profile[]> {
    const rows = await this.#db.selectFrom("profiles").selectAll()
      .orderBy("created_at").orderBy("id").execute();
    return rows.map(toProfile);
  }

  /** The profile, or a 404 AppError. */
  get(id: string): Promise<Profile> {
    return this.#require(this.#db, id);
  }

  /** The active profile, or null before `ensureDefault` has run on an empty table. */
  async active(): Promise<Profile | null> {
    const row = await this.#db.selectFrom("profiles").selectAll().where("active", "=", 1)
      .executeTakeFirst();
    return row === undefined ? null : toProfile(row);
  }

  /** Stores a new, inactive profile. */
  create(input: ProfileInputData): Promise<Profile> {
    return this.#insert(this.#db, input, false);
  }

  /** Replaces the profile's content; its id, active flag and created_at stay. */
  async update(id: string, input: ProfileInputData): Promise<Profile> {
    const { name, ...data } = parseInput(input);
    const done = await this.#db.updateTable("profiles")
      .set({ name, data: JSON.stringify(data), updated_at: this.#nowIso() })
      .where("id", "=", id).executeTakeFirst();
    if (done.numUpdatedRows === 0n) throw notFound(`No profile with id ${id}`);
    return await this.#require(this.#db, id);
  }

  /** Makes `id` the one active profile. */
  activate(id: string): Promise<Profile> {
    return this.#transaction(async (trx) => {
      await this.#require(trx, id);
      // Clear the old one first: the unique index forbids two active rows even mid-transaction.
      await trx.updateTable("profiles").set({ active: 0 })
        .where("active", "=", 1).where("id", "!=", id).execute();
      await trx.updateTable("profiles").set({ active: 1 }).where("id", "=", id).execute();
      return await this.#require(trx, id);
    });
  }

  /** Removes an inactive profile. The active one is refused (409): activate another first. */
  delete(id: string): Promise<void> {
    return this.#transaction(async (trx) => {
      const profile = await this.#require(trx, id);
      if (profile.active) {
        throw conflict(
          `Profile "${profile.name}" is active and cannot be deleted; activate another one first`,
          { id },
        );
      }
      await trx.deleteFrom("profiles").where("id", "=", id).execute();
    });
  }

  /**
   * Guarantees an active profile: a fresh box gets the simulator profile, and a table left with
   * none active (edited by hand) gets its oldest profile activated. Returns the active profile.
   */
  ensureDefault(): Promise<Profile> {
    return this.#transaction(async (trx) => {
      const active = await trx.selectFrom("profiles").selectAll().where("active", "=", 1)
        .executeTakeFirst();
      if (active !== undefined) return toProfile(active);
      const oldest = await trx.selectFrom("profiles").select("id")
        .orderBy("created_at").orderBy("id").executeTakeFirst();
      if (oldest === undefined) return await this.#insert(trx, simulatorProfile(), true);
      await trx.updateTable("profiles").set({ active: 1 }).where("id", "=", oldest.id).execute();
      return await this.#require(trx, oldest.id);
    });
  }

  async #insert(db: Kysely<DB>, input: ProfileInputData, active: boolean): Promise<Profile> {
    const { name, ...data } = parseInput(input);
    const now = this.#nowIso();
    const row: ProfilesTable = {
      id: crypto.randomUUID(),
      name,
      active: active ? 1 : 0,
      data: JSON.stringify(data),
      created_at: now,
      updated_at: now,
    };
    await db.insertInto("profiles").values(row).execute();
    return toProfile(row);
  }

  async #require(db: Kysely<DB>, id: string): Promise<Profile> {
    const row = await db.selectFrom("profiles").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`No profile with id ${id}`);
    return toProfile(row);
  }

  /** Joins the caller's transaction when the repository was built over one. */
  #transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.#db.isTransaction
      ? fn(this.#db as Transaction<DB>)
      : this.#db.transaction().execute(fn);
  }

  #nowIso(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}

function parseInput(input: ProfileInputData): ProfileInput {
  const result = ProfileInput.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw badRequest(issue?.path.join(".") || "profile", issue?.message ?? "invalid profile");
}

function toProfile(row: ProfilesTable): Profile {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    data = null;
  }
  const result = Profile.safeParse({
    ...(typeof data === "object" && data !== null ? data : {}),
    id: row.id,
    name: row.name,
    active: row.active === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AppError(
    500,
    "internal",
    `Stored profile ${row.id} ("${row.name}") is invalid: ${
      issue?.path.join(".") ?? ""
    }: ${issue?.message}`,
    { id: row.id },
  );
}
