/**
 * Draws the simulated camera's frames on a worker thread: a 12-megapixel frame takes the sensor
 * model 100–400 ms of arithmetic, which on the event loop stalls every request, WebSocket and
 * device of the box. The worker lives as long as the camera's connection — starting one blocks
 * the starting thread for tens of milliseconds, too much to pay per frame — and is ended when the
 * camera disconnects, so none outlives the camera or a test. Frames come back transferred, not
 * copied. The worker runs the very code of sky.ts on the same inputs, so a frame is the same
 * pixels whichever thread drew it; frames smaller than OFF_LOOP_MIN_PIXELS are drawn inline,
 * where they take a few milliseconds. An abort answers the caller at once; the worker finishes
 * the frame (at most a few hundred milliseconds) and it is thrown away.
 */
import type { Scene, SynthesisRequest, SynthesizedFrame } from "./sky.ts";
import { synthesizeFrame } from "./sky.ts";
import type { SensorModel } from "./sky_sensor.ts";
import type { SynthReply, SynthRequest } from "./synth_worker.ts";

/** Frames at least this big are drawn off the event loop. */
export const OFF_LOOP_MIN_PIXELS = 500_000;

interface Job {
  resolve(frame: SynthesizedFrame): void;
  reject(reason: unknown): void;
}

export class FrameDrawer {
  readonly #sensor: SensorModel;
  readonly offLoop: boolean;
  #worker: Worker | null = null;
  #jobs = new Map<number, Job>();
  #nextId = 1;

  constructor(sensor: SensorModel) {
    this.#sensor = sensor;
    this.offLoop = sensor.widthPx * sensor.heightPx >= OFF_LOOP_MIN_PIXELS;
  }

  /** Starts the worker ahead of the first frame (at connect) when frames are drawn off the loop. */
  start(): void {
    if (this.offLoop) this.#ensureWorker();
  }

  draw(
    request: SynthesisRequest,
    scene: Scene | null,
    signal: AbortSignal,
  ): Promise<SynthesizedFrame> {
    signal.throwIfAborted();
    if (!this.offLoop) {
      return Promise.resolve(synthesizeFrame(this.#sensor, request, scene ?? undefined));
    }
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<SynthesizedFrame>();
    const onAbort = () => {
      // The worker finishes this frame; its answer finds no job and is dropped.
      this.#jobs.delete(id);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    this.#jobs.set(id, { resolve, reject });
    const message: SynthRequest = { id, sensor: this.#sensor, request, scene };
    worker.postMessage(message);
    return promise.finally(() => signal.removeEventListener("abort", onAbort));
  }

  /** Ends the worker; drawings under way are rejected. Safe to call twice. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(new Error("the simulated camera stopped drawing (disconnected)"));
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./synth_worker.ts", import.meta.url).href, {
      type: "module",
    });
    worker.onmessage = (event: MessageEvent<SynthReply>) => {
      const reply = event.data;
      const job = this.#jobs.get(reply.id);
      if (!job) return;
      this.#jobs.delete(reply.id);
      if (reply.ok) {
        job.resolve({ pixels: reply.pixels, widthPx: reply.widthPx, heightPx: reply.heightPx });
      } else {
        const error = new Error(`the simulated frame could not be drawn: ${reply.message}`);
        error.name = reply.errorName;
        job.reject(error);
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      // Handled here: unhandled, a worker's uncaught error would take the whole process down.
      event.preventDefault();
      this.#retire(new Error(`the simulated camera's drawing worker crashed: ${event.message}`));
    };
    worker.onmessageerror = () => this.#retire(new Error("a drawn frame could not be read"));
    this.#worker = worker;
    return worker;
  }

  /** A broken worker is replaced at the next frame. */
  #retire(error: Error): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#failAll(error);
  }

  #failAll(error: Error): void {
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const job of jobs) job.reject(error);
  }
}
