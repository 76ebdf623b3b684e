/**
 * Takes single exposures for the API: checks the request against the camera, runs it with a
 * 1 Hz progress event, and saves the frame durably (temp file → fsync → rename → database row →
 * `camera.frame_ready`). It owns "one exposure at a time" at the service level and keeps the
 * latest frame in memory for previews. `drain()` lets shutdown finish a frame being written.
 */
import { join } from "node:path";
import type { Camera, ExposureRequest, RawFrame } from "../../devices/camera.ts";
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import { AppError, badRequest, conflict } from "../../lib/errors.ts";
import type { EventBus } from "../event_bus.ts";
import type { Logger } from "../../lib/log.ts";
import type { ExposureParams, FrameDto } from "../schemas/camera.ts";
import type { FrameRepository } from "../store/frames.ts";
import { saveFrame } from "./save_frame.ts";
import { analyzeSavedFrame, type TaskRunner } from "./frame_analysis.ts";

export interface ExposureServiceOptions {
  hub: Rig;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  frames: FrameRepository;
  dataDir: string;
  filePattern: string;
  defaults: { gain: number; offset: number };
  /** Runs the star analysis of each saved frame (the imaging worker pool); absent: inline. */
  analysis?: TaskRunner;
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
  #latest: { frame: RawFrame; dto: FrameDto } | null = null;
  #sequence = 0;

  constructor(options: ExposureServiceOptions) {
    this.#o = options;
  }

  get busy(): boolean {
    return this.#running !== null;
  }

  /** The last frame taken in this run of the process, with its pixels. */
  get latest(): { frame: RawFrame; dto: FrameDto } | null {
    return this.#latest;
  }

  /** Validates and starts an exposure; resolves with the id the frame will have. */
  start(params: ExposureParams): { frameId: string; done: Promise<void> } {
    this.#o.mayStart?.();
    const camera = this.#o.hub.device("camera");
    if (this.#running || camera.status().exposure.state !== "idle") {
      throw conflict("An exposure is already running; abort it first", {
        frame_id: this.#running?.frameId ?? null,
      });
    }
    const request = resolveRequest(camera, params, this.#o.defaults);
    const frameId = crypto.randomUUID();
    const controller = new AbortController();
    const done = this.#run(camera, request, params.object ?? null, frameId, controller.signal);
    const running: Running = { frameId, controller, done };
    this.#running = running;
    done.finally(() => {
      if (this.#running === running) this.#running = null;
    });
    return { frameId, done };
  }

  /** Aborts the running exposure; nothing is saved. Returns false when none was running. */
  abort(): boolean {
    if (!this.#running) return false;
    this.#running.controller.abort(new AppError(409, "conflict", "exposure aborted by request"));
    return true;
  }

  /** Waits for frames being written to reach the disk and the database. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#saving, this.#running?.done]);
  }

  async #run(
    camera: Camera,
    request: ExposureRequest,
    object: string | null,
    frameId: string,
    signal: AbortSignal,
  ): Promise<void> {
    const startedMs = this.#o.clock.now();
    const progress = setInterval(() => this.#publishProgress(camera, frameId, startedMs), 1000);
    this.#publishProgress(camera, frameId, startedMs);
    let frame: RawFrame;
    try {
      frame = await camera.expose(request, signal);
    } catch (err) {
      const aborted = signal.aborted;
      const reason = err instanceof Error ? err.message : String(err);
      this.#o.bus.publish("camera.exposure_failed", { frame_id: frameId, reason, aborted });
      if (!aborted) this.#o.log.warn("exposure failed", { frame_id: frameId, reason });
      return;
    } finally {
      clearInterval(progress);
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
      const dto = await saveFrame({
        frameId,
        frame,
        object,
        sequence: ++this.#sequence,
        hub: this.#o.hub,
        dataDir: this.#o.dataDir,
        filePattern: this.#o.filePattern,
        frames: this.#o.frames,
      });
      this.#latest = { frame, dto };
      // The file is durable and recorded; the figures are added to the row, never at its cost.
      const analysed = await analyzeSavedFrame({
        frame,
        dto,
        hub: this.#o.hub,
        frames: this.#o.frames,
        log: this.#o.log,
        runner: this.#o.analysis ?? null,
      });
      if (this.#latest.dto.id === analysed.id) this.#latest = { frame, dto: analysed };
      this.#o.bus.publish("camera.frame_ready", analysed);
    } catch (err) {
      // The frame could not be kept: say so loudly, it is the one thing the box must not do.
      const message = `Frame ${frameId} could not be saved: ${
        err instanceof Error ? err.message : err
      }`;
      this.#o.log.error(message, { data_dir: join(this.#o.dataDir) });
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
