/**
 * What the WebSocket hub's tests share: a fake socket whose backlog a test sets, a hub on a bus
 * that validates every event, catalogue payloads to publish, and the sanitized `test` wrapper.
 */
import { systemClock } from "../lib/clock.ts";
import { EventBus } from "../core/event_bus.ts";
import type { EventPayload, WsEvent } from "../core/events.ts";
import { silentLogger } from "../lib/log.ts";
import type { Logger } from "../lib/log.ts";
import { TopicSet, WsHub } from "./ws.ts";
import type { ClientHandle, SocketLike, WsHubOptions } from "./ws.ts";

export const OPEN = 1;
export const CLOSED = 3;

/** A socket that records what it is sent; the test sets `bufferedAmount` to make it slow. */
export class FakeSocket implements SocketLike {
  readyState = OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closed: { code: number | undefined; reason: string | undefined } | null = null;

  send(message: string): void {
    if (this.readyState !== OPEN) throw new Error("send on a socket that is not open");
    this.sent.push(message);
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = CLOSED;
  }

  get events(): WsEvent[] {
    return this.sent.map((m) => JSON.parse(m));
  }

  get types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** The data of each message, untyped (control frames are not catalogue events). */
  get data(): unknown[] {
    return this.sent.map((m) => JSON.parse(m).data);
  }
}

/** Small values keep the tests fast; a slow client is one with more than 1 KiB unsent. */
export const TEST_OPTIONS: WsHubOptions = {
  flushIntervalMs: 5,
  maxQueuedEvents: 50,
  slowBufferBytes: 1024,
};
export const SLOW_BYTES = 1_000_000;

export function rig(options: WsHubOptions = {}, log: Logger = silentLogger) {
  const bus = new EventBus({ clock: systemClock, validate: true });
  const hub = new WsHub(bus, log, { ...TEST_OPTIONS, ...options });
  return { bus, hub };
}

export function attachFake(
  hub: WsHub,
  topics?: string,
): { socket: FakeSocket; detach: () => void; say: (message: unknown) => void } {
  const socket = new FakeSocket();
  const handle: ClientHandle = hub.attach(socket, TopicSet.fromQuery(topics));
  // Text as is, bytes as a binary frame, anything else as its JSON text.
  const say = (message: unknown) =>
    handle.receive(
      typeof message === "string" || message instanceof Uint8Array
        ? message
        : JSON.stringify(message),
    );
  return { socket, detach: handle.detach, say };
}

export function mountStatus(raHours: number): EventPayload<"mount.status"> {
  return {
    connected: true,
    ra: raHours,
    dec: 41.27,
    alt: 62.5,
    az: 151.2,
    lst: 1.25,
    tracking: "sidereal",
    slewing: false,
    parked: false,
    at_home: false,
    pier_side: "west",
    time_to_flip_s: 7200,
    target: { ra: 0.712, dec: 41.27 },
  };
}

export function exposeProgress(percent: number): EventPayload<"camera.expose_progress"> {
  return {
    frame_id: "frame-1",
    progress: percent / 100,
    percent,
    elapsed_s: percent,
    remaining_s: 100 - percent,
    state: "exposing",
  };
}

export function focuserStatus(position: number): EventPayload<"focuser.status"> {
  return {
    connected: true,
    position,
    target_position: position,
    moving: false,
    temperature_c: 4.5,
    max_position: 50_000,
    max_increment: 50_000,
    step_size_um: 3.8,
  };
}

export function alert(n: number): EventPayload<"alert"> {
  return { level: "info", source: "test", message: `alert ${n}` };
}

export function frameReady(id: string): EventPayload<"camera.frame_ready"> {
  return {
    id,
    frame_number: 1,
    path: `frames/${id}.fits`,
    frame_type: "light",
    duration_s: 2,
    gain: 100,
    offset: 10,
    binning: 1,
    width: 640,
    height: 480,
    filter: null,
    object: "M31",
    started_at: "2026-01-01T22:00:00.000Z",
    sensor_temp_c: -10,
    bytes: 614_400,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    wcs: null,
  };
}

/**
 * Deno 2.9 runs tests with the op and resource sanitizers off unless asked; these tests rely on
 * them to fail on a flush interval or a socket that outlives the hub.
 */
export function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name, sanitizeOps: true, sanitizeResources: true, fn });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(5);
  }
}
