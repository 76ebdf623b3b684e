/**
 * The simulated thermoelectric cooler. Temperature is not stepped by a timer but computed from
 * the clock: it moves from the last anchor toward its goal at a fixed rate, so `status()` is
 * exact at any instant and a ManualClock test can cool a sensor by 30 °C in one `advance`. The
 * goal is the target when enabled (a TEC cannot go below ambient − 45 °C, nor heat), ambient
 * when off; power is proportional to how far below ambient the sensor is held.
 */
import type { Clock } from "../../lib/clock.ts";

/** The deepest cooling below ambient a single-stage TEC reaches. */
export const MAX_DELTA_C = 45;
/** Power reaches 100 % at this many degrees below ambient. */
const FULL_POWER_DELTA_C = 40;

export class CoolerModel {
  readonly #clock: Clock;
  readonly #ambientC: number;
  readonly #ratePerMs: number;
  #anchorC: number;
  #anchorMs: number;
  #enabled = false;
  #targetC: number | null = null;

  constructor(clock: Clock, ambientC: number, rateCPerMin: number) {
    this.#clock = clock;
    this.#ambientC = ambientC;
    this.#ratePerMs = rateCPerMin / 60_000;
    this.#anchorC = ambientC;
    this.#anchorMs = clock.now();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get targetC(): number | null {
    return this.#targetC;
  }

  /** Where the temperature is heading now. */
  goalC(): number {
    if (!this.#enabled || this.#targetC === null) return this.#ambientC;
    return Math.min(Math.max(this.#targetC, this.#ambientC - MAX_DELTA_C), this.#ambientC);
  }

  tempC(): number {
    const goal = this.goalC();
    const stepC = this.#ratePerMs * Math.max(0, this.#clock.now() - this.#anchorMs);
    const gap = goal - this.#anchorC;
    return Math.abs(gap) <= stepC ? goal : this.#anchorC + Math.sign(gap) * stepC;
  }

  powerPct(): number {
    if (!this.#enabled) return 0;
    const pct = ((this.#ambientC - this.tempC()) / FULL_POWER_DELTA_C) * 100;
    return Math.round(Math.min(Math.max(pct, 0), 100) * 10) / 10;
  }

  isMoving(): boolean {
    return this.tempC() !== this.goalC();
  }

  set(enabled: boolean, targetC: number | null): void {
    // Re-anchor first so the new goal starts from where the sensor is now.
    this.#anchorC = this.tempC();
    this.#anchorMs = this.#clock.now();
    this.#enabled = enabled;
    this.#targetC = targetC;
  }
}
