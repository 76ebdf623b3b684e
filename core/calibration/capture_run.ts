/**
 * A calibration capture run: N frames of one type taken through the ExposureService one at a
 * time (each awaited through its `camera.frame_ready` or `camera.exposure_failed` event on the
 * bus, so the frames are saved and catalogued exactly like any other), then a master built from
 * them. A dark-flat is a camera "dark" at the flat's exposure; the library records it as
 * `darkflat`. One run at a time; `calibration.progress` reports each step and the end state.
 * The first exposure starts before `start` returns, so a bad setting or a busy camera is the
 * caller's 400/409/503, not a run that fails later.
 */
import { AppError, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { ExposureService } from "../camera/exposure_service.ts";
import type { Logger } from "../../lib/log.ts";
import type { ExposureParams } from "../schemas/camera.ts";
import type { CaptureBody, CaptureStatusDto } from "../schemas/calibration.ts";
import type { CalibrationService } from "./calibration_service.ts";

export interface CaptureRunnerOptions {
  exposures: ExposureService;
  bus: EventBus;
  log: Logger;
  library: CalibrationService;
}

interface Run {
  status: CaptureStatusDto;
  controller: AbortController;
  /** The frame being exposed, so an abort stops only our own exposure. */
  currentFrameId: string | null;
  done: Promise<void>;
}

export class CaptureRunner {
  #o: CaptureRunnerOptions;
  #run: Run | null = null;
  #last: CaptureStatusDto | null = null;

  constructor(options: CaptureRunnerOptions) {
    this.#o = options;
  }

  /** The running run, else the last one to finish; null before the first. */
  status(): CaptureStatusDto | null {
    return this.#run ? structuredClone(this.#run.status) : this.#last;
  }

  start(body: CaptureBody): CaptureStatusDto {
    if (this.#run) {
      throw conflict("A calibration capture run is already under way; abort it first", {
        run_id: this.#run.status.run_id,
      });
    }
    const params: ExposureParams = {
      duration: body.frame_type === "bias" ? 0 : body.duration,
      gain: body.gain,
      offset: body.offset,
      binning: body.binning,
      frame_type: body.frame_type === "darkflat" ? "dark" : body.frame_type,
      object: body.frame_type,
    };
    const first = this.#o.exposures.start(params); // throws 400/409/503 before anything runs
    const status: CaptureStatusDto = {
      run_id: crypto.randomUUID(),
      frame_type: body.frame_type,
      state: "capturing",
      count: body.count,
      done: 0,
      frame_ids: [],
      master_id: null,
      error: null,
    };
    const run: Run = {
      status,
      controller: new AbortController(),
      currentFrameId: first.frameId,
      done: Promise.resolve(),
    };
    this.#run = run;
    run.done = this.#execute(run, body, params, first).finally(() => {
      this.#last = structuredClone(run.status);
      if (this.#run === run) this.#run = null;
    });
    this.#publish(run);
    return structuredClone(status);
  }

  /** Aborts the run (and its exposure). False when none was running. */
  abort(): boolean {
    const run = this.#run;
    if (!run) return false;
    run.controller.abort(new AppError(409, "conflict", "calibration capture aborted by request"));
    if (run.currentFrameId !== null) this.#o.exposures.abort();
    return true;
  }

  /** Shutdown: abort and wait for the run to wind down. */
  async stop(): Promise<void> {
    const run = this.#run;
    this.abort();
    await run?.done;
  }

  async #execute(
    run: Run,
    body: CaptureBody,
    params: ExposureParams,
    first: { frameId: string; done: Promise<void> },
  ): Promise<void> {
    const signal = run.controller.signal;
    try {
      let exposure = first;
      for (let i = 0; i < body.count; i++) {
        if (i > 0) {
          signal.throwIfAborted();
          exposure = this.#o.exposures.start(params);
        }
        run.currentFrameId = exposure.frameId;
        await this.#awaitFrame(exposure, signal);
        run.currentFrameId = null;
        run.status.done++;
        run.status.frame_ids.push(exposure.frameId);
        this.#publish(run);
      }
      if (body.build_master) {
        run.status.state = "building";
        this.#publish(run);
        const master = await this.#o.library.build(
          {
            frame_ids: run.status.frame_ids,
            type: body.frame_type,
            method: body.method,
            kappa: body.kappa,
          },
          run.status.run_id,
          signal,
        );
        run.status.master_id = master.id;
      }
      run.status.state = "done";
    } catch (err) {
      run.status.state = signal.aborted ? "aborted" : "failed";
      run.status.error = err instanceof Error ? err.message : String(err);
      if (!signal.aborted) {
        this.#o.log.warn("calibration capture failed", {
          run_id: run.status.run_id,
          error: run.status.error,
        });
      }
    } finally {
      run.currentFrameId = null;
    }
    this.#publish(run);
  }

  /** Resolves once the frame is saved; rejects when it failed, was aborted or was not saved. */
  async #awaitFrame(
    exposure: { frameId: string; done: Promise<void> },
    signal: AbortSignal,
  ): Promise<void> {
    const waiting = new AbortController();
    const stopWaiting = () => waiting.abort(signal.reason);
    signal.addEventListener("abort", stopWaiting, { once: true });
    const bus = this.#o.bus;
    try {
      const outcome = await Promise.race([
        bus.next("camera.frame_ready", (d) => d.id === exposure.frameId, waiting.signal)
          .then(() => "saved" as const),
        bus.next("camera.exposure_failed", (d) => d.frame_id === exposure.frameId, waiting.signal)
          .then((e) => e.data.reason),
        // The service publishes one of the two before `done` settles, unless saving failed.
        exposure.done.then(() => "the frame could not be saved (see the alert)"),
      ]);
      if (outcome !== "saved") throw new Error(`frame ${exposure.frameId}: ${outcome}`);
    } finally {
      signal.removeEventListener("abort", stopWaiting);
      waiting.abort(); // releases the losing subscriptions
      // An abort rejects the loser promises too; they are settled on purpose, not failures.
      await exposure.done.catch(() => {});
    }
  }

  #publish(run: Run): void {
    this.#o.bus.publish("calibration.progress", structuredClone(run.status));
  }
}
