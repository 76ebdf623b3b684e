/**
 * Saved mosaics in the database: one JSON document each (the MosaicDto as computed when it was
 * saved), checked against the zod schema on every read.
 */
import type { Kysely } from "kysely";
import { notFound } from "../../lib/errors.ts";
import { MosaicDto } from "../schemas/mosaic.ts";
import { Database } from "./db.ts";
import type { DB, MosaicsTable } from "./schema.ts";

export class MosaicRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  /** Stores `mosaic` under a new id; returns it with the id. */
  async create(mosaic: MosaicDto): Promise<MosaicDto> {
    const saved = MosaicDto.parse({ ...mosaic, id: crypto.randomUUID() });
    const row: MosaicsTable = {
      id: saved.id!,
      name: saved.name,
      data: JSON.stringify(saved),
      created_at: saved.created_at,
    };
    await this.#db.insertInto("mosaics").values(row).execute();
    return saved;
  }

  /** Oldest first. */
  async list(): Promise<MosaicDto[]> {
    const rows = await this.#db.selectFrom("mosaics").selectAll().orderBy("created_at")
      .orderBy("id").execute();
    return rows.map(toDto);
  }

  async get(id: string): Promise<MosaicDto> {
    const row = await this.#db.selectFrom("mosaics").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`No mosaic with id ${id}`);
    return toDto(row);
  }

  async delete(id: string): Promise<MosaicDto> {
    const mosaic = await this.get(id);
    await this.#db.deleteFrom("mosaics").where("id", "=", id).execute();
    return mosaic;
  }
}

function toDto(row: MosaicsTable): MosaicDto {
  const parsed = MosaicDto.safeParse(JSON.parse(row.data));
  if (!parsed.success) {
    throw new TypeError(`mosaic ${row.id}: stored document is invalid: ${parsed.error.message}`);
  }
  return parsed.data;
}
