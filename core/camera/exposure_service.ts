/**
 * Takes single exposures for the API: checks the request against the camera, runs it with a
 * 1 Hz progress event, and hands the frame to the frame sink, which writes it durably, records it
 * and announces it (`camera.frame_ready`) before its star analysis. Whether the camera is free
 * has one answer, the guarded camera's status (devices/guard.ts): the same that `/camera/status`
 * shows, so the status and the acceptance of a new exposure always agree. The camera is free the
 * moment the frame is downloaded (saving does not hold it) or the exposure is aborted (a driver
 * that hangs on is left behind by the guard).
 */
import { join } from "node:path";
import type { Camera, ExposureRequest, RawFrame } from "../../devices/camera.ts";
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import type { ExposureParams } from "../schemas/camera.ts";

export interface ExposureServiceOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  sink: FrameSink;
  defaults: { gain: number; offset: number };
  /** Throws when no exposure may start now (the data disk below its reserve: 507). */
  mayStart?: () => void;
}

interface Running {
  frameId: string;
  controller: AbortController;
  done: Promise<void>;
}

export class ExposureService {
  #o: ExposureServiceOptions;
  #running: Running | null = null;
  #saving = new Set<Promise<unknown>>();

  constructor(options: ExposureServiceOptions) {
    this.#o = options;
  }

  /** True while an exposure of this service holds the camera (saving does not). */
  get busy(): boolean {
    return this.#running !== null;
  }

  /** Validates and starts an exposure; resolves with the id the frame will have. */
  start(params: ExposureParams): { frameId: string; done: Promise<void> } {
    this.#o.mayStart?.();
    const camera = this.#o.hub.device("camera");
    if (camera.status().exposure.state !== "idle") {
      throw conflict("An exposure is already running; abort it first", {
        frame_id: this.#running?.frameId ?? null,
      });
    }
    const request = resolveRequest(camera, params, this.#o.defaults);
    const frameId = crypto.randomUUID();
    const controller = new AbortController();
    const running: Running = { frameId, controller, done: Promise.resolve() };
    this.#running = running;
    running.done = this.#run(camera, request, params.object ?? null, running);
    return { frameId, done: running.done };
  }

  /** Aborts the running exposure; nothing is saved. Returns false when none was running. */
  abort(): boolean {
    const running = this.#running;
    if (!running) return false;
    // Free at once: the guard answers the abort whether or not the driver lets go.
    this.#running = null;
    running.controller.abort(new AppError(409, "conflict", "exposure aborted by request"));
    return true;
  }

  /** Waits for the running exposure to end and its frame to reach the disk and the database. */
  async drain(): Promise<void> {
    await Promise.allSettled([this.#running?.done, ...this.#saving]);
  }

  async #run(
    camera: Camera,
    request: ExposureRequest,
    object: string | null,
    running: Running,
  ): Promise<void> {
    const { frameId, controller: { signal } } = running;
    const startedMs = this.#o.clock.now();
    const progress = setInterval(() => this.#publishProgress(camera, frameId, startedMs), 1000);
    let frame: RawFrame;
    try {
      const exposing = camera.expose(request, signal);
      this.#publishProgress(camera, frameId, startedMs);
      frame = await exposing;
    } catch (err) {
      const aborted = signal.aborted;
      const reason = err instanceof Error ? err.message : String(err);
      this.#o.bus.publish("camera.exposure_failed", { frame_id: frameId, reason, aborted });
      if (!aborted) this.#o.log.warn("exposure failed", { frame_id: frameId, reason });
      return;
    } finally {
      clearInterval(progress);
      // The camera is free once the frame is in hand: saving it does not hold it.
      if (this.#running === running) this.#running = null;
    }
    const saving = this.#save(frameId, frame, object);
    this.#saving.add(saving);
    try {
      await saving;
    } finally {
      this.#saving.delete(saving);
    }
  }

  async #save(frameId: string, frame: RawFrame, object: string | null): Promise<void> {
    try {
      await this.#o.sink.save(frame, { frameId, object, announce: true });
    } catch (err) {
      // The frame could not be kept: say so loudly, it is the one thing the box must not do.
      const message = `Frame ${frameId} could not be saved: ${
        err instanceof Error ? err.message : err
      }`;
      this.#o.log.error(message, { data_dir: join(this.#o.sink.dataDir) });
      this.#o.bus.publish("alert", { level: "critical", source: "camera", message });
    }
  }

  #publishProgress(camera: Camera, frameId: string, startedMs: number): void {
    const { exposure } = camera.status();
    if (exposure.state === "idle" || exposure.state === "error") return;
    this.#o.bus.publish("camera.expose_progress", {
      frame_id: frameId,
      progress: exposure.progress,
      percent: Math.round(exposure.progress * 1000) / 10,
      elapsed_s: (this.#o.clock.now() - startedMs) / 1000,
      remaining_s: exposure.remainingS,
      state: exposure.state,
    });
  }
}

/** Fills defaults and checks the request against what this camera can do, naming the field. */
export function resolveRequest(
  camera: Camera,
  params: ExposureParams,
  defaults: { gain: number; offset: number },
): ExposureRequest {
  const caps = camera.capabilities;
  const frameType = params.frame_type ?? "light";
  const request: ExposureRequest = {
    durationS: frameType === "bias"
      ? Math.max(params.duration, caps.exposureMinS)
      : params.duration,
    gain: params.gain ?? clamp(defaults.gain, caps.gainMin, caps.gainMax),
    offset: params.offset ?? clamp(defaults.offset, caps.offsetMin, caps.offsetMax),
    binning: params.binning ?? 1,
    frameType,
  };
  if (request.durationS < caps.exposureMinS || request.durationS > caps.exposureMaxS) {
    throw badRequest(
      "body.duration",
      `${params.duration} s is outside this camera's range ${caps.exposureMinS}..${caps.exposureMaxS} s`,
    );
  }
  if (request.gain < caps.gainMin || request.gain > caps.gainMax) {
    throw badRequest("body.gain", `${request.gain} is outside ${caps.gainMin}..${caps.gainMax}`);
  }
  if (request.offset < caps.offsetMin || request.offset > caps.offsetMax) {
    throw badRequest(
      "body.offset",
      `${request.offset} is outside ${caps.offsetMin}..${caps.offsetMax}`,
    );
  }
  if (request.binning > caps.maxBinning) {
    throw badRequest(
      "body.binning",
      `${request.binning} is above this camera's maximum ${caps.maxBinning}`,
    );
  }
  return request;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
