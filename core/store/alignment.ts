/**
 * Alignment points per profile: solved position beside the mount's own, with the sidereal time
 * and pier side that a pointing model needs. Rows come out as the API's AlignPointDto.
 */
import type { Kysely } from "kysely";
import { angularSeparationDeg } from "../../lib/astro/coords.ts";
import { systemClock } from "../../lib/clock.ts";
import type { Clock } from "../../lib/clock.ts";
import type { AlignPointDto } from "../schemas/alignment.ts";
import { Database } from "./db.ts";
import type { AlignmentPointsTable, DB } from "./schema.ts";

export type NewAlignPoint = Omit<AlignmentPointsTable, "id" | "created_at">;

export class AlignmentRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;

  constructor(db: Kysely<DB> | Database, options: { clock?: Pick<Clock, "now"> } = {}) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = options.clock ?? systemClock;
  }

  async add(point: NewAlignPoint): Promise<AlignPointDto> {
    const row: AlignmentPointsTable = {
      ...point,
      id: crypto.randomUUID(),
      created_at: new Date(this.#clock.now()).toISOString(),
    };
    await this.#db.insertInto("alignment_points").values(row).execute();
    return toDto(row);
  }

  async list(profileId: string): Promise<AlignPointDto[]> {
    const rows = await this.#db.selectFrom("alignment_points").selectAll()
      .where("profile_id", "=", profileId).orderBy("created_at").orderBy("id").execute();
    return rows.map(toDto);
  }

  /** Removes every point of the profile; returns how many there were. */
  async clear(profileId: string): Promise<number> {
    const result = await this.#db.deleteFrom("alignment_points")
      .where("profile_id", "=", profileId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toDto(row: AlignmentPointsTable): AlignPointDto {
  const errorDeg = angularSeparationDeg(
    { raHours: row.solved_ra_hours, decDeg: row.solved_dec_deg },
    { raHours: row.mount_ra_hours, decDeg: row.mount_dec_deg },
  );
  return {
    id: row.id,
    ra: row.solved_ra_hours,
    dec: row.solved_dec_deg,
    mount_ra: row.mount_ra_hours,
    mount_dec: row.mount_dec_deg,
    lst: row.lst_hours,
    pier_side: row.pier_side as AlignPointDto["pier_side"],
    alt: row.alt_deg,
    az: row.az_deg,
    error_arcsec: errorDeg * 3600,
    created_at: row.created_at,
  };
}
