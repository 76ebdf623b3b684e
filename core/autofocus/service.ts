/**
 * The autofocus service: one run at a time, started by the API (answering a run id at once) or
 * awaited by the sequencer's hook. It publishes `autofocus.point` for each point and
 * `autofocus.completed` / `autofocus.failed` at the end, keeps the current or last run for
 * `GET /focuser/autofocus`, records every run in the database, refits the °C → steps coefficient
 * from the successful ones, and hands it with the new reference to the temperature compensator
 * (temperature.ts), which a request flag turns on or off.
 */
import type { Rig } from "../../devices/rig.ts";
import { filterNames, slotOfFilter } from "../../devices/filterwheel.ts";
import type { TaskRunner } from "../frames/frame_figures.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import type { Clock } from "../../lib/clock.ts";
import { badRequest, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { AutofocusPointDto, AutofocusStatusDto } from "../schemas/focuser.ts";
import type { AutofocusRunRepository } from "../store/autofocus_runs.ts";
import type { CurveFit } from "./fit.ts";
import { type AutofocusOutcome, runAutofocus } from "./routine.ts";
import { type AutofocusTuning, resolveSettings } from "./settings.ts";
import { fitTempCoefficient, type TempCoefficient, TempCompensator } from "./temperature.ts";

export interface AutofocusServiceOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  runs: AutofocusRunRepository;
  runner: TaskRunner | null;
  /** Keeps the run's frames (with the figures measured for the curve); absent: not kept. */
  sink?: FrameSink;
  /** Temperature compensation check interval. */
  compensationIntervalMs?: number;
  /** Who else holds the rig (core/rig_owner.ts); asked by runs the API starts. */
  otherOwner?: () => string | null;
}

export interface AutofocusRequest extends AutofocusTuning {
  temperature_compensation?: boolean;
}

interface RunState {
  id: string;
  startedAtMs: number;
  abort: AbortController;
  points: AutofocusPointDto[];
  outcome: AutofocusOutcome | null;
}

export class AutofocusService {
  readonly #opts: AutofocusServiceOptions;
  readonly #compensator: TempCompensator;
  #run: RunState | null = null;
  #done: Promise<AutofocusOutcome> | null = null;
  #running = false;
  #coefficient: TempCoefficient | null = null;

  constructor(options: AutofocusServiceOptions) {
    this.#opts = options;
    this.#compensator = new TempCompensator({
      hub: options.hub,
      clock: options.clock,
      log: options.log,
      busy: () => this.#running,
      intervalMs: options.compensationIntervalMs,
    });
  }

  /** Loads the coefficient from past runs. */
  async start(): Promise<void> {
    await this.#refit();
  }

  /**
   * Starts a run; 409 when one is under way or, for a run the API starts (`exclusive`), when
   * centring, polar alignment, a sequence or an exposure holds the rig; 503 when the camera or
   * focuser is absent.
   */
  begin(request: AutofocusRequest = {}, exclusive = true): { runId: string } {
    if (this.#running) throw conflict("An autofocus run is already under way");
    const other = exclusive ? this.#opts.otherOwner?.() : null;
    if (other) throw conflict(`cannot start autofocus now: ${other}`);
    // Fail now (503) rather than inside the run when a role is empty.
    this.#opts.hub.device("camera");
    const focuser = this.#opts.hub.device("focuser");
    const settings = resolveSettings(request);
    if (request.filter !== undefined) {
      const slots = this.#opts.hub.device("filterwheel").status().slots;
      if (slotOfFilter(slots, request.filter) === null) {
        const names = filterNames(slots);
        throw badRequest("body.filter", `no filter named "${request.filter}" (have ${names})`);
      }
    }
    // The sweep must fit in the focuser's travel (the filter's offset is checked by the run).
    const halfSpanSteps = settings.stepsPerSide * settings.stepSizeSteps;
    const here = focuser.status().position;
    const max = focuser.capabilities.maxPosition;
    if (here - halfSpanSteps < 0 || here + halfSpanSteps > max) {
      throw badRequest(
        "body.step_size",
        `a sweep of ±${halfSpanSteps} steps around ${here} leaves the focuser's range 0..${max}`,
      );
    }
    if (request.temperature_compensation !== undefined) {
      this.#compensator.enable(request.temperature_compensation);
    }
    const id = crypto.randomUUID();
    const abort = new AbortController();
    const run: RunState = {
      id,
      startedAtMs: this.#opts.clock.now(),
      abort,
      points: [],
      outcome: null,
    };
    this.#run = run;
    this.#running = true;
    this.#done = (async () => {
      try {
        const outcome = await runAutofocus(
          {
            hub: this.#opts.hub,
            clock: this.#opts.clock,
            runner: this.#opts.runner,
            sink: this.#opts.sink,
          },
          settings,
          abort.signal,
          (p) => {
            const dto: AutofocusPointDto = {
              run_id: id,
              index: p.index,
              position: p.positionSteps,
              hfr_px: p.hfrPx,
              stars: p.stars,
              frames: p.frames,
              skipped_reason: p.skippedReason,
            };
            run.points.push(dto);
            this.#opts.bus.publish("autofocus.point", dto);
          },
        ).catch((error) => unstartedOutcome(this.#opts.hub, error));
        run.outcome = outcome;
        await this.#finish(run, outcome, settings.filter);
        return outcome;
      } finally {
        this.#running = false;
      }
    })();
    return { runId: id };
  }

  /** Runs autofocus to the end (the sequencer's hook); rejects when it fails. */
  async runAndWait(signal: AbortSignal, request: AutofocusRequest = {}): Promise<void> {
    signal.throwIfAborted();
    // A sequence's own run: the sequence holds the rig and asks for this one.
    this.begin(request, false);
    const run = this.#run!;
    const done = this.#done!;
    const onAbort = () => run.abort.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const outcome = await done;
      if (!outcome.ok) throw new Error(`autofocus failed: ${outcome.reason}`);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Aborts the running run (it restores the start position); false when none runs. */
  abort(): boolean {
    if (!this.#running || !this.#run) return false;
    this.#run.abort.abort(new Error("autofocus aborted"));
    return true;
  }

  /** Waits for the current run (tests and shutdown). */
  async settled(): Promise<void> {
    await this.#done?.catch(() => {});
  }

  status(): AutofocusStatusDto {
    const run = this.#run;
    const outcome = run?.outcome ?? null;
    const state = !run ? "idle" : this.#running ? "running" : outcome?.ok ? "completed" : "failed";
    return {
      run_id: run?.id ?? null,
      state,
      started_at: run ? new Date(run.startedAtMs).toISOString() : null,
      points: run ? [...run.points] : [],
      fit: outcome?.fit ? fitDto(outcome.fit) : null,
      result: run && outcome?.ok ? this.#resultDto(run, outcome) : null,
      reason: outcome?.reason ?? null,
      temperature_compensation: {
        enabled: this.#compensator.enabled,
        steps_per_c: this.#coefficient?.stepsPerC ?? null,
        runs: this.#coefficient?.runs ?? 0,
        span_c: this.#coefficient?.spanC ?? 0,
        corrections: this.#compensator.corrections,
      },
    };
  }

  async close(): Promise<void> {
    this.#compensator.close();
    this.abort();
    await this.settled();
  }

  async #finish(run: RunState, outcome: AutofocusOutcome, filter: string | null): Promise<void> {
    const { bus, log, runs, clock } = this.#opts;
    try {
      await runs.insert({
        id: run.id,
        startedAtMs: run.startedAtMs,
        endedAtMs: clock.now(),
        ok: outcome.ok,
        reason: outcome.reason,
        temperatureC: outcome.temperatureC,
        filter,
        startPositionSteps: outcome.startPositionSteps,
        bestPositionSteps: outcome.ok ? outcome.finalPositionSteps : null,
        hfrPx: outcome.finalHfrPx,
        rSquared: outcome.fit?.rSquared ?? null,
        exposures: outcome.exposures,
      });
      if (outcome.ok) await this.#refit();
    } catch (error) {
      // The focuser is where it should be; a lost history row costs only the learning.
      log.warn("autofocus run not recorded", { error: String(error) });
    }
    if (outcome.ok) {
      this.#compensator.setReference(outcome.temperatureC);
      log.info("autofocus completed", { position: outcome.finalPositionSteps });
      bus.publish("autofocus.completed", this.#resultDto(run, outcome));
    } else {
      log.warn("autofocus failed", { reason: outcome.reason });
      bus.publish("autofocus.failed", {
        run_id: run.id,
        reason: outcome.reason ?? "unknown",
        restored_position: outcome.finalPositionSteps,
        fit: outcome.fit ? fitDto(outcome.fit) : null,
        exposures: outcome.exposures,
      });
    }
  }

  async #refit(): Promise<void> {
    this.#coefficient = fitTempCoefficient(await this.#opts.runs.calibrationSamples());
    this.#compensator.setCoefficient(this.#coefficient?.stepsPerC ?? null);
  }

  #resultDto(run: RunState, outcome: AutofocusOutcome) {
    return {
      run_id: run.id,
      best_position: outcome.finalPositionSteps,
      hfr_px: outcome.finalHfrPx,
      start_position: outcome.startPositionSteps,
      start_hfr_px: outcome.startHfrPx,
      fit: fitDto(outcome.fit!),
      temperature_c: outcome.temperatureC,
      exposures: outcome.exposures,
      duration_s: (this.#opts.clock.now() - run.startedAtMs) / 1000,
    };
  }
}

function fitDto(fit: CurveFit) {
  return {
    model: fit.model,
    best_position: fit.bestPositionSteps,
    min_hfr_px: fit.minHfrPx,
    r_squared: fit.rSquared,
  };
}

/** A run that failed before it could move anything (a role emptied between begin and start). */
function unstartedOutcome(hub: Rig, error: unknown): AutofocusOutcome {
  const position = hub.peek("focuser")?.status().position ?? 0;
  return {
    ok: false,
    reason: error instanceof Error ? error.message : String(error),
    startPositionSteps: position,
    finalPositionSteps: position,
    startHfrPx: null,
    finalHfrPx: null,
    fit: null,
    points: [],
    exposures: 0,
    temperatureC: null,
    legs: [],
  };
}
