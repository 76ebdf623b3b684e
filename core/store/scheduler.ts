/**
 * Scheduler plans and blocks in the database. A plan is one JSON document checked against the
 * zod schema on every read. Its progress is never stored as a counter: it is summed from the run
 * checkpoints of the sequences its blocks ran (each moved in the frame row's own transaction),
 * mapped back to the plan's groups — so frames taken before a crash are counted exactly once.
 */
import type { Kysely } from "kysely";
import { systemClock } from "../../lib/clock.ts";
import type { Clock } from "../../lib/clock.ts";
import { notFound } from "../../lib/errors.ts";
import { SchedulerPlan, type SchedulerPlanDto } from "../schemas/scheduler.ts";
import { Checkpoint } from "../schemas/sequence.ts";
import { Database } from "./db.ts";
import type { DB, SchedulerPlansTable } from "./schema.ts";

export class SchedulerRepository {
  readonly #db: Kysely<DB>;
  readonly #clock: Pick<Clock, "now">;

  constructor(db: Kysely<DB> | Database, options: { clock?: Pick<Clock, "now"> } = {}) {
    this.#db = db instanceof Database ? db.kysely : db;
    this.#clock = options.clock ?? systemClock;
  }

  async create(plan: SchedulerPlan): Promise<SchedulerPlanDto> {
    const now = this.#nowIso();
    const row: SchedulerPlansTable = {
      id: crypto.randomUUID(),
      name: plan.name,
      data: JSON.stringify(SchedulerPlan.parse(plan)),
      state: "idle",
      message: null,
      created_at: now,
      updated_at: now,
    };
    await this.#db.insertInto("scheduler_plans").values(row).execute();
    return toDto(row);
  }

  /** Oldest first. */
  async list(): Promise<SchedulerPlanDto[]> {
    const rows = await this.#db.selectFrom("scheduler_plans").selectAll().orderBy("created_at")
      .orderBy("id").execute();
    return rows.map(toDto);
  }

  async get(id: string): Promise<SchedulerPlanDto> {
    const row = await this.#db.selectFrom("scheduler_plans").selectAll().where("id", "=", id)
      .executeTakeFirst();
    if (row === undefined) throw notFound(`No scheduler plan with id ${id}`);
    return toDto(row);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    await this.#db.deleteFrom("scheduler_plans").where("id", "=", id).execute();
  }

  async setState(id: string, state: string, message: string | null = null): Promise<void> {
    await this.#db.updateTable("scheduler_plans").set({
      state,
      message,
      updated_at: this.#nowIso(),
    }).where("id", "=", id).execute();
  }

  /** Plans whose run a dead process left behind: marked interrupted; returns their ids. */
  async markInterrupted(): Promise<string[]> {
    const rows = await this.#db.updateTable("scheduler_plans")
      .set({ state: "interrupted", message: "the box stopped while the plan ran" })
      .where("state", "in", ["starting", "running", "waiting", "paused", "shutting_down"])
      .returning("id").execute();
    return rows.map((r) => r.id);
  }

  /**
   * Runs of block sequences left unfinished by a dead process become abandoned (their frames
   * still count): the plan resumes them, the sequencer's own auto-resume must not.
   */
  async abandonBlockRuns(): Promise<number> {
    const now = this.#nowIso();
    const result = await this.#db.updateTable("sequence_runs")
      .set({
        state: "abandoned",
        message: "a scheduler block: its plan continues it",
        ended_at: now,
      })
      .where("state", "in", ["running", "paused", "interrupted"])
      .where("sequence_id", "in", this.#db.selectFrom("scheduler_blocks").select("sequence_id"))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async addBlock(block: {
    planId: string;
    targetIndex: number;
    sequenceId: string;
    groupIndexes: number[];
    reason: string;
  }): Promise<string> {
    const id = crypto.randomUUID();
    await this.#db.insertInto("scheduler_blocks").values({
      id,
      plan_id: block.planId,
      target_index: block.targetIndex,
      sequence_id: block.sequenceId,
      group_indexes: JSON.stringify(block.groupIndexes),
      reason: block.reason,
      started_at: this.#nowIso(),
      ended_at: null,
      outcome: null,
    }).execute();
    return id;
  }

  async endBlock(id: string, outcome: string): Promise<void> {
    await this.#db.updateTable("scheduler_blocks").set({ ended_at: this.#nowIso(), outcome })
      .where("id", "=", id).execute();
  }

  /** The sequences of every block (of one plan, or all): the scheduler's own runs. */
  async blockSequenceIds(planId?: string): Promise<string[]> {
    let select = this.#db.selectFrom("scheduler_blocks").select("sequence_id");
    if (planId !== undefined) select = select.where("plan_id", "=", planId);
    return (await select.execute()).map((r) => r.sequence_id);
  }

  /** Frames done per target and group: the sum over every run of every block's sequence. */
  async progress(plan: SchedulerPlanDto): Promise<number[][]> {
    const done = plan.targets.map((t) => t.groups.map(() => 0));
    const rows = await this.#db.selectFrom("scheduler_blocks")
      .innerJoin("sequence_runs", "sequence_runs.sequence_id", "scheduler_blocks.sequence_id")
      .select([
        "scheduler_blocks.target_index as target_index",
        "scheduler_blocks.group_indexes as group_indexes",
        "sequence_runs.checkpoint as checkpoint",
      ])
      .where("scheduler_blocks.plan_id", "=", plan.id).execute();
    for (const row of rows) {
      const groups = JSON.parse(row.group_indexes) as number[];
      const checkpoint = Checkpoint.parse(JSON.parse(row.checkpoint));
      const perGroup = checkpoint.done_per_group[0] ?? [];
      const target = done[row.target_index];
      if (!target) continue;
      perGroup.forEach((n, k) => {
        const planGroup = groups[k];
        if (planGroup !== undefined && target[planGroup] !== undefined) target[planGroup] += n;
      });
    }
    return done;
  }

  #nowIso(): string {
    return new Date(this.#clock.now()).toISOString();
  }
}

function toDto(row: SchedulerPlansTable): SchedulerPlanDto {
  const parsed = SchedulerPlan.safeParse(JSON.parse(row.data));
  if (!parsed.success) {
    throw new TypeError(`plan ${row.id}: stored document is invalid: ${parsed.error.message}`);
  }
  return { ...parsed.data, id: row.id, created_at: row.created_at };
}
