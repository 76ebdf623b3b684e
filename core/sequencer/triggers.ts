/**
 * When a sequence should refocus: at the start, on a filter change, every N frames or M minutes,
 * when the focuser's temperature has moved by X °C, or when the frames' HFR has risen by Y % over
 * the value measured after the last focus. Pure bookkeeping over what the engine reports; the
 * engine runs the autofocus (or says it is unavailable) and calls `focused()` either way, so a
 * trigger fires once per cause instead of on every frame.
 */
import type { SequenceOptions } from "../schemas/sequence.ts";

export type AutofocusConfig = SequenceOptions["autofocus"];

export interface FrameContext {
  nowMs: number;
  filterChanged: boolean;
  temperatureC: number | null;
}

export class AutofocusTriggers {
  readonly #config: AutofocusConfig;
  #started = false;
  #lastFocusMs: number;
  #framesSinceFocus = 0;
  #temperatureAtFocusC: number | null = null;
  #baselineHfr: number | null = null;
  #latestHfr: number | null = null;

  constructor(config: AutofocusConfig, nowMs: number) {
    this.#config = config;
    this.#lastFocusMs = nowMs;
  }

  /** The reason to focus before the next frame, or null. */
  due(ctx: FrameContext): string | null {
    const c = this.#config;
    const first = !this.#started;
    this.#started = true;
    if (this.#temperatureAtFocusC === null) this.#temperatureAtFocusC = ctx.temperatureC;
    if (first && c.at_start) return "at start";
    if (c.on_filter_change && ctx.filterChanged && !first) return "filter change";
    if (c.every_frames !== null && this.#framesSinceFocus >= c.every_frames) {
      return `every ${c.every_frames} frames`;
    }
    if (c.every_minutes !== null && ctx.nowMs - this.#lastFocusMs >= c.every_minutes * 60_000) {
      return `every ${c.every_minutes} minutes`;
    }
    if (
      c.temperature_change_c !== null && ctx.temperatureC !== null &&
      this.#temperatureAtFocusC !== null &&
      Math.abs(ctx.temperatureC - this.#temperatureAtFocusC) >= c.temperature_change_c
    ) {
      return `temperature change of ${c.temperature_change_c} °C`;
    }
    if (
      c.hfr_rise_pct !== null && this.#baselineHfr !== null && this.#latestHfr !== null &&
      (this.#latestHfr - this.#baselineHfr) / this.#baselineHfr * 100 >= c.hfr_rise_pct
    ) {
      return `HFR rise of ${c.hfr_rise_pct} %`;
    }
    return null;
  }

  /** A frame was taken; `hfr` is its median HFR when analysed. */
  frameTaken(hfr: number | null): void {
    this.#framesSinceFocus++;
    if (hfr === null || !(hfr > 0)) return;
    this.#latestHfr = hfr;
    // The first measured frame after a focus is the reference the rise is measured against.
    if (this.#baselineHfr === null) this.#baselineHfr = hfr;
  }

  /** Focus was run (or could not be, and was reported): every trigger starts over. */
  focused(nowMs: number, temperatureC: number | null): void {
    this.#lastFocusMs = nowMs;
    this.#framesSinceFocus = 0;
    this.#temperatureAtFocusC = temperatureC;
    this.#baselineHfr = null;
    this.#latestHfr = null;
  }
}
