/**
 * The entry module of the simulated camera's drawing worker: it answers each request (a sensor,
 * an exposure and what is in front of the lens) with the frame's pixels, handing their buffer
 * over rather than copying it, or with the error's name and message. Only synth_off_loop.ts
 * starts it, with `new Worker(new URL("./synth_worker.ts", …))`; nothing imports it.
 */
import { type Scene, type SynthesisRequest, synthesizeFrame } from "./sky.ts";
import type { SensorModel } from "./sky_sensor.ts";

/** Main → worker: draw this frame. */
export interface SynthRequest {
  id: number;
  sensor: SensorModel;
  request: SynthesisRequest;
  scene: Scene | null;
}

/** Worker → main: the frame, or why it could not be drawn. */
export type SynthReply =
  | { id: number; ok: true; pixels: Uint16Array; widthPx: number; heightPx: number }
  | { id: number; ok: false; errorName: string; message: string };

/** The little of a worker's global scope this module needs, typed without the worker lib. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<SynthRequest>) => void) | null;
  postMessage(message: SynthReply, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  const { id, sensor, request, scene } = event.data;
  try {
    const frame = synthesizeFrame(sensor, request, scene ?? undefined);
    scope.postMessage({ id, ok: true, ...frame }, [frame.pixels.buffer as ArrayBuffer]);
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    scope.postMessage({ id, ok: false, errorName: error.name, message: error.message }, []);
  }
};
