/**
 * Time is a parameter. Services and simulators take a Clock so tests can run a night in a
 * second (`ManualClock`) while production reads the wall clock (`systemClock`).
 */

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

/** A clock that only moves when told to; sleepers wake in deadline order as it advances. */
export class ManualClock implements Clock {
  #nowMs: number;
  #sleepers: { wakeMs: number; resolve: () => void }[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }

  now(): number {
    return this.#nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper = { wakeMs: this.#nowMs + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener("abort", () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      }, { once: true });
    });
  }

  /** Moves time forward, waking each sleeper at its deadline and letting its work run. */
  async advance(ms: number): Promise<void> {
    const endMs = this.#nowMs + ms;
    while (true) {
      this.#sleepers.sort((a, b) => a.wakeMs - b.wakeMs);
      const next = this.#sleepers[0];
      if (!next || next.wakeMs > endMs) break;
      this.#sleepers.shift();
      this.#nowMs = next.wakeMs;
      next.resolve();
      await new Promise((r) => setTimeout(r, 0));
    }
    this.#nowMs = endMs;
    await new Promise((r) => setTimeout(r, 0));
  }
}
