/**
 * One run of a sequence: walks the plan from a checkpoint, frame by frame — loop conditions,
 * target, filter, focus offset, autofocus triggers, meridian flip, exposure through the camera
 * contract, then the FITS file written durably and its row inserted in the SAME transaction as
 * the checkpoint, then `sequencer.frame_saved` and the dither. Pause takes effect between frames,
 * abort (the signal) stops the exposure now. A device that fails pauses the run with an alert;
 * resuming retries the frame, so the night is not lost to one dropped cable.
 */
import type { RawFrame } from "../../devices/camera.ts";
import type {
  Checkpoint,
  ExposureGroup,
  SequenceDto,
  SequenceTarget,
} from "../schemas/sequence.ts";
import type { SavedFrame } from "../frames/frame_sink.ts";
import { SequenceRepository } from "../store/sequences.ts";
import { errorText, type SequencerContext } from "./context.ts";
import { Overheads } from "./overheads.ts";
import { expose, saveWithCheckpoint } from "./capture.ts";
import * as plan from "./plan.ts";
import { RigActions } from "./rig.ts";
import { loopStopReason } from "./conditions.ts";
import { dither, finish, gotoTarget, meridianFlipIfDue, prepare, type StepEnv } from "./steps.ts";
import { AutofocusTriggers } from "./triggers.ts";

export type RunOutcome = "completed" | "aborted" | "interrupted" | "failed";

export interface RunStep {
  index: number;
  description: string;
  target: string | null;
  filter: string | null;
}

export class SequenceRun {
  readonly runId: string;
  readonly sequence: SequenceDto;
  readonly #ctx: SequencerContext;
  readonly #rig: RigActions;
  readonly #repo: SequenceRepository;
  readonly #overheads = new Overheads();
  readonly #triggers: AutofocusTriggers;
  #checkpoint: Checkpoint;
  #state: "running" | "paused" = "running";
  #pauseRequested = false;
  #pausedReason: string | null = null;
  #wake: (() => void) | null = null;
  #step: RunStep | null = null;
  /** What the run is doing right now (slewing, waiting for the flip, exposing frame n …). */
  #activity: string | null = null;
  #stepKey = "";
  #startedMs: number;
  #framesThisRun = 0;
  #skippedFrames = 0;
  #readyTarget = -1;
  #appliedOffsetSteps: number | null = null;
  #lastFilter: string | null = null;
  #env: StepEnv | null = null;
  #guiding = { started: false };

  constructor(ctx: SequencerContext, sequence: SequenceDto, runId: string, checkpoint: Checkpoint) {
    this.#ctx = ctx;
    this.sequence = sequence;
    this.runId = runId;
    this.#checkpoint = structuredClone(checkpoint);
    this.#rig = new RigActions(ctx.hub, ctx.clock);
    this.#repo = new SequenceRepository(ctx.db, { clock: ctx.clock });
    this.#startedMs = ctx.clock.now();
    this.#triggers = new AutofocusTriggers(sequence.options.autofocus, this.#startedMs);
  }

  get state(): "running" | "paused" {
    return this.#state;
  }
  get pausedReason(): string | null {
    return this.#pausedReason;
  }
  get step(): RunStep | null {
    return this.#step;
  }
  get activity(): string | null {
    return this.#activity;
  }
  get checkpoint(): Checkpoint {
    return structuredClone(this.#checkpoint);
  }
  get elapsedS(): number {
    return (this.#ctx.clock.now() - this.#startedMs) / 1000;
  }
  /** Frames the plan still holds, minus those a loop condition cut. */
  get framesPlanned(): number {
    return plan.totalFrames(this.sequence) - this.#skippedFrames;
  }

  etaS(): number {
    const remaining = plan.remainingFrom(this.sequence, this.#checkpoint.next, this.#lastFilter);
    const every = this.sequence.options.dither?.every_frames;
    const dithers = every ? Math.floor(remaining.frames / every) : 0;
    return this.#overheads.etaS({ ...remaining, dithers }, this.#framesThisRun);
  }

  /** Pause after the current exposure. */
  pause(): void {
    this.#pauseRequested = true;
  }

  /** Continue a paused run (after a pause or a device failure). */
  resume(): void {
    this.#pauseRequested = false;
    this.#wake?.();
  }

  async execute(signal: AbortSignal): Promise<RunOutcome> {
    const env: StepEnv = {
      ctx: this.#ctx,
      rig: this.#rig,
      sequence: this.sequence,
      overheads: this.#overheads,
      signal,
      alert: (level, message) => this.#alert(level, message),
      describe: (text) => this.#describe(text),
      guiding: this.#guiding,
    };
    this.#env = env;
    this.#appliedOffsetSteps = this.#rig.currentFilter()?.offsetSteps ?? null;
    this.#lastFilter = this.#rig.currentFilter()?.name ?? null;
    await this.#safely(() => prepare(env), signal);
    while (this.#checkpoint.next !== null) {
      await this.#pausePoint(signal);
      const pos = this.#checkpoint.next;
      const target = this.sequence.targets[pos.target_index]!;
      const stop = loopStopReason(this.#ctx, target);
      if (stop !== null) {
        this.#skippedFrames += plan.framesLeftInTarget(this.sequence, pos);
        this.#alert("info", `${target.name}: ${stop}; moving on`);
        this.#checkpoint = { ...this.#checkpoint, next: plan.skipTarget(this.sequence, pos) };
        await this.#repo.saveCheckpoint(this.runId, this.#stamped());
        continue;
      }
      await this.#safely(() => this.#frame(env, target, pos), signal);
    }
    this.#describe("finishing");
    await finish(env);
    return "completed";
  }

  /** Runs `work`; a failure that is not the signal pauses the run with an alert, then retries. */
  async #safely(work: () => Promise<void>, signal: AbortSignal): Promise<void> {
    while (true) {
      try {
        return await work();
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const reason = `${this.#activity ?? "step"} failed: ${errorText(err)}`;
        this.#alert(
          "error",
          `Sequence "${this.sequence.name}" paused: ${reason}. Resume to retry.`,
        );
        this.#ctx.log.warn("sequence paused by a failure", { run_id: this.runId, reason });
        this.#pauseRequested = true;
        this.#readyTarget = -1;
        await this.#pausePoint(signal, reason);
      }
    }
  }

  async #pausePoint(signal: AbortSignal, reason: string | null = null): Promise<void> {
    if (!this.#pauseRequested) return;
    this.#state = "paused";
    this.#pausedReason = reason ?? "paused by request";
    await this.#repo.setRunState(this.runId, "paused", this.#pausedReason);
    while (this.#pauseRequested) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) return onAbort();
        signal.addEventListener("abort", onAbort, { once: true });
        this.#wake = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
      });
      this.#wake = null;
    }
    this.#state = "running";
    this.#pausedReason = null;
    await this.#repo.setRunState(this.runId, "running");
  }

  async #frame(env: StepEnv, target: SequenceTarget, pos: NonNullable<Checkpoint["next"]>) {
    const ctx = this.#ctx;
    const group = target.groups[pos.group_index]!;
    if (this.#readyTarget !== pos.target_index) {
      await gotoTarget(env, target);
      this.#readyTarget = pos.target_index;
    }
    const stepKey = `${pos.target_index}/${pos.loop_index}/${pos.group_index}`;
    if (stepKey !== this.#stepKey) {
      this.#stepKey = stepKey;
      const repeat = target.loop.repeat > 1
        ? ` (round ${pos.loop_index + 1}/${target.loop.repeat})`
        : "";
      this.#setStep(
        pos,
        target,
        group,
        `${target.name}: ${group.count} × ${group.exposure_s} s ${group.filter ?? ""}${repeat}`
          .replace(/\s+/g, " "),
      );
    }
    let filterChanged = false;
    if (group.filter !== null) {
      const startMs = ctx.clock.now();
      const { offsetSteps, moved } = await this.#rig.selectFilter(group.filter, env.signal);
      if (moved) this.#overheads.add("filter", ctx.clock.now() - startMs);
      filterChanged = this.#lastFilter !== null && this.#lastFilter !== group.filter;
      this.#lastFilter = group.filter;
      if (this.#appliedOffsetSteps !== null && offsetSteps !== this.#appliedOffsetSteps) {
        const focusStartMs = ctx.clock.now();
        await this.#rig.moveFocuserBy(offsetSteps - this.#appliedOffsetSteps, env.signal);
        this.#overheads.add("focus", ctx.clock.now() - focusStartMs);
      }
      this.#appliedOffsetSteps = offsetSteps;
    }
    await this.#autofocusIfDue(env, filterChanged);
    if (group.frame_type === "light") await meridianFlipIfDue(env, target, group.exposure_s);
    const index = plan.frameIndexOf(this.sequence, pos);
    this.#activity = `exposing frame ${index + 1} of ${plan.totalFrames(this.sequence)}`;
    const frame = await this.#expose(group, env.signal);
    // camera.frame_ready is out (the sink announced the frame); its figures decide the triggers.
    const saved = await this.#save(frame, target, pos, index);
    const analysed = await untilAborted(saved.analyzed, env.signal);
    this.#triggers.frameTaken(analysed.hfr);
    ctx.bus.publish("sequencer.frame_saved", {
      ...analysed,
      sequence_id: this.sequence.id,
      frame_index: index,
    });
    const every = this.sequence.options.dither?.every_frames;
    if (every && this.#checkpoint.frames_done % every === 0 && this.#checkpoint.next !== null) {
      await dither(env);
    }
  }

  async #autofocusIfDue(env: StepEnv, filterChanged: boolean): Promise<void> {
    const { clock, hooks } = this.#ctx;
    const reason = this.#triggers.due({
      nowMs: clock.now(),
      filterChanged,
      temperatureC: this.#rig.focuserTemperatureC(),
    });
    if (reason === null) return;
    if (hooks.autofocus) {
      this.#describe(`autofocus (${reason})`);
      const startMs = clock.now();
      try {
        await hooks.autofocus(env.signal);
      } catch (err) {
        if (env.signal.aborted) throw err;
        this.#alert("warning", `Autofocus (${reason}) failed: ${errorText(err)}; continuing`);
      }
      this.#overheads.add("focus", clock.now() - startMs);
    } else {
      this.#alert("warning", `autofocus requested by trigger "${reason}" but not available`);
    }
    this.#triggers.focused(clock.now(), this.#rig.focuserTemperatureC());
  }

  async #expose(group: ExposureGroup, signal: AbortSignal): Promise<RawFrame> {
    const startMs = this.#ctx.clock.now();
    const { frame, request } = await expose(this.#ctx, group, signal);
    this.#overheads.add("download", this.#ctx.clock.now() - startMs - request.durationS * 1000);
    return frame;
  }

  async #save(
    frame: RawFrame,
    target: SequenceTarget,
    pos: NonNullable<Checkpoint["next"]>,
    index: number,
  ): Promise<SavedFrame> {
    const { saved, checkpoint } = await saveWithCheckpoint(this.#ctx, {
      frame,
      sequence: this.sequence,
      runId: this.runId,
      target,
      pos,
      index,
      checkpoint: this.#checkpoint,
    });
    this.#checkpoint = checkpoint;
    this.#framesThisRun++;
    return saved;
  }

  #stamped(): Checkpoint {
    return { ...this.#checkpoint, wall_ms: Date.now() };
  }

  #setStep(
    pos: NonNullable<Checkpoint["next"]>,
    target: SequenceTarget,
    group: ExposureGroup,
    description: string,
  ) {
    const index = plan.stepIndexOf(this.sequence, pos);
    const changed = this.#step?.index !== index || this.#step.description !== description;
    this.#step = { index, description, target: target.name, filter: group.filter };
    if (changed) {
      this.#ctx.bus.publish("sequencer.step_changed", {
        sequence_id: this.sequence.id,
        step: index,
        target: target.name,
        filter: group.filter,
        description,
      });
    }
  }

  #describe(text: string): void {
    this.#activity = text;
  }

  #alert(level: "info" | "warning" | "error", message: string): void {
    const log = this.#ctx.log;
    (level === "warning" ? log.warn : level === "error" ? log.error : log.info).call(log, message, {
      run_id: this.runId,
    });
    this.#ctx.bus.publish("alert", { level, source: "sequencer", message });
  }
}

/** The figures are waited for, but an abort does not wait for them (they still reach the row). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
