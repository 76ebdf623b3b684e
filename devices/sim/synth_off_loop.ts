/**
 * Draws the simulated camera's frames on a worker thread: a 12-megapixel frame takes the sensor
 * model 100–400 ms of arithmetic, which on the event loop stalls every request, WebSocket and
 * device of the box. A worker starts when an exposure opens the shutter (its start-up hides in the
 * exposure) and ends with the exposure, whatever the outcome, so none outlives the camera or a
 * test. The frame comes back transferred, not copied. The worker runs the very code of sky.ts on
 * the same inputs, so a frame is the same pixels whichever thread drew it; frames smaller than
 * OFF_LOOP_MIN_PIXELS are drawn inline, where they take a few milliseconds — less than starting a
 * worker. An abort ends the worker at once (the only way to stop a busy loop).
 */
import type { Scene, SynthesisRequest, SynthesizedFrame } from "./sky.ts";
import { synthesizeFrame } from "./sky.ts";
import type { SensorModel } from "./sky_sensor.ts";
import type { SynthReply, SynthRequest } from "./synth_worker.ts";

/** Frames at least this big are drawn off the event loop. */
export const OFF_LOOP_MIN_PIXELS = 500_000;

/** One exposure's drawing: `draw` once, then `close` (also safe when nothing was drawn). */
export class FrameDrawing {
  readonly #sensor: SensorModel;
  #worker: Worker | null = null;
  #pending: { reject(reason: unknown): void } | null = null;

  /** Starts the worker now when this sensor's frames are drawn off the loop. */
  constructor(sensor: SensorModel) {
    this.#sensor = sensor;
    if (sensor.widthPx * sensor.heightPx >= OFF_LOOP_MIN_PIXELS) {
      this.#worker = new Worker(new URL("./synth_worker.ts", import.meta.url).href, {
        type: "module",
      });
    }
  }

  /** Where this exposure's frame is drawn. */
  get offLoop(): boolean {
    return this.#worker !== null;
  }

  draw(
    request: SynthesisRequest,
    scene: Scene | null,
    signal: AbortSignal,
  ): Promise<SynthesizedFrame> {
    signal.throwIfAborted();
    const worker = this.#worker;
    if (!worker) return Promise.resolve(synthesizeFrame(this.#sensor, request, scene ?? undefined));
    const { promise, resolve, reject } = Promise.withResolvers<SynthesizedFrame>();
    this.#pending = { reject };
    const onAbort = () => {
      reject(signal.reason);
      this.close();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = (event: MessageEvent<SynthReply>) => {
      const reply = event.data;
      if (reply.ok) {
        resolve({ pixels: reply.pixels, widthPx: reply.widthPx, heightPx: reply.heightPx });
      } else {
        const error = new Error(`the simulated frame could not be drawn: ${reply.message}`);
        error.name = reply.errorName;
        reject(error);
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      // Handled here: unhandled, a worker's uncaught error would take the whole process down.
      event.preventDefault();
      reject(new Error(`the simulated camera's drawing worker crashed: ${event.message}`));
    };
    worker.onmessageerror = () => reject(new Error("the drawn frame could not be read"));
    const message: SynthRequest = { id: 1, sensor: this.#sensor, request, scene };
    worker.postMessage(message);
    return promise.finally(() => {
      signal.removeEventListener("abort", onAbort);
      this.#pending = null;
    });
  }

  /** Ends the worker; a drawing still under way is rejected. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#pending?.reject(new Error("the drawing was stopped"));
    this.#pending = null;
  }
}
