/**
 * Focuser moves for autofocus, with backlash compensation by approach direction: every target is
 * reached travelling the same way (outward, increasing steps, by default), so the slack in the
 * gears is always taken up on the same side and a position means the same optical state each
 * time. A move against that direction overshoots by `backlashSteps` and comes back. Each move
 * waits until the focuser reports it has stopped, polling the injected clock, and fails with a
 * clear message when it stalls or stops short.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Focuser } from "../../devices/focuser.ts";

export type ApproachDirection = "out" | "in";

export interface MoverOptions {
  clock: Clock;
  backlashSteps: number;
  approach: ApproachDirection;
  /** How often the focuser's status is read while it moves. */
  pollMs?: number;
  /** A single leg taking longer than this is a stall. */
  legTimeoutMs?: number;
}

export class FocusMover {
  readonly #focuser: Focuser;
  readonly #opts: Required<MoverOptions>;
  /** Every target commanded, in order (tests read the approach legs from it). */
  readonly legs: number[] = [];

  constructor(focuser: Focuser, options: MoverOptions) {
    this.#focuser = focuser;
    this.#opts = { pollMs: 25, legTimeoutMs: 120_000, ...options };
  }

  position(): number {
    return this.#focuser.status().position;
  }

  /** Moves to `targetSteps`, arriving in the approach direction. */
  async moveTo(targetSteps: number, signal: AbortSignal): Promise<void> {
    const max = this.#focuser.capabilities.maxPosition;
    const target = Math.round(Math.min(max, Math.max(0, targetSteps)));
    const here = this.position();
    const outward = this.#opts.approach === "out";
    const against = outward ? target < here : target > here;
    if (against && this.#opts.backlashSteps > 0) {
      const past = outward ? target - this.#opts.backlashSteps : target + this.#opts.backlashSteps;
      await this.#leg(Math.min(max, Math.max(0, past)), signal);
    }
    await this.#leg(target, signal);
  }

  async #leg(target: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.legs.push(target);
    if (this.position() === target && !this.#focuser.status().moving) return;
    await this.#focuser.moveTo(target);
    const startedMs = this.#opts.clock.now();
    while (this.#focuser.status().moving) {
      if (this.#opts.clock.now() - startedMs > this.#opts.legTimeoutMs) {
        throw new Error(`focuser did not reach ${target} within ${this.#opts.legTimeoutMs} ms`);
      }
      await this.#opts.clock.sleep(this.#opts.pollMs, signal);
    }
    const reached = this.position();
    if (Math.abs(reached - target) > 1) {
      throw new Error(`focuser stopped at ${reached} instead of ${target}`);
    }
  }
}
