/**
 * One run of a sequence: walks its instruction list (walker.ts) from the checkpoint's cursor.
 * Each frame's file is written durably and its row inserted in the SAME transaction as the
 * checkpoint that moves past it; the cursor is also saved as each instruction starts, so a
 * resumed run neither repeats finished work nor skips any. Pause takes effect between
 * instructions and frames, abort (the signal) stops the exposure now. A device that fails pauses
 * the run with an alert; resuming retries that instruction, after replaying what set up state.
 * The status — step, instruction, activity, frames, ETA — comes from the instructions
 * themselves; the run tells its `onChange` listener whenever any of it moves (the service
 * publishes `sequencer.progress` from it).
 */
import type { RawFrame } from "../../devices/camera.ts";
import type { Checkpoint, SequenceDto } from "../schemas/sequence.ts";
import { SequenceRepository } from "../store/sequences.ts";
import { commitFrame } from "./commit_frame.ts";
import { programOf } from "./compile.ts";
import { errorText, type SequencerContext } from "./context.ts";
import { remainingS } from "./estimate.ts";
import type { RunEnv, SavedFrame, Session } from "./instructions/kind.ts";
import { instructionRegistry } from "./instructions/registry.ts";
import { Measurements } from "./measurements.ts";
import { afterFrame, cursorOf, movedTo } from "./position.ts";
import type { Cursor, Node, Program } from "./program.ts";
import { RigActions } from "./rig.ts";
import { runEnv, type RunServices } from "./run_env.ts";
import type { Scope } from "./scope.ts";
import { walk, type WalkHost } from "./walker.ts";

export type RunOutcome = "completed" | "aborted" | "interrupted" | "failed";

export interface RunStep {
  index: number;
  description: string;
  target: string | null;
  filter: string | null;
}

/** The instruction running now (any leaf, not only those that take frames). */
export interface RunInstruction {
  path: number[];
  kind: string;
  /** Frames of this instruction (this repetition) done and planned; null when it takes none. */
  frames: { n: number; of: number } | null;
}

export class SequenceRun implements WalkHost {
  readonly runId: string;
  readonly sequence: SequenceDto;
  readonly program: Program;
  readonly #ctx: SequencerContext;
  readonly #rig: RigActions;
  readonly #repo: SequenceRepository;
  readonly #measurements = new Measurements();
  readonly #memo = new Map<string, unknown>();
  #session: Session = {
    filter: null,
    appliedOffsetSteps: null,
    filterChanged: false,
    guiding: null,
  };
  #services: RunServices | null = null;
  #checkpoint: Checkpoint;
  #cursor: Cursor | null;
  /** The cursor last written to the store, to skip writing it again. */
  #savedCursor: string;
  #state: "running" | "paused" = "running";
  #pauseRequested = false;
  #pausedReason: string | null = null;
  #requestedReason: string | null = null;
  #wake: (() => void) | null = null;
  #signal: AbortSignal = new AbortController().signal;
  #step: RunStep | null = null;
  #instruction: RunInstruction | null = null;
  readonly #onChange: () => void;
  /** What the run is doing right now (slewing, waiting for the flip, exposing frame n …). */
  #activity: string | null = null;
  #startedMs: number;
  #framesThisRun = 0;
  #skippedFrames = 0;

  constructor(
    ctx: SequencerContext,
    sequence: SequenceDto,
    runId: string,
    checkpoint: Checkpoint,
    onChange: () => void = () => {},
  ) {
    this.#ctx = ctx;
    this.#onChange = onChange;
    this.sequence = sequence;
    this.runId = runId;
    this.program = programOf(sequence, ctx.instructions ?? instructionRegistry);
    this.#checkpoint = structuredClone(checkpoint);
    this.#cursor = cursorOf(this.program, checkpoint);
    this.#savedCursor = JSON.stringify(this.#cursor);
    this.#rig = new RigActions(ctx.hub, ctx.clock, ctx.cooler);
    this.#repo = new SequenceRepository(ctx.db, { clock: ctx.clock });
    this.#startedMs = ctx.clock.now();
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
  get instruction(): RunInstruction | null {
    return this.#instruction && structuredClone(this.#instruction);
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
  /** Frames the plan holds, minus those a stop condition cut. */
  get framesPlanned(): number {
    return this.program.totalFrames - this.#skippedFrames;
  }

  /** Seconds left, by the instructions' estimates with the overheads measured so far. */
  etaS(): number {
    return remainingS(this.program, this.#cursor, {
      measurements: this.#measurements,
      session: this.#session,
      framesThisRun: this.#framesThisRun,
      nowMs: this.#ctx.clock.now(),
    });
  }

  /**
   * Pause before the next instruction or frame (after the current exposure); `reason` is shown
   * while paused.
   */
  pause(reason?: string): void {
    this.#pauseRequested = true;
    this.#requestedReason = reason ?? null;
  }

  /** Continue a paused run (after a pause or a device failure). */
  resume(): void {
    this.#pauseRequested = false;
    this.#requestedReason = null;
    this.#wake?.();
  }

  async execute(signal: AbortSignal): Promise<RunOutcome> {
    this.#signal = signal;
    const inPath = this.#rig.currentFilter();
    this.#session.filter = inPath;
    this.#session.appliedOffsetSteps = inPath?.offsetSteps ?? null;
    this.#services = this.#servicesFor(signal);
    while (this.#cursor !== null) {
      try {
        await walk(this.program.nodes, this.#cursor, this);
        this.#cursor = null;
      } catch (err) {
        if (signal.aborted) throw signal.reason ?? err;
        await this.#pauseAfterFailure(err);
      }
    }
    await this.#store(movedTo(this.program, this.#checkpoint, null));
    return "completed";
  }

  // WalkHost: what the walk asks of the run.

  async pausePoint(reason: string | null = null): Promise<void> {
    if (!this.#pauseRequested) return;
    const signal = this.#signal;
    this.#state = "paused";
    this.#pausedReason = reason ?? this.#requestedReason ?? "paused by request";
    await this.#repo.setRunState(this.runId, "paused", this.#pausedReason);
    this.#changed();
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
    this.#changed();
  }

  envFor(scope: Scope, node: Node, progress: number): RunEnv {
    return runEnv(this.#services!, scope, node, progress);
  }

  async enterLeaf(cursor: Cursor, node: Node, env: RunEnv): Promise<void> {
    this.#cursor = cursor;
    if (JSON.stringify(cursor) !== this.#savedCursor) {
      await this.#store(movedTo(this.program, this.#checkpoint, cursor));
    }
    // The previous instruction's activity is over; this one says its own (or nothing).
    this.#activity = null;
    this.#instruction = {
      path: [...node.path],
      kind: node.kind.kind,
      frames: node.framesPerRound === 0 ? null : { n: cursor.done, of: node.framesPerRound },
    };
    if (node.framesPerRound === 0) return this.#changed();
    const index = this.program.stepIndexAt(cursor);
    const description = node.kind.describe?.(node.params, env) ?? node.kind.kind;
    const step = {
      index,
      description,
      target: env.target?.name ?? null,
      filter: this.#session.filter?.name ?? null,
    };
    const changed = this.#step?.index !== index || this.#step.description !== description;
    this.#step = step;
    if (changed) {
      this.#ctx.bus.publish("sequencer.step_changed", {
        sequence_id: this.sequence.id,
        step: index,
        target: step.target,
        filter: step.filter,
        description,
      });
    }
    this.#changed();
  }

  blockEnded(scope: Scope, reason: string): Promise<void> {
    const cursor = this.#cursor;
    if (cursor !== null) {
      this.#skippedFrames += scope.block === null
        ? this.program.totalFrames - this.program.frameIndexAt(cursor)
        : this.program.framesLeftInBlock(cursor, scope.depth - 1);
    }
    const label = scope.target?.name ?? scope.block?.kind.kind ??
      `Sequence "${this.sequence.name}"`;
    this.#alert("info", `${label}: ${reason}; moving on`);
    return Promise.resolve();
  }

  async #pauseAfterFailure(err: unknown): Promise<void> {
    const reason = `${this.#activity ?? "step"} failed: ${errorText(err)}`;
    this.#alert("error", `Sequence "${this.sequence.name}" paused: ${reason}. Resume to retry.`);
    this.#ctx.log.warn("sequence paused by a failure", { run_id: this.runId, reason });
    this.#pauseRequested = true;
    await this.pausePoint(reason);
  }

  async #saveFrame(frame: RawFrame, scope: Scope): Promise<SavedFrame> {
    const cursor = this.#cursor;
    if (cursor === null) throw new TypeError("a frame was taken outside any instruction");
    const index = this.program.frameIndexAt(cursor);
    const next = afterFrame(this.program, this.#checkpoint, cursor);
    const { dto, analyzed } = await commitFrame(this.#ctx, {
      frame,
      object: scope.target?.name ?? null,
      sequenceId: this.sequence.id,
      runId: this.runId,
      checkpoint: next,
    });
    this.#checkpoint = next;
    this.#cursor = next.cursor ?? null;
    this.#savedCursor = JSON.stringify(this.#cursor);
    this.#framesThisRun++;
    const frames = this.#instruction?.frames;
    if (frames) frames.n = Math.min(frames.n + 1, frames.of);
    this.#changed();
    return { dto, analyzed, index };
  }

  async #store(checkpoint: Checkpoint): Promise<void> {
    await this.#repo.saveCheckpoint(this.runId, checkpoint);
    this.#checkpoint = checkpoint;
    this.#savedCursor = JSON.stringify(checkpoint.cursor ?? null);
  }

  #servicesFor(signal: AbortSignal): RunServices {
    const program = this.program;
    const at = () => this.#cursor ?? { at: [], rounds: [], done: 0 };
    return {
      ctx: this.#ctx,
      rig: this.#rig,
      signal,
      sequenceId: this.sequence.id,
      session: this.#session,
      measurements: this.#measurements,
      memo: this.#memo,
      pausePoint: () => this.pausePoint(),
      alert: (level, message) => this.#alert(level, message),
      describe: (text) => {
        if (text === this.#activity) return;
        this.#activity = text;
        this.#changed();
      },
      frameNumber: () => ({ index: program.frameIndexAt(at()), of: program.totalFrames }),
      saveFrame: (frame, scope) => this.#saveFrame(frame, scope),
      framesRemaining: () => program.totalFrames - program.frameIndexAt(at()),
      framesDone: () => this.#checkpoint.frames_done,
    };
  }

  /** Tells the listener the status moved; its failure must not stop the run. */
  #changed(): void {
    try {
      this.#onChange();
    } catch (err) {
      this.#ctx.log.error("sequence progress listener failed", { error: errorText(err) });
    }
  }

  #alert(level: "info" | "warning" | "error", message: string): void {
    const log = this.#ctx.log;
    (level === "warning" ? log.warn : level === "error" ? log.error : log.info).call(log, message, {
      run_id: this.runId,
    });
    this.#ctx.bus.publish("alert", { level, source: "sequencer", message });
  }
}
