/**
 * The scheduler as the box runs it: one plan at a time. Start runs the startup procedure, then
 * loops — choose a target (core/scheduler/choose.ts), announce it with `scheduler.target_started`,
 * run one block of it through the sequencer (its remaining frames, stopped by the block's end,
 * the altitude limit and dawn), count what the block took, choose again. With nothing possible it
 * sleeps on the injected clock until the chooser says something will be, unless dawn comes
 * first; at dawn or with every frame taken it runs the shutdown procedure. Progress lives in the
 * sequencer's checkpoints (see core/store/scheduler.ts), so a plan restarted after a crash takes
 * each frame once. Pause waits for the exposure (the sequencer's pause), skip-target stops the
 * block now and rests that target, abort stops now and parks. The safety monitor interrupts the
 * plan when it rains and hands it back when it has been safe long enough.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import { conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { SchedulerPlanDto, SchedulerStatusDto } from "../schemas/scheduler.ts";
import type { Database } from "../store/db.ts";
import { SchedulerRepository } from "../store/scheduler.ts";
import type { SequencerService } from "../sequencer/service.ts";
import type { CoolerControl } from "../cooler/cooler_service.ts";
import type { ResolveTarget } from "../sequencer/validate.ts";
import { shutdown, startup } from "./procedures.ts";
import { requireValidPlan } from "./validate.ts";
import { PlanRun, type RunView } from "./plan_run.ts";
import { buildStatus } from "./status.ts";

export interface SchedulerContext {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  db: Database;
  sequencer: SequencerService;
  /** The box's cooler service, for the startup's cooling and the shutdown's warm-up. */
  cooler: CoolerControl;
  resolveTarget?: ResolveTarget;
  /** Why nothing may start now (unsafe weather), or null. */
  mayStart?: () => string | null;
}

export class SchedulerService {
  readonly plans: SchedulerRepository;
  readonly #ctx: SchedulerContext;
  #run: PlanRun | null = null;
  /** The last run, for the status once it has ended. */
  #view: RunView | null = null;

  constructor(ctx: SchedulerContext) {
    this.#ctx = ctx;
    this.plans = new SchedulerRepository(ctx.db, { clock: ctx.clock });
  }

  /** At start, before the sequencer's own recovery: plans a dead process left are interrupted. */
  async init(): Promise<void> {
    const interrupted = await this.plans.markInterrupted();
    // A block's run must not be auto-resumed by the sequencer on its own: the plan owns it.
    const abandoned = await this.plans.abandonBlockRuns();
    if (interrupted.length > 0 || abandoned > 0) {
      this.#ctx.log.warn("scheduler plans were interrupted; start them again to continue", {
        plans: interrupted,
        block_runs: abandoned,
      });
    }
  }

  validate(raw: unknown, where = "body") {
    return requireValidPlan(raw, this.#ctx, where);
  }

  async createPlan(raw: unknown): Promise<SchedulerPlanDto> {
    return await this.plans.create(await this.validate(raw));
  }

  async deletePlan(id: string): Promise<void> {
    if (this.#run?.plan.id === id) throw conflict(`Plan ${id} is running; abort it first`);
    await this.plans.delete(id);
  }

  /** Starts (or continues, with the frames already taken) a stored plan. */
  async start(planId: string): Promise<void> {
    if (this.#run) throw conflict(`Plan "${this.#run.plan.name}" is running; abort it first`);
    const plan = await this.plans.get(planId);
    const seq = this.#ctx.sequencer.status().state;
    if (seq === "running" || seq === "paused") {
      throw conflict(`A sequence is ${seq}; abort it before starting a plan`);
    }
    const refusal = this.#ctx.mayStart?.() ?? null;
    if (refusal) throw conflict(`The plan cannot start now: ${refusal}`);
    if (this.#ctx.hub.site === null) throw conflict("No site: activate a profile first");
    if (this.#run) throw conflict("Another plan started meanwhile");
    const run = new PlanRun(plan, {
      ...this.#ctx,
      plans: this.plans,
      procedures: { startup, shutdown },
    });
    this.#run = run;
    this.#view = run.view;
    void run.execute().finally(() => {
      if (this.#run === run) this.#run = null;
    });
    await Promise.resolve();
  }

  pause(): void {
    this.#require("pause").pause();
  }

  resume(): void {
    this.#require("resume").resume();
  }

  /** Stops the block now, then parks; resolves once parked. */
  async abort(): Promise<void> {
    await this.#require("abort").abort();
  }

  /** Stops the current block now and rests its target for the plan's `skip_minutes`. */
  async skipTarget(): Promise<string> {
    return await this.#require("skip a target").skipTarget();
  }

  /** Box shutdown: stops the plan where it is (no procedure); a later start continues it. */
  async stop(): Promise<void> {
    await this.#run?.halt();
  }

  async status(): Promise<SchedulerStatusDto> {
    return await buildStatus(this.#view, this.plans, this.#ctx.sequencer.status().state);
  }

  /** The hook the safety monitor calls when it rains and when it is safe again. */
  safetyHook(): { name: string; stop(reason: string): Promise<boolean>; resume(): Promise<void> } {
    let held: PlanRun | null = null;
    return {
      name: "scheduler",
      stop: async (reason) => {
        held = this.#run;
        if (!held) return false;
        await held.hold(reason);
        return true;
      },
      resume: () => {
        if (held && held === this.#run) held.release();
        held = null;
        return Promise.resolve();
      },
    };
  }

  #require(action: string): PlanRun {
    if (!this.#run) throw conflict(`No plan is running to ${action}`);
    return this.#run;
  }
}
