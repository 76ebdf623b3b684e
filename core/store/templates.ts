/**
 * Sequence templates: a plan (groups, loop, options) without its target, stored as one JSON
 * document validated on every read, so a template saved tonight can be instantiated for another
 * object next month.
 */
import type { Kysely } from "kysely";
import type { z } from "zod";
import { systemClock } from "../../lib/clock.ts";
import type { Clock } from "../../lib/clock.ts";
import { notFound } from "../../lib/errors.ts";
import { TemplateContent } from "../schemas/sequence.ts";
import type { TemplateDto } from "../schemas/sequence.ts";
import { Database } from "./db.ts";
import type { DB, SequenceTemplatesTable } from "./schema.ts";

export class TemplateRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;

  constructor(db: Kysely<DB> | Database, options: { clock?: Pick<Clock, "now"> } = {}) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = options.clock ?? systemClock;
  }

  async create(name: string, content: z.input<typeof TemplateContent>): Promise<TemplateDto> {
    const row: SequenceTemplatesTable = {
      id: crypto.randomUUID(),
      name,
      data: JSON.stringify(TemplateContent.parse(content)),
      created_at: new Date(this.#clock.now()).toISOString(),
    };
    await this.#db.insertInto("sequence_templates").values(row).execute();
    return toDto(row);
  }

  async list(): Promise<TemplateDto[]> {
    const rows = await this.#db.selectFrom("sequence_templates").selectAll()
      .orderBy("created_at").orderBy("id").execute();
    return rows.map(toDto);
  }

  async get(id: string): Promise<TemplateDto> {
    const row = await this.#db.selectFrom("sequence_templates").selectAll()
      .where("id", "=", id).executeTakeFirst();
    if (row === undefined) throw notFound(`No template with id ${id}`);
    return toDto(row);
  }
}

function toDto(row: SequenceTemplatesTable): TemplateDto {
  const parsed = TemplateContent.safeParse(JSON.parse(row.data));
  if (!parsed.success) {
    throw new TypeError(`template ${row.id}: stored document is invalid: ${parsed.error.message}`);
  }
  return { ...parsed.data, id: row.id, name: row.name, created_at: row.created_at };
}
