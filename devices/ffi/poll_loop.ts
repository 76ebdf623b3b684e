/**
 * The status poll of an SDK device that cannot push: one tick at a time (never overlapping),
 * at a fast rate while the device moves and a slow one at rest, restartable at once after a
 * command so the first "moving" shows up promptly, and stoppable with a promise that resolves
 * when the last tick has finished (so the library is never closed under a running call).
 */
export class PollLoop {
  readonly #tick: () => Promise<void>;
  readonly #intervalMs: () => number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #active = false;

  /** `intervalMs` is asked before every wait, so it can depend on whether the device moves. */
  constructor(tick: () => Promise<void>, intervalMs: () => number) {
    this.#tick = tick;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#active = true;
    this.#schedule(this.#intervalMs());
  }

  /** Polls again after `delayMs` instead of the regular wait (after a move command). */
  soon(delayMs: number): void {
    if (!this.#active) return;
    clearTimeout(this.#timer);
    this.#schedule(delayMs);
  }

  async stop(): Promise<void> {
    this.#active = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#running.then(async () => {
        if (!this.#active) return;
        await this.#tick().catch(() => {});
        // A soon() during the tick already scheduled the next one.
        if (this.#active && this.#timer === undefined) this.#schedule(this.#intervalMs());
      });
    }, delayMs);
  }
}
