/**
 * HiPS prefetch jobs in the database: the request and the progress counters of each, so the
 * status survives a restart and a job the box stopped in the middle of is taken up again.
 */
import type { Kysely } from "kysely";
import { notFound } from "../../lib/errors.ts";
import { PrefetchJobDto, type PrefetchState } from "../schemas/hips.ts";
import { Database } from "./db.ts";
import type { DB, HipsPrefetchJobsTable } from "./schema.ts";

/** How many finished jobs the list keeps. */
const KEEP_FINISHED = 50;

export class PrefetchJobRepository {
  readonly #db: Kysely<DB>;

  constructor(db: Kysely<DB> | Database) {
    this.#db = db instanceof Database ? db.kysely : db;
  }

  async insert(job: PrefetchJobDto): Promise<void> {
    await this.#db.insertInto("hips_prefetch_jobs").values(toRow(job)).execute();
    // Old finished jobs go; queued and running ones are never dropped.
    const old = await this.#db.selectFrom("hips_prefetch_jobs").select("id")
      .where("state", "in", ["completed", "failed", "cancelled"])
      .orderBy("created_at", "desc").offset(KEEP_FINISHED).limit(1000).execute();
    if (old.length > 0) {
      await this.#db.deleteFrom("hips_prefetch_jobs").where("id", "in", old.map((r) => r.id))
        .execute();
    }
  }

  async update(job: PrefetchJobDto): Promise<void> {
    const { id, ...rest } = toRow(job);
    await this.#db.updateTable("hips_prefetch_jobs").set(rest).where("id", "=", id).execute();
  }

  async get(id: string): Promise<PrefetchJobDto> {
    const row = await this.#db.selectFrom("hips_prefetch_jobs").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw notFound(`No prefetch job with id ${id}`);
    return toDto(row);
  }

  /** Newest first. */
  async list(): Promise<PrefetchJobDto[]> {
    const rows = await this.#db.selectFrom("hips_prefetch_jobs").selectAll()
      .orderBy("created_at", "desc").orderBy("id").limit(KEEP_FINISHED + 50).execute();
    return rows.map(toDto);
  }

  /** Jobs in one of `states`, oldest first. */
  async inState(states: PrefetchState[]): Promise<PrefetchJobDto[]> {
    const rows = await this.#db.selectFrom("hips_prefetch_jobs").selectAll()
      .where("state", "in", states).orderBy("created_at").orderBy("id").execute();
    return rows.map(toDto);
  }
}

function toRow(job: PrefetchJobDto): HipsPrefetchJobsTable {
  return {
    id: job.id,
    survey: job.survey,
    request: JSON.stringify(job.request),
    state: job.state,
    total: job.total,
    done: job.done,
    failed: job.failed,
    bytes: job.bytes,
    message: job.message,
    created_at: job.created_at,
    updated_at: job.updated_at,
  };
}

function toDto(row: HipsPrefetchJobsTable): PrefetchJobDto {
  return PrefetchJobDto.parse({
    id: row.id,
    survey: row.survey,
    state: row.state,
    request: JSON.parse(row.request),
    total: row.total,
    done: row.done,
    failed: row.failed,
    bytes: row.bytes,
    files_per_s: null,
    message: row.message,
    created_at: row.created_at,
    updated_at: row.updated_at,
  });
}
