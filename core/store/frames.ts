/**
 * The frame catalogue: one row per frame file saved in the data directory, read and written as
 * the API's FrameDto (the zod schema is the shape; rows are validated on the way out). Built over
 * the Database or a transaction, so the sequencer can insert a frame row and move its
 * checkpoint in one commit: `db.kysely.transaction().execute((trx) => new FrameRepository(trx)…)`.
 * Listing is newest first with a keyset cursor (`before` = a frame id), which stays correct while
 * frames keep arriving during a night, unlike an offset.
 */
import { type Kysely, sql } from "kysely";
import { systemClock } from "../../lib/clock.ts";
import type { Clock } from "../../lib/clock.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { FrameDto, FrameWcsDto } from "../schemas/camera.ts";
import { Database } from "./db.ts";
import type { DB, FramesTable } from "./schema.ts";

/** A frame row as inserted: its revision starts at 0 (the column default). */
type NewFrameRow = Omit<FramesTable, "file_revision">;

export type FrameType = FrameDto["frame_type"];

export interface FrameListQuery {
  /** 1..1000; default 50. */
  limit?: number;
  /** A frame id: only frames older than it (the last id of the previous page). */
  before?: string;
  frameType?: FrameType;
  /** OBJECT, exactly. */
  object?: string;
  /** Unix ms, inclusive. */
  fromMs?: number;
  /** Unix ms, exclusive. */
  toMs?: number;
}

/** One night of frames: its local date (the evening's), how many frames, of which targets. */
export interface FrameNight {
  night: string;
  frames: number;
  objects: string[];
  first_at: string;
  last_at: string;
}

export const MAX_FRAME_PAGE = 1000;

export interface FrameSearchQuery {
  object?: string;
  frameType?: FrameType;
  /** Unix ms, inclusive. */
  fromMs?: number;
  /** Unix ms, exclusive. */
  toMs?: number;
}

export class FrameRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;

  /** Over the open Database, or over a transaction to join the caller's commit. */
  constructor(db: Kysely<DB> | Database, options: { clock?: Pick<Clock, "now"> } = {}) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Records a saved frame. The file must already be on disk (written, fsynced, renamed): the row
   * is the promise that it is there. A second row for the same id or path is a 409.
   */
  async insert(frame: FrameDto, sequenceId: string | null = null): Promise<FrameDto> {
    const dto = FrameDto.parse(frame);
    const startedMs = Date.parse(dto.started_at);
    if (Number.isNaN(startedMs)) {
      throw new RangeError(`frame ${dto.id}: started_at "${dto.started_at}" is not an ISO date`);
    }
    // One textual format for every row, so ORDER BY started_at is chronological.
    const row: NewFrameRow = {
      ...dto,
      wcs: dto.wcs === null ? null : JSON.stringify(dto.wcs),
      started_at: new Date(startedMs).toISOString(),
      sequence_id: sequenceId,
      created_at: new Date(this.#clock.now()).toISOString(),
    };
    try {
      await this.#db.insertInto("frames").values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw conflict(`A frame with id ${dto.id} or path ${dto.path} is already recorded`, {
          id: dto.id,
          path: dto.path,
        });
      }
      throw err;
    }
    return toDto(row);
  }

  /** The frame recorded at `path` (relative to the data dir), or null. */
  async byPath(path: string): Promise<FrameDto | null> {
    const row = await this.#db.selectFrom("frames").selectAll().where("path", "=", path)
      .executeTakeFirst();
    return row === undefined ? null : toDto(row);
  }

  /** The frame, or a 404 AppError. */
  async get(id: string): Promise<FrameDto> {
    const row = await this.#db.selectFrom("frames").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`No frame with id ${id}`);
    return toDto(row);
  }

  /** The newest frame by exposure start (of one type if asked), or null when there is none. */
  async latest(options: { frameType?: FrameType } = {}): Promise<FrameDto | null> {
    const [frame] = await this.list({ limit: 1, frameType: options.frameType });
    return frame ?? null;
  }

  /** Newest first. An unknown `before` id is a 404: the client's cursor is stale. */
  async list(query: FrameListQuery = {}): Promise<FrameDto[]> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_FRAME_PAGE) {
      throw new RangeError(
        `frame list limit must be an integer 1..${MAX_FRAME_PAGE}, got ${limit}`,
      );
    }
    let select = this.#db.selectFrom("frames").selectAll();
    if (query.frameType !== undefined) select = select.where("frame_type", "=", query.frameType);
    if (query.object !== undefined) select = select.where("object", "=", query.object);
    if (query.fromMs !== undefined) {
      select = select.where("started_at", ">=", new Date(query.fromMs).toISOString());
    }
    if (query.toMs !== undefined) {
      select = select.where("started_at", "<", new Date(query.toMs).toISOString());
    }
    if (query.before !== undefined) {
      const cursor = await this.#db.selectFrom("frames").select(["started_at", "id"])
        .where("id", "=", query.before).executeTakeFirst();
      if (cursor === undefined) throw notFound(`No frame with id ${query.before}`);
      select = select.where((eb) =>
        eb.or([
          eb("started_at", "<", cursor.started_at),
          eb.and([eb("started_at", "=", cursor.started_at), eb("id", "<", cursor.id)]),
        ])
      );
    }
    const rows = await select.orderBy("started_at", "desc").orderBy("id", "desc").limit(limit)
      .execute();
    return rows.map(toDto);
  }

  /**
   * Frames of one target and/or a time window (`started_at` in [from, to)), oldest first, for
   * export. Capped at `limit` rows (default 10 000) so a careless query cannot load the catalogue.
   */
  async search(query: FrameSearchQuery, limit = 10_000): Promise<FrameDto[]> {
    let select = this.#db.selectFrom("frames").selectAll();
    if (query.object !== undefined) select = select.where("object", "=", query.object);
    if (query.frameType !== undefined) select = select.where("frame_type", "=", query.frameType);
    if (query.fromMs !== undefined) {
      select = select.where("started_at", ">=", new Date(query.fromMs).toISOString());
    }
    if (query.toMs !== undefined) {
      select = select.where("started_at", "<", new Date(query.toMs).toISOString());
    }
    const rows = await select.orderBy("started_at").orderBy("id").limit(limit).execute();
    return rows.map(toDto);
  }

  /**
   * The nights that have frames, newest first. A night is named by the local date of its evening:
   * local mean solar time (UTC + longitude / 15 h) shifted back 12 h, so frames from noon to the
   * next noon at the site share one night whatever the time zone.
   */
  async nights(longitudeDeg: number, limit = 366): Promise<FrameNight[]> {
    const shiftHours = longitudeDeg / 15 - 12;
    const modifier = `${shiftHours >= 0 ? "+" : ""}${shiftHours.toFixed(4)} hours`;
    const rows = await this.#db.selectFrom("frames")
      .select((eb) => [
        sql<string>`date(started_at, ${modifier})`.as("night"),
        eb.fn.countAll<number>().as("frames"),
        eb.fn.min("started_at").as("first_at"),
        eb.fn.max("started_at").as("last_at"),
      ])
      .groupBy(sql`date(started_at, ${modifier})`)
      .orderBy("night", "desc")
      .limit(limit)
      .execute();
    // Targets per night apart: object names may hold any character, so no group_concat.
    const pairs = await this.#db.selectFrom("frames")
      .select([sql<string>`date(started_at, ${modifier})`.as("night"), "object"])
      .distinct()
      .where("object", "is not", null)
      .execute();
    const objects = new Map<string, string[]>();
    for (const p of pairs) {
      if (p.object === null) continue;
      const list = objects.get(p.night) ?? [];
      list.push(p.object);
      objects.set(p.night, list);
    }
    return rows.map((r) => ({
      night: r.night,
      frames: Number(r.frames),
      objects: (objects.get(r.night) ?? []).sort(),
      first_at: String(r.first_at),
      last_at: String(r.last_at),
    }));
  }

  /** Stores what star analysis found; until then the figures are null. */
  async setAnalysis(
    id: string,
    result: Pick<FrameDto, "hfr" | "fwhm" | "stars" | "eccentricity">,
  ): Promise<void> {
    const { hfr, fwhm, stars, eccentricity } = result;
    const done = await this.#db.updateTable("frames").set({ hfr, fwhm, stars, eccentricity })
      .where("id", "=", id).executeTakeFirst();
    if (done.numUpdatedRows === 0n) throw notFound(`No frame with id ${id}`);
  }

  /**
   * Records the plate solution now in the frame's header, and the file's new size: the file was
   * rewritten, so its revision moves too (see fileRewritten).
   */
  async setWcs(id: string, wcs: FrameWcsDto, bytes: number): Promise<void> {
    const text = JSON.stringify(FrameWcsDto.parse(wcs));
    await this.#rewritten(id, { wcs: text, bytes });
  }

  /**
   * Records that the frame's file was rewritten in place (its new size), in one commit with the
   * next file revision: whoever copied the file (cloud sync) sees from the row alone that its copy
   * is outdated, even if it was not running or not told. Call it once the new file is on disk.
   */
  async fileRewritten(id: string, bytes: number): Promise<void> {
    await this.#rewritten(id, { bytes });
  }

  async #rewritten(id: string, changes: { bytes: number; wcs?: string }): Promise<void> {
    const done = await this.#db.updateTable("frames")
      .set({ ...changes, file_revision: sql`file_revision + 1` })
      .where("id", "=", id).executeTakeFirst();
    if (done.numUpdatedRows === 0n) throw notFound(`No frame with id ${id}`);
  }
}

/** The row's bookkeeping columns are dropped by the schema; a corrupt row fails loudly here. */
function toDto(row: NewFrameRow): FrameDto {
  return FrameDto.parse({ ...row, wcs: row.wcs === null ? null : JSON.parse(row.wcs) });
}

function isUniqueViolation(err: unknown): boolean {
  // libsql reports SQLITE_CONSTRAINT (or _UNIQUE / _PRIMARYKEY); the message says which kind.
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_CONSTRAINT") &&
    err instanceof Error && /UNIQUE|PRIMARY KEY/.test(err.message);
}
