/**
 * Event-loop delay, measured: a timer asks to run every `intervalMs` and records how late it
 * fired. On one event loop that also drives the mount and the WebSocket, that lateness is exactly
 * how long any request or device reply would have waited. A window of values is taken (and
 * cleared) at each telemetry sample; running totals feed the Prometheus summary. The timer is
 * unref'd, so it never keeps the process alive.
 */

export interface LoopDelayWindow {
  meanMs: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  count: number;
}

/** Keeps at most this many values per window (a window is normally 10 s / 100 ms = 100). */
const MAX_WINDOW = 5000;

export class LoopDelayMonitor {
  readonly intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #expectedMs = 0;
  #window: number[] = [];
  #windowMaxMs = 0;
  #totalS = 0;
  #totalCount = 0;

  constructor(intervalMs = 100) {
    if (!(intervalMs >= 1)) throw new RangeError(`intervalMs must be ≥ 1, got ${intervalMs}`);
    this.intervalMs = intervalMs;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  /** Seconds of delay summed, and ticks counted, since start (Prometheus summary _sum/_count). */
  get totals(): { sumS: number; count: number } {
    return { sumS: this.#totalS, count: this.#totalCount };
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#schedule();
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The values since the previous call (and clears them). */
  take(): LoopDelayWindow {
    const values = this.#window;
    const maxMs = this.#windowMaxMs;
    this.#window = [];
    this.#windowMaxMs = 0;
    if (values.length === 0) return { meanMs: null, p99Ms: null, maxMs: null, count: 0 };
    const sorted = Float64Array.from(values).sort();
    const sum = sorted.reduce((a, b) => a + b, 0);
    return {
      meanMs: round(sum / sorted.length),
      p99Ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!),
      maxMs: round(maxMs),
      count: values.length,
    };
  }

  /** Records one measured delay (the timer does; tests may too). */
  record(delayMs: number): void {
    const ms = Math.max(0, delayMs);
    if (this.#window.length < MAX_WINDOW) this.#window.push(ms);
    if (ms > this.#windowMaxMs) this.#windowMaxMs = ms;
    this.#totalS += ms / 1000;
    this.#totalCount++;
  }

  #schedule(): void {
    this.#expectedMs = performance.now() + this.intervalMs;
    const timer = setTimeout(() => {
      this.record(performance.now() - this.#expectedMs);
      if (this.#timer !== null) this.#schedule();
    }, this.intervalMs);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
