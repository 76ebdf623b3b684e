/**
 * The calibration library's rows: one per master, read and written as the API's MasterDto (the
 * zod schema validates every row on the way out, so a corrupt row fails loudly). The FITS file
 * the row points to is the service's business; this module only keeps the catalogue.
 */
import type { Kysely } from "kysely";
import { notFound } from "../../lib/errors.ts";
import { MasterDto, type MasterType } from "../schemas/calibration.ts";
import { Database } from "./db.ts";
import type { CalibrationMastersTable, DB } from "./schema.ts";

export interface MasterListFilter {
  type?: MasterType;
  camera?: string;
  filter?: string;
}

export class CalibrationRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  async insert(master: MasterDto): Promise<MasterDto> {
    const dto = MasterDto.parse(master);
    const row: CalibrationMastersTable = { ...dto, frame_ids: JSON.stringify(dto.frame_ids) };
    await this.#db.insertInto("calibration_masters").values(row).execute();
    return dto;
  }

  /** The master, or a 404 AppError. */
  async get(id: string): Promise<MasterDto> {
    const row = await this.#db.selectFrom("calibration_masters").selectAll()
      .where("id", "=", id).executeTakeFirst();
    if (row === undefined) throw notFound(`No calibration master with id ${id}`);
    return toDto(row);
  }

  /** Newest first. */
  async list(filter: MasterListFilter = {}): Promise<MasterDto[]> {
    let select = this.#db.selectFrom("calibration_masters").selectAll();
    if (filter.type !== undefined) select = select.where("type", "=", filter.type);
    if (filter.camera !== undefined) select = select.where("camera", "=", filter.camera);
    if (filter.filter !== undefined) select = select.where("filter", "=", filter.filter);
    const rows = await select.orderBy("created_at", "desc").orderBy("id", "desc").execute();
    return rows.map(toDto);
  }

  /** Removes the row; a 404 when there was none. */
  async delete(id: string): Promise<void> {
    const done = await this.#db.deleteFrom("calibration_masters").where("id", "=", id)
      .executeTakeFirst();
    if (done.numDeletedRows === 0n) throw notFound(`No calibration master with id ${id}`);
  }
}

function toDto(row: CalibrationMastersTable): MasterDto {
  return MasterDto.parse({ ...row, frame_ids: JSON.parse(row.frame_ids) });
}
