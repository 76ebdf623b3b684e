/**
 * The upload bandwidth limit: a token bucket that refills at `bytesPerS` and holds at most
 * `burstBytes`. A sender takes tokens for each chunk before writing it and waits while the bucket
 * is in debt, so over any stretch the bytes sent stay within rate × time + burst, and a box on a
 * shared mobile uplink never saturates it. The rate can change while an upload runs (the user
 * edits the limit); null means unlimited.
 */
import type { Clock } from "../../lib/clock.ts";

export class TokenBucket {
  readonly #clock: Pick<Clock, "now" | "sleep">;
  #rate: number | null = null;
  #burst = 0;
  #tokens = 0;
  #lastMs: number;

  constructor(clock: Pick<Clock, "now" | "sleep">, bytesPerS: number | null = null) {
    this.#clock = clock;
    this.#lastMs = clock.now();
    this.setRate(bytesPerS);
  }

  get bytesPerS(): number | null {
    return this.#rate;
  }

  /** A quarter of a second's worth, at least one 64 KiB chunk, so pacing is smooth. */
  setRate(bytesPerS: number | null): void {
    if (bytesPerS !== null && !(bytesPerS > 0)) {
      throw new RangeError(`bandwidth limit must be > 0 bytes/s or null, got ${bytesPerS}`);
    }
    this.#refill();
    this.#rate = bytesPerS;
    this.#burst = bytesPerS === null ? 0 : Math.max(65_536, bytesPerS / 4);
    this.#tokens = Math.min(this.#tokens, this.#burst);
  }

  /** Resolves once `bytes` may be sent; rejects when `signal` aborts. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.#rate === null) return;
    this.#refill();
    this.#tokens -= bytes;
    while (this.#rate !== null && this.#tokens < 0) {
      const waitMs = Math.ceil((-this.#tokens / this.#rate) * 1000);
      await this.#clock.sleep(Math.min(waitMs, 1000), signal);
      this.#refill();
    }
  }

  #refill(): void {
    const now = this.#clock.now();
    if (this.#rate !== null) {
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + ((now - this.#lastMs) / 1000) * this.#rate,
      );
    }
    this.#lastMs = now;
  }
}
