/**
 * One run of a plan, from startup to shutdown: the choose → block → count loop, the waits on the
 * clock when nothing is possible, and the controls (pause, resume, skip-target, abort, the safety
 * hold, a halt at box shutdown). Every wait is interruptible, so a control acts at once; the
 * block itself is a sequencer run whose AbortSignal this owns.
 */
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import { conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { SchedulerPlanDto, SchedulerState } from "../schemas/scheduler.ts";
import type { SchedulerRepository } from "../store/scheduler.ts";
import { errorText } from "../sequencer/context.ts";
import type { SequencerService } from "../sequencer/service.ts";
import { type Choice, chooseTarget } from "./choose.ts";
import type { ProcedureEnv, shutdown, startup } from "./procedures.ts";
import type { CoolerControl } from "../cooler/cooler_service.ts";
import { nap, prepareBlock } from "./block.ts";
import { allDone, framesLeft, nightEndMs as nightEndOf, type Progress } from "./plan_math.ts";

const MINUTE_MS = 60_000;

/** What the status shows of a run; updated in place as the run goes. */
export interface RunView {
  plan: SchedulerPlanDto;
  state: SchedulerState;
  current: { index: number; name: string; reason: string; started_at: string } | null;
  rejected: { name: string; reason: string }[];
  nextEvaluationMs: number | null;
  message: string | null;
  lastError: string | null;
}

export interface PlanRunContext {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  sequencer: SequencerService;
  cooler: CoolerControl;
  plans: SchedulerRepository;
  mayStart?: () => string | null;
  procedures: { startup: typeof startup; shutdown: typeof shutdown };
}

type Ending = "abort" | "halt";

export class PlanRun {
  readonly plan: SchedulerPlanDto;
  readonly view: RunView;
  readonly #ctx: PlanRunContext;
  readonly #controller = new AbortController();
  #ending: Ending | null = null;
  #done: Promise<void> = Promise.resolve();
  #block: { controller: AbortController; done: Promise<unknown>; index: number } | null = null;
  readonly #restUntilMs = new Map<number, number>();
  #paused = false;
  #unsafe: string | null = null;
  #wake: (() => void) | null = null;

  constructor(plan: SchedulerPlanDto, ctx: PlanRunContext) {
    this.plan = plan;
    this.#ctx = ctx;
    this.view = {
      plan,
      state: "starting",
      current: null,
      rejected: [],
      nextEvaluationMs: null,
      message: null,
      lastError: null,
    };
  }

  execute(): Promise<void> {
    return this.#done = this.#execute();
  }

  pause(): void {
    if (this.#paused) throw conflict("The plan is already paused");
    this.#paused = true;
    // After the current exposure; a sequencer already paused by a device failure stays so.
    if (this.#block && this.#ctx.sequencer.status().state === "running") {
      this.#ctx.sequencer.pause();
    }
    this.#set("paused", "paused by request");
    this.#wake?.();
  }

  resume(): void {
    const sequencerPaused = this.#block !== null &&
      this.#ctx.sequencer.status().state === "paused";
    if (!this.#paused && !sequencerPaused) throw conflict("The plan is not paused");
    this.#paused = false;
    // Also clears a pause the sequencer has not reached yet (it waits for the exposure).
    if (this.#block) this.#ctx.sequencer.resume();
    if (this.#block) this.#set("running", null);
    this.#wake?.();
  }

  async skipTarget(): Promise<string> {
    const block = this.#block;
    if (!block) throw conflict("No target is being imaged to skip");
    const name = this.plan.targets[block.index]!.name;
    const restMs = this.plan.skip_minutes * MINUTE_MS;
    this.#restUntilMs.set(block.index, this.#ctx.clock.now() + restMs);
    this.#ctx.log.info("skipping the current target", { target: name });
    block.controller.abort();
    await block.done.catch(() => {});
    return name;
  }

  abort(): Promise<void> {
    return this.#end("abort");
  }

  /** Box shutdown: stop where it is, no procedure. */
  halt(): Promise<void> {
    return this.#end("halt");
  }

  /** Unsafe conditions: interrupt the block now (its frames are kept) and wait. */
  async hold(reason: string): Promise<void> {
    this.#unsafe = reason;
    const block = this.#block;
    block?.controller.abort();
    await block?.done.catch(() => {});
    this.#wake?.();
  }

  /** Safe again: re-evaluate and continue. */
  release(): void {
    this.#unsafe = null;
    this.#wake?.();
  }

  async #end(ending: Ending): Promise<void> {
    this.#ending ??= ending;
    this.#controller.abort(new Error(`plan ${ending}`));
    this.#block?.controller.abort();
    this.#wake?.();
    await this.#done;
  }

  async #execute(): Promise<void> {
    const { plans, procedures } = this.#ctx;
    const id = this.plan.id;
    try {
      this.#set("starting", "running the startup procedure");
      await plans.setState(id, "starting");
      this.#alert("info", `Plan "${this.plan.name}" started`);
      await procedures.startup(this.plan, this.#env(this.#controller.signal));
      const why = await this.#loop();
      this.#set("shutting_down", why);
      await plans.setState(id, "shutting_down", why);
      await procedures.shutdown(this.plan, this.#env(new AbortController().signal));
      this.#finish("completed", why);
      await plans.setState(id, "completed", why);
      this.#alert("info", `Plan "${this.plan.name}" completed: ${why}`);
    } catch (err) {
      await this.#failed(err).catch((e) =>
        this.#ctx.log.error("the plan's ending failed", { error: errorText(e) })
      );
    }
  }

  async #failed(err: unknown): Promise<void> {
    const { plans, procedures } = this.#ctx;
    const id = this.plan.id;
    const calm = this.#env(new AbortController().signal);
    if (this.#ending === "halt") {
      this.#finish("idle", "stopped by the box shutting down; start the plan again to continue");
      await plans.setState(id, "interrupted", this.view.message);
      return;
    }
    if (this.#ending === "abort") {
      this.#set("shutting_down", "aborted: parking the mount");
      await procedures.shutdown(this.plan, calm, { park: true, stopGuiding: true });
      this.#finish("aborted", "aborted by request; the mount is parked");
      await plans.setState(id, "aborted", this.view.message);
      this.#alert("warning", `Plan "${this.plan.name}" aborted; the mount is parked`);
      return;
    }
    const why = errorText(err);
    this.view.lastError = why;
    this.#ctx.log.error("the plan failed", { plan_id: id, error: why });
    this.#alert("error", `Plan "${this.plan.name}" failed: ${why}; shutting down`);
    this.#set("shutting_down", `failed: ${why}`);
    await procedures.shutdown(this.plan, calm);
    this.#finish("aborted", `failed: ${why}`);
    await plans.setState(id, "aborted", this.view.message);
  }

  async #loop(): Promise<string> {
    const { clock, hub, plans } = this.#ctx;
    let nightEndMs: number | null | undefined;
    while (true) {
      this.#checkEnding();
      await this.#holdPoint();
      const site = hub.site;
      if (site === null) throw new Error("the active profile has no site");
      const progress = await plans.progress(this.plan);
      if (allDone(this.plan, progress)) return "every planned frame is taken";
      const nowMs = clock.now();
      nightEndMs ??= nightEndOf(this.plan, progress, site, nowMs);
      if (nightEndMs !== null && nowMs >= nightEndMs) {
        return "dawn: the night is over (frames left for another night)";
      }
      const refusal = this.#ctx.mayStart?.() ?? null;
      if (refusal) {
        this.#set("waiting", `waiting: ${refusal}`);
        await this.#nap(nowMs + MINUTE_MS);
        continue;
      }
      const choice = chooseTarget(this.plan, progress, site, nowMs, {
        skippedUntilMs: this.#restUntilMs,
      });
      this.view.rejected = choice.rejected.map((r) => ({ name: r.name, reason: r.reason }));
      if (choice.target === null) {
        const next = choice.next_possible_ms;
        if (next === null) return `nothing more is possible: ${choice.reason}`;
        if (nightEndMs !== null && next >= nightEndMs) {
          return `nothing more is possible before dawn (${new Date(nightEndMs).toISOString()})`;
        }
        this.view.current = null;
        this.view.nextEvaluationMs = next;
        this.#set("waiting", choice.reason);
        await this.#nap(next);
        continue;
      }
      await this.#runBlock(choice, progress, nightEndMs);
    }
  }

  async #runBlock(
    choice: Extract<Choice, { target: object }>,
    progress: Progress,
    nightEndMs: number | null,
  ): Promise<void> {
    const { clock, sequencer, plans, bus } = this.#ctx;
    const target = choice.target;
    const before = framesLeft(this.plan.targets[target.index]!, progress[target.index]);
    const { sequence, blockId, untilMs } = await prepareBlock(
      this.#ctx,
      this.plan,
      choice,
      progress,
      nightEndMs,
    );
    this.view.current = {
      index: target.index,
      name: target.name,
      reason: choice.reason,
      started_at: new Date(clock.now()).toISOString(),
    };
    this.view.nextEvaluationMs = untilMs;
    this.#set("running", null);
    await plans.setState(this.plan.id, "running");
    bus.publish("scheduler.target_started", {
      plan_id: this.plan.id,
      target: target.name,
      reason: choice.reason,
    });
    const controller = new AbortController();
    const done = sequencer.run(sequence, { signal: controller.signal });
    this.#block = { controller, done, index: target.index };
    let outcome: string;
    try {
      outcome = await done;
    } catch (err) {
      outcome = "failed";
      this.view.lastError = `${target.name}: ${errorText(err)}`;
    } finally {
      this.#block = null;
      this.view.current = null;
    }
    await plans.endBlock(blockId, outcome);
    if (this.#ending || this.#unsafe) return;
    const after = framesLeft(
      this.plan.targets[target.index]!,
      (await plans.progress(this.plan))[target.index],
    );
    // A block that took nothing (refused, or stopped at once) must not be retried in a tight
    // loop: rest the target, and say why.
    if (after === before && outcome !== "aborted") {
      const restMs = Math.max(this.plan.skip_minutes, 1) * MINUTE_MS;
      this.#restUntilMs.set(target.index, clock.now() + restMs);
      const why = outcome === "failed"
        ? this.view.lastError ?? "its block failed"
        : sequencer.status().message ?? "its block took no frames";
      this.#alert("warning", `${target.name}: ${why}; trying other targets`);
    }
  }

  async #holdPoint(): Promise<void> {
    while (this.#paused || this.#unsafe !== null) {
      this.view.nextEvaluationMs = null;
      this.#set(
        this.#paused ? "paused" : "waiting",
        this.#paused
          ? "paused by request"
          : `conditions unsafe (${this.#unsafe}); waiting until it is safe again`,
      );
      await this.#nap(null);
    }
  }

  /** Sleeps until `untilMs` (null: until woken); a control wakes it early. */
  async #nap(untilMs: number | null): Promise<void> {
    await nap(this.#ctx.clock, untilMs, this.#controller.signal, (wake) => this.#wake = wake);
    this.#checkEnding();
  }

  #checkEnding(): void {
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason;
  }

  #env(signal: AbortSignal): ProcedureEnv {
    return {
      hub: this.#ctx.hub,
      clock: this.#ctx.clock,
      cooler: this.#ctx.cooler,
      signal,
      describe: (text) => this.view.message = text,
      warn: (message) => this.#alert("warning", message),
    };
  }

  #set(state: SchedulerState, message: string | null): void {
    this.view.state = state;
    this.view.message = message;
  }

  #finish(state: SchedulerState, message: string): void {
    this.#set(state, message);
    this.view.current = null;
    this.view.nextEvaluationMs = null;
  }

  #alert(level: "info" | "warning" | "error", message: string): void {
    this.#ctx.bus.publish("alert", { level, source: "scheduler", message });
  }
}
