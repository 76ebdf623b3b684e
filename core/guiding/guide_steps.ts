/**
 * Every guide step of whichever guider fills the role, kept for an hour and published as
 * `guiding.step`: the phone graphs the RA and Dec error step by step from the event, and paints
 * the graph's start from `history(seconds)` when the screen opens. The log follows the role: when
 * a profile puts another guider there (or the hub rebuilds it), it listens to the new one. Each
 * step is converted with the guider's pixel scale at that moment, so a step keeps the arcsec it
 * was measured in. Steps older than the window, or beyond a count that an hour at 2 Hz fills,
 * are forgotten.
 */
import type { Guider } from "../../devices/guider.ts";
import type { Rig } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import type { EventBus } from "../event_bus.ts";
import { GUIDE_HISTORY_MAX_S, type GuideStepDto, toGuideStepDto } from "../schemas/guider.ts";

const MAX_STEPS = GUIDE_HISTORY_MAX_S * 2;

export interface GuideStepLogOptions {
  hub: Rig;
  bus: EventBus;
  clock: Pick<Clock, "now">;
}

export class GuideStepLog {
  readonly #o: GuideStepLogOptions;
  #steps: GuideStepDto[] = [];
  #guider: Guider | null = null;
  #stopGuider: (() => void) | null = null;
  #stopHub: (() => void) | null = null;
  #stopBus: (() => void) | null = null;

  constructor(options: GuideStepLogOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#stopHub) return;
    // A new guider announces itself with a status change or a device.connected event.
    this.#stopHub = this.#o.hub.onStatus((kind) => {
      if (kind === "guider") this.#follow();
    });
    this.#stopBus = this.#o.bus.subscribe((event) => {
      if (event.type === "device.connected" && event.data.role === "guider") this.#follow();
    });
    this.#follow();
  }

  stop(): void {
    this.#stopHub?.();
    this.#stopBus?.();
    this.#stopGuider?.();
    this.#stopHub = this.#stopBus = this.#stopGuider = null;
    this.#guider = null;
  }

  /** The steps of the last `seconds`, oldest first. */
  history(seconds: number): GuideStepDto[] {
    const sinceMs = this.#o.clock.now() - seconds * 1000;
    const first = this.#steps.findIndex((s) => s.ts >= sinceMs);
    return first < 0 ? [] : this.#steps.slice(first);
  }

  #follow(): void {
    const guider = this.#o.hub.peek("guider");
    if (guider === this.#guider) return;
    this.#stopGuider?.();
    this.#guider = guider;
    this.#stopGuider = guider?.onGuideStep((step) => {
      const dto = toGuideStepDto(step, guider.status().pixelScaleArcsec);
      this.#record(dto);
      this.#o.bus.publish("guiding.step", dto);
    }) ?? null;
  }

  #record(step: GuideStepDto): void {
    this.#steps.push(step);
    const oldestMs = this.#o.clock.now() - GUIDE_HISTORY_MAX_S * 1000;
    let drop = Math.max(0, this.#steps.length - MAX_STEPS);
    while (drop < this.#steps.length && this.#steps[drop]!.ts < oldestMs) drop++;
    if (drop > 0) this.#steps.splice(0, drop);
  }
}
