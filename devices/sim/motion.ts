/**
 * The mechanics the simulators share, written once: a value that travels toward a target at a
 * finite rate and is computed from the clock on demand (so `status()` stays cheap and exact), a
 * clock-driven repeating timer that a disconnect always stops, the link bookkeeping every
 * simulated device needs (connected flag, change and loss streams, fault switchboard, a status
 * pump that re-emits while something moves), a number check that names the bad argument, and a
 * seeded random source so "noisy" simulators stay reproducible.
 */
import type { Clock } from "../../lib/clock.ts";
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { DeviceKind } from "../device.ts";
import { Emitter } from "../emitter.ts";
import { SimFaults } from "./faults.ts";

/** How often a simulator re-emits its status while something moves: 5 Hz. */
export const STATUS_TICK_MS = 200;

/** Wraps an angle into [0, 360). */
export function wrapDeg(angleDeg: number): number {
  const wrapped = ((angleDeg % 360) + 360) % 360;
  // Float rounding can land exactly on 360 for tiny negative inputs.
  return wrapped >= 360 ? 0 : wrapped;
}

/** Signed shortest turn from one angle to another, in (−180, 180]. */
export function shortestDeltaDeg(fromDeg: number, toDeg: number): number {
  const deltaDeg = wrapDeg(toDeg - fromDeg);
  return deltaDeg > 180 ? deltaDeg - 360 : deltaDeg;
}

/** Rounds to `decimals` places: sims report what a real sensor's resolution would show. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * A scalar moving linearly toward a target. Nothing ticks: the value is interpolated from the
 * clock whenever it is read, so it is exact at any instant and costs nothing while idle.
 */
export class Travel {
  readonly #clock: Clock;
  #fromValue: number;
  #toValue: number;
  #startMs = 0;
  #durationMs = 0;

  constructor(clock: Clock, value: number) {
    this.#clock = clock;
    this.#fromValue = value;
    this.#toValue = value;
  }

  /** Where the current (or last) move ends. */
  get target(): number {
    return this.#toValue;
  }

  valueNow(): number {
    if (this.#durationMs <= 0) return this.#toValue;
    const fraction = (this.#clock.now() - this.#startMs) / this.#durationMs;
    if (fraction >= 1) return this.#toValue;
    return this.#fromValue + (this.#toValue - this.#fromValue) * Math.max(0, fraction);
  }

  isMoving(): boolean {
    return this.#durationMs > 0 && this.#clock.now() < this.#startMs + this.#durationMs;
  }

  /** Heads for `toValue` from wherever it is now, at `ratePerS` units per second. */
  moveTo(toValue: number, ratePerS: number): void {
    const fromValue = this.valueNow();
    this.#fromValue = fromValue;
    this.#toValue = toValue;
    this.#startMs = this.#clock.now();
    this.#durationMs = (Math.abs(toValue - fromValue) / ratePerS) * 1000;
  }

  /** Stops where it is now and returns that value. */
  halt(): number {
    const value = this.valueNow();
    this.jumpTo(value);
    return value;
  }

  /** Sets the value without travelling (a sync, or re-basing an unwrapped angle). */
  jumpTo(value: number): void {
    this.#fromValue = value;
    this.#toValue = value;
    this.#durationMs = 0;
  }
}

export interface Repeater {
  stop(): void;
  readonly running: boolean;
}

/**
 * Calls `tick` every `periodMs` of the given clock until stopped or until `tick` returns false.
 * Sleeping on the clock (not setInterval) lets a ManualClock drive a simulator deterministically,
 * and the abort on stop clears the real timer, so no test sees a leaked one.
 */
export function repeat(clock: Clock, periodMs: number, tick: () => boolean | void): Repeater {
  const abort = new AbortController();
  let running = true;
  async function loop(): Promise<void> {
    try {
      while (!abort.signal.aborted) {
        await clock.sleep(periodMs, abort.signal);
        if (tick() === false) break;
      }
    } catch (err) {
      // A bug in a simulator tick must be seen, but must not take the process down.
      if (!abort.signal.aborted) console.error("simulator timer failed", err);
    } finally {
      running = false;
    }
  }
  void loop();
  return {
    stop: () => abort.abort(),
    get running() {
      return running;
    },
  };
}

export interface SimLinkParams<S> {
  kind: DeviceKind;
  clock: Clock;
  /** The device's `status()`. */
  snapshot: () => S;
  /** True while something moves, so the pump keeps re-emitting. */
  busy: () => boolean;
  /** Starts the device's own timers (a weather refresh) once connected. */
  onConnect?: () => void;
  /** Stops motion and the device's own timers when the link goes down, by request or not. */
  onDrop?: () => void;
}

/**
 * The connection side of a simulated device: what a real driver would get from its transport.
 * `disconnect` is deliberately not fault-checked so a test can always clean up.
 */
export class SimLink<S> {
  readonly faults: SimFaults;
  readonly #params: SimLinkParams<S>;
  readonly #statusEmitter = new Emitter<S>();
  readonly #lostEmitter = new Emitter<string>();
  #connected = false;
  #pump: Repeater | null = null;

  constructor(params: SimLinkParams<S>) {
    this.#params = params;
    this.faults = new SimFaults((reason) => this.#drop(reason));
  }

  get connected(): boolean {
    return this.#connected;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.faults.check("connect");
    if (this.#connected) return;
    this.#connected = true;
    this.#params.onConnect?.();
    this.changed();
  }

  disconnect(): Promise<void> {
    if (this.#connected) this.#goOffline();
    return Promise.resolve();
  }

  /** The preamble of every command: the injected fault first, then the connection. */
  async command(method: string): Promise<void> {
    await this.faults.check(method);
    if (!this.#connected) throw new DeviceNotConnectedError(this.#params.kind);
  }

  /** Emits the snapshot now and keeps emitting at STATUS_TICK_MS while the device is busy. */
  changed(): void {
    this.#statusEmitter.emit(this.#params.snapshot());
    if (!this.#connected || this.#pump?.running || !this.#params.busy()) return;
    this.#pump = repeat(this.#params.clock, STATUS_TICK_MS, () => {
      this.#statusEmitter.emit(this.#params.snapshot());
      // One last emit after the motion ends carries the arrival, then the pump rests.
      return this.#params.busy();
    });
  }

  onStatus(listener: (status: S) => void): () => void {
    return this.#statusEmitter.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostEmitter.on(listener);
  }

  #goOffline(): void {
    this.#connected = false;
    this.#pump?.stop();
    this.#pump = null;
    this.#params.onDrop?.();
    this.#statusEmitter.emit(this.#params.snapshot());
  }

  #drop(reason: string): void {
    if (!this.#connected) return;
    this.#goOffline();
    this.#lostEmitter.emit(reason);
  }
}

export interface NumberBounds {
  min?: number;
  max?: number;
  /** Excludes `min` itself (speeds, periods). */
  aboveMin?: boolean;
  integer?: boolean;
}

/** Validates a number argument or option value; the message names `what` and shows the value. */
export function checkNumber(what: string, value: unknown, bounds: NumberBounds = {}): void {
  const { min, max, aboveMin = false, integer = false } = bounds;
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (aboveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (ok) return;
  const kind = integer ? "an integer" : "a number";
  const low = min === undefined ? "" : ` ${aboveMin ? ">" : ">="} ${min}`;
  const high = max === undefined ? "" : `${low ? " and" : ""} <= ${max}`;
  throw new RangeError(`${what} must be ${kind}${low}${high}, got ${JSON.stringify(value)}`);
}

/** A seeded uniform source in [0, 1) (mulberry32): the same seed replays the same night. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate from a uniform source (Box–Muller). */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
