/**
 * The sequencer as the box sees it: one run at a time, started, paused, resumed and aborted
 * through the API or by a scheduler (`run(sequence, { signal })`), with its crash-recovery
 * record in the store. Its status goes out as `sequencer.progress` whenever the run moves (an
 * instruction, an activity, a frame, a pause) and once more when it ends, so a phone follows
 * it without polling. At start it marks runs a dead process left behind as interrupted, removes
 * partly written frame files, and (with `[sequencer] auto_resume`) continues the latest one.
 */
import { AppError, conflict, notFound } from "../../lib/errors.ts";
import type { CheckpointDto, SequenceDto, SequencerStatusDto } from "../schemas/sequence.ts";
import { SequenceRepository } from "../store/sequences.ts";
import type { RunRecord } from "../store/sequences.ts";
import { TemplateRepository } from "../store/templates.ts";
import { errorText, RunStopped, type SequencerContext } from "./context.ts";
import { programOf } from "./compile.ts";
import { type RunOutcome, SequenceRun } from "./engine.ts";
import { type InstructionRegistry, instructionRegistry } from "./instructions/registry.ts";
import { cursorOf, emptyCheckpoint } from "./position.ts";
import { removeOrphanFrames, removeTempFiles } from "./recovery.ts";
import { requireValidSequence, sequenceSchemaOf } from "./validate.ts";

interface Live {
  run: SequenceRun;
  controller: AbortController;
  done: Promise<RunOutcome>;
}

type Final = Pick<SequencerStatusDto, "state" | "run_id" | "sequence_id" | "sequence_name"> & {
  frame: { n: number; of: number };
  message: string | null;
};

export class SequencerService {
  readonly sequences: SequenceRepository;
  readonly templates: TemplateRepository;
  readonly #ctx: SequencerContext;
  readonly #registry: InstructionRegistry;
  #live: Live | null = null;
  #last: Final | null = null;

  constructor(ctx: SequencerContext) {
    this.#ctx = ctx;
    this.#registry = ctx.instructions ?? instructionRegistry;
    this.sequences = new SequenceRepository(ctx.db, {
      clock: ctx.clock,
      schema: sequenceSchemaOf(this.#registry),
    });
    this.templates = new TemplateRepository(ctx.db, { clock: ctx.clock });
  }

  /** Every problem of a proposed sequence at once, or the sequence with coordinates filled. */
  validate(raw: unknown, where = "body") {
    return requireValidSequence(raw, {
      hub: this.#ctx.hub,
      resolveTarget: this.#ctx.hooks.resolveTarget,
      instructions: this.#registry,
    }, where);
  }

  /** Later features plug in here (catalog, autofocus, solver, star analysis). */
  get hooks(): SequencerContext["hooks"] {
    return this.#ctx.hooks;
  }

  /** Recovery at start; resumes the latest interrupted run when `autoResume`. */
  async init(options: { autoResume: boolean }): Promise<void> {
    const interrupted = await this.sequences.markInterrupted();
    const removed = await removeTempFiles(this.#ctx.dataDir);
    if (interrupted > 0 || removed.length > 0) {
      this.#ctx.log.warn("recovered from an interrupted run", {
        interrupted,
        removed_temp: removed,
      });
    }
    if (!options.autoResume) return;
    const run = await this.sequences.latestRun(["interrupted"]);
    if (run === null) return;
    this.#ctx.log.info("resuming the interrupted sequence run", { run_id: run.id });
    await this.start(run.sequenceId, { resume: true }).catch((err) =>
      this.#ctx.bus.publish("alert", {
        level: "error",
        source: "sequencer",
        message: `The interrupted sequence could not be resumed: ${errorText(err)}`,
      })
    );
  }

  /** Starts (or resumes) a stored sequence; resolves once it is under way. */
  async start(sequenceId: string, options: { resume?: boolean } = {}): Promise<{ run_id: string }> {
    const sequence = await this.sequences.get(sequenceId);
    const { run } = await this.#begin(sequence, options.resume ?? false, undefined);
    return { run_id: run.runId };
  }

  /**
   * For a scheduler: runs `sequence` (stored) to the end and resolves with how it ended. Aborting
   * `signal` aborts the run; a device failure pauses it as usual.
   */
  async run(
    sequence: SequenceDto,
    options: { resume?: boolean; signal?: AbortSignal } = {},
  ): Promise<RunOutcome> {
    const { done } = await this.#begin(sequence, options.resume ?? false, options.signal);
    return await done;
  }

  /** Pauses after the current exposure; `reason` is the status's paused_reason meanwhile. */
  pause(reason?: string): void {
    const live = this.#requireLive("pause");
    if (live.run.state === "paused") throw conflict("The sequence is already paused");
    live.run.pause(reason);
  }

  resume(): void {
    const live = this.#requireLive("resume");
    live.run.resume();
  }

  /** Aborts the live run (stopping the exposure), or discards an interrupted run's checkpoint. */
  async abort(): Promise<void> {
    if (this.#live) {
      const { controller, done } = this.#live;
      controller.abort(new RunStopped("aborted", "sequence aborted by request"));
      await done.catch(() => {});
      return;
    }
    const run = await this.sequences.latestRun(["interrupted"]);
    if (run === null) throw conflict("No sequence is running and none was interrupted");
    await this.sequences.setRunState(run.id, "aborted", "discarded by request");
  }

  /** Deletes a sequence; 409 while it runs. */
  async deleteSequence(id: string): Promise<void> {
    if (this.#live?.run.sequence.id === id) {
      throw conflict(`Sequence ${id} is running; abort it before deleting`);
    }
    await this.sequences.delete(id, { allowUnfinished: true });
  }

  /** The live run's checkpoint, else the latest interrupted run's; 404 when none. */
  async checkpoint(): Promise<CheckpointDto> {
    const record = this.#live
      ? await this.sequences.getRun(this.#live.run.runId)
      : await this.sequences.latestRun(["interrupted"]);
    if (record === null) throw notFound("No interrupted sequence run to recover");
    const sequence = await this.sequences.get(record.sequenceId);
    return toCheckpointDto(record, sequence, this.#registry);
  }

  status(): SequencerStatusDto {
    const live = this.#live;
    if (live) {
      const { run } = live;
      return {
        state: run.state,
        run_id: run.runId,
        sequence_id: run.sequence.id,
        sequence_name: run.sequence.name,
        step: run.step,
        instruction: run.instruction,
        frame: { n: run.checkpoint.frames_done, of: run.framesPlanned },
        elapsed_s: run.elapsedS,
        eta_s: run.etaS(),
        paused_reason: run.pausedReason,
        message: run.activity,
      };
    }
    const last = this.#last;
    return {
      state: last?.state ?? "idle",
      run_id: last?.run_id ?? null,
      sequence_id: last?.sequence_id ?? null,
      sequence_name: last?.sequence_name ?? null,
      step: null,
      instruction: null,
      frame: last?.frame ?? { n: 0, of: 0 },
      elapsed_s: 0,
      eta_s: null,
      paused_reason: null,
      message: last?.message ?? null,
    };
  }

  /**
   * Stops the exposure now, keeps the checkpoint (the run is resumable) and waits. Used at
   * shutdown and by the safety monitor. Resolves with the stopped sequence's id, or null.
   */
  async stop(reason = "the box is shutting down"): Promise<string | null> {
    const live = this.#live;
    if (!live) return null;
    live.controller.abort(new RunStopped("interrupted", reason));
    await live.done.catch(() => {});
    return live.run.sequence.id;
  }

  async #begin(sequence: SequenceDto, resume: boolean, outer: AbortSignal | undefined) {
    const refusal = this.#ctx.hooks.mayStart?.() ?? null;
    if (refusal) throw conflict(`A sequence cannot start now: ${refusal}`);
    if (this.#live) {
      throw conflict(`Sequence "${this.#live.run.sequence.name}" is running; abort it first`, {
        run_id: this.#live.run.runId,
      });
    }
    for (const [i, t] of sequence.targets.entries()) {
      if (t.ra === undefined || t.dec === undefined) {
        const found = await this.#ctx.hooks.resolveTarget?.(t.name) ?? null;
        if (!found) {
          throw new AppError(
            400,
            "validation_failed",
            `targets.${i}: no coordinates for ${t.name}`,
          );
        }
        Object.assign(t, found);
      }
    }
    const previous = await this.sequences.latestRun(["interrupted"], sequence.id);
    let record: RunRecord;
    if (resume) {
      if (previous === null) {
        throw conflict(`Sequence ${sequence.id} has no interrupted run to resume`);
      }
      record = previous;
      const removed = await removeOrphanFrames(
        this.#ctx.db,
        this.#ctx.dataDir,
        record.checkpoint.wall_ms,
      );
      if (removed.length > 0) this.#ctx.log.warn("removed unrecorded frame files", { removed });
      await this.sequences.setRunState(record.id, "running");
    } else {
      if (previous) await this.sequences.setRunState(previous.id, "abandoned", "a new run started");
      record = await this.sequences.createRun(
        sequence.id,
        emptyCheckpoint(programOf(sequence, this.#registry), Date.now()),
      );
    }
    const run = new SequenceRun(
      this.#ctx,
      sequence,
      record.id,
      record.checkpoint,
      () => this.#publishProgress(),
    );
    const controller = new AbortController();
    outer?.addEventListener(
      "abort",
      () => controller.abort(new RunStopped("aborted", "aborted by the caller")),
      { once: true },
    );
    const done = this.#supervise(run, controller);
    this.#live = { run, controller, done };
    this.#publishProgress();
    return { run, done };
  }

  async #supervise(run: SequenceRun, controller: AbortController): Promise<RunOutcome> {
    // Let #begin store #live before the run can finish.
    await Promise.resolve();
    let outcome: RunOutcome;
    let message: string | null = null;
    try {
      outcome = await run.execute(controller.signal);
    } catch (err) {
      const stopped = controller.signal.reason instanceof RunStopped
        ? controller.signal.reason
        : null;
      outcome = stopped?.kind ?? "failed";
      message = stopped ? stopped.message : errorText(err);
      if (!stopped) {
        this.#ctx.log.error("sequence run failed", { run_id: run.runId, error: message });
      }
    }
    const state = outcome === "interrupted" ? "interrupted" : outcome;
    await this.sequences.setRunState(run.runId, state, message).catch((err) =>
      this.#ctx.log.error("could not record the run's end", { error: errorText(err) })
    );
    this.#last = {
      state: outcome,
      run_id: run.runId,
      sequence_id: run.sequence.id,
      sequence_name: run.sequence.name,
      frame: { n: run.checkpoint.frames_done, of: run.framesPlanned },
      message: message ?? (outcome === "completed" ? "all planned frames taken" : null),
    };
    this.#live = null;
    this.#publishProgress();
    this.#ctx.bus.publish("alert", {
      level: outcome === "completed" ? "info" : "warning",
      source: "sequencer",
      message: `Sequence "${run.sequence.name}" ${outcome}: ${run.checkpoint.frames_done} frames`,
    });
    return outcome;
  }

  #publishProgress(): void {
    this.#ctx.bus.publish("sequencer.progress", this.status());
  }

  #requireLive(action: string): Live {
    if (!this.#live) throw conflict(`No sequence is running to ${action}`);
    return this.#live;
  }
}

function toCheckpointDto(
  record: RunRecord,
  sequence: SequenceDto,
  registry: InstructionRegistry,
): CheckpointDto {
  const program = programOf(sequence, registry);
  return {
    run_id: record.id,
    sequence_id: record.sequenceId,
    sequence_name: sequence.name,
    state: record.state,
    started_at: record.startedAt,
    updated_at: record.updatedAt,
    frames_done: record.checkpoint.frames_done,
    frames_planned: program.totalFrames,
    next: record.checkpoint.next,
    cursor: cursorOf(program, record.checkpoint),
    done_per_group: record.checkpoint.done_per_group,
  };
}
