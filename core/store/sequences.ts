/**
 * Sequences and their runs in the database. A sequence is one JSON document checked against the
 * zod schema on every read. A run row is the crash-recovery record: state plus checkpoint. Built
 * over the Database or over a transaction, so the sequencer moves the checkpoint in the same
 * commit as the frame row (`FrameRepository` over the same `trx`): a crash at any instant leaves
 * both or neither.
 */
import type { Kysely } from "kysely";
import type { z } from "zod";
import { systemClock } from "../../lib/clock.ts";
import type { Clock } from "../../lib/clock.ts";
import { conflict, notFound } from "../../lib/errors.ts";
import { Checkpoint, Sequence, SequenceDto } from "../schemas/sequence.ts";
import type { RunState } from "../schemas/sequence.ts";
import { Database } from "./db.ts";
import type { DB, SequenceRunsTable, SequencesTable } from "./schema.ts";

export interface RunRecord {
  id: string;
  sequenceId: string;
  state: RunState;
  checkpoint: Checkpoint;
  framesDone: number;
  message: string | null;
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
}

/** Runs in these states were live when the process last stopped, or still are. */
export const UNFINISHED_STATES: readonly RunState[] = ["running", "paused", "interrupted"];

export class SequenceRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;
  readonly #schema: z.ZodType<Sequence>;

  /** `schema`: the sequence schema of the instruction kinds in use (default: the box's). */
  constructor(
    db: Kysely<DB> | Database,
    options: { clock?: Pick<Clock, "now">; schema?: z.ZodType<Sequence> } = {},
  ) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = options.clock ?? systemClock;
    this.#schema = options.schema ?? Sequence;
  }

  async create(sequence: Sequence): Promise<SequenceDto> {
    const now = this.#nowIso();
    const row: SequencesTable = {
      id: crypto.randomUUID(),
      name: sequence.name,
      data: JSON.stringify(this.#schema.parse(sequence)),
      created_at: now,
      updated_at: now,
    };
    await this.#db.insertInto("sequences").values(row).execute();
    return toDto(row, this.#schema);
  }

  /** Oldest first. */
  async list(): Promise<SequenceDto[]> {
    const rows = await this.#db.selectFrom("sequences").selectAll().orderBy("created_at")
      .orderBy("id").execute();
    return rows.map((row) => toDto(row, this.#schema));
  }

  /** The sequence, or a 404 AppError. */
  async get(id: string): Promise<SequenceDto> {
    const row = await this.#db.selectFrom("sequences").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`No sequence with id ${id}`);
    return toDto(row, this.#schema);
  }

  /** Deletes the sequence and its finished runs; 409 while a run of it is unfinished. */
  async delete(id: string, options: { allowUnfinished?: boolean } = {}): Promise<void> {
    await this.get(id);
    if (!options.allowUnfinished) {
      const live = await this.#db.selectFrom("sequence_runs").select(["id", "state"])
        .where("sequence_id", "=", id).where("state", "in", UNFINISHED_STATES).executeTakeFirst();
      if (live) {
        throw conflict(`Sequence ${id} has a ${live.state} run; abort it before deleting`, {
          run_id: live.id,
        });
      }
    }
    await this.#db.deleteFrom("sequences").where("id", "=", id).execute();
  }

  async createRun(sequenceId: string, checkpoint: Checkpoint): Promise<RunRecord> {
    const now = this.#nowIso();
    const row: SequenceRunsTable = {
      id: crypto.randomUUID(),
      sequence_id: sequenceId,
      state: "running",
      checkpoint: JSON.stringify(Checkpoint.parse(checkpoint)),
      frames_done: checkpoint.frames_done,
      message: null,
      started_at: now,
      updated_at: now,
      ended_at: null,
    };
    await this.#db.insertInto("sequence_runs").values(row).execute();
    return toRun(row);
  }

  async getRun(id: string): Promise<RunRecord> {
    const row = await this.#db.selectFrom("sequence_runs").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`No sequence run with id ${id}`);
    return toRun(row);
  }

  /** The newest run in one of `states` (of one sequence if given), or null. */
  async latestRun(
    states: readonly RunState[],
    sequenceId?: string,
  ): Promise<RunRecord | null> {
    let select = this.#db.selectFrom("sequence_runs").selectAll().where("state", "in", states);
    if (sequenceId !== undefined) select = select.where("sequence_id", "=", sequenceId);
    const row = await select.orderBy("updated_at", "desc").orderBy("id", "desc")
      .executeTakeFirst();
    return row === undefined ? null : toRun(row);
  }

  /** Moves the checkpoint; call it in the frame row's transaction. */
  async saveCheckpoint(runId: string, checkpoint: Checkpoint): Promise<void> {
    const done = await this.#db.updateTable("sequence_runs").set({
      checkpoint: JSON.stringify(Checkpoint.parse(checkpoint)),
      frames_done: checkpoint.frames_done,
      updated_at: this.#nowIso(),
    }).where("id", "=", runId).executeTakeFirst();
    if (done.numUpdatedRows === 0n) throw notFound(`No sequence run with id ${runId}`);
  }

  async setRunState(runId: string, state: RunState, message: string | null = null): Promise<void> {
    const now = this.#nowIso();
    const ended = state === "completed" || state === "aborted" || state === "failed" ||
      state === "abandoned";
    await this.#db.updateTable("sequence_runs").set({
      state,
      message,
      updated_at: now,
      ended_at: ended ? now : null,
    }).where("id", "=", runId).execute();
  }

  /** At start: runs left running or paused by a process that died are now interrupted. */
  async markInterrupted(): Promise<number> {
    const result = await this.#db.updateTable("sequence_runs").set({ state: "interrupted" })
      .where("state", "in", ["running", "paused"]).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  #nowIso(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}

function toDto(row: SequencesTable, schema: z.ZodType<Sequence>): SequenceDto {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch {
    throw new TypeError(`sequence ${row.id}: stored document is not JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new TypeError(`sequence ${row.id}: stored document is invalid: ${parsed.error.message}`);
  }
  return { ...parsed.data, id: row.id, created_at: row.created_at, updated_at: row.updated_at };
}

function toRun(row: SequenceRunsTable): RunRecord {
  return {
    id: row.id,
    sequenceId: row.sequence_id,
    state: row.state as RunState,
    checkpoint: Checkpoint.parse(JSON.parse(row.checkpoint)),
    framesDone: row.frames_done,
    message: row.message,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}
