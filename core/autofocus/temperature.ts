/**
 * Temperature compensation. Best focus moves as the tube cools and shrinks; past successful runs
 * give (temperature °C, best position) samples, and a least-squares line through them gives the
 * coefficient in steps per °C — only when there are at least two runs spanning at least 1 °C, so
 * sensor ripple is never mistaken for a trend. The compensator, disabled by default, applies it
 * between runs: it samples the focuser's temperature and, when the predicted shift since the last
 * reference (the last autofocus), less what it already applied, reaches `minSteps`, moves the focuser by
 * that much — never while an exposure or a focuser move is under way, or while autofocus runs.
 */
import type { Clock } from "../../lib/clock.ts";
import type { Rig } from "../../devices/rig.ts";
import type { Logger } from "../../lib/log.ts";

export interface TempSample {
  temperatureC: number;
  bestPositionSteps: number;
}

export interface TempCoefficient {
  stepsPerC: number;
  runs: number;
  spanC: number;
}

/** Slope of best position against temperature, or null with too little data. */
export function fitTempCoefficient(samples: readonly TempSample[]): TempCoefficient | null {
  if (samples.length < 2) return null;
  const temps = samples.map((s) => s.temperatureC);
  const spanC = Math.max(...temps) - Math.min(...temps);
  if (spanC < 1) return null;
  const n = samples.length;
  const meanT = temps.reduce((a, b) => a + b, 0) / n;
  const meanP = samples.reduce((a, s) => a + s.bestPositionSteps, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.temperatureC - meanT) * (s.bestPositionSteps - meanP);
    sxx += (s.temperatureC - meanT) ** 2;
  }
  return { stepsPerC: sxy / sxx, runs: n, spanC };
}

export interface CompensatorOptions {
  hub: Rig;
  clock: Clock;
  log: Logger;
  /** Whether an autofocus run owns the focuser right now. */
  busy: () => boolean;
  intervalMs?: number;
  /** Smallest correction worth a move. */
  minSteps?: number;
}

export class TempCompensator {
  readonly #opts: Required<CompensatorOptions>;
  #coefficient: number | null = null;
  #reference: { temperatureC: number } | null = null;
  #appliedSteps = 0;
  #loop: AbortController | null = null;
  /** Corrections applied since the last reference, for the status. */
  corrections = 0;

  constructor(options: CompensatorOptions) {
    this.#opts = { intervalMs: 30_000, minSteps: 5, ...options };
  }

  get enabled(): boolean {
    return this.#loop !== null;
  }

  setCoefficient(stepsPerC: number | null): void {
    this.#coefficient = stepsPerC;
  }

  /** After a successful autofocus: the focuser is at best focus at this temperature. */
  setReference(temperatureC: number | null): void {
    this.#reference = temperatureC === null ? null : { temperatureC };
    this.#appliedSteps = 0;
    this.corrections = 0;
  }

  enable(on: boolean): void {
    if (on === this.enabled) return;
    if (!on) {
      this.#loop?.abort();
      this.#loop = null;
      return;
    }
    const loop = new AbortController();
    this.#loop = loop;
    (async () => {
      while (!loop.signal.aborted) {
        try {
          await this.#opts.clock.sleep(this.#opts.intervalMs, loop.signal);
          await this.tick();
        } catch (error) {
          if (loop.signal.aborted) return;
          this.#opts.log.warn("temperature compensation failed", { error: String(error) });
        }
      }
    })();
  }

  /** One check; returns the steps moved (0 when nothing was due or it was not a good moment). */
  async tick(): Promise<number> {
    const { hub, busy, minSteps } = this.#opts;
    const reference = this.#reference;
    const coefficient = this.#coefficient;
    const focuser = hub.peek("focuser");
    if (!reference || coefficient === null || !focuser || busy()) return 0;
    const status = focuser.status();
    if (!status.connected || status.moving || status.temperatureC === null) return 0;
    const exposure = hub.peek("camera")?.status().exposure.state;
    if (exposure !== undefined && exposure !== "idle") return 0;
    // Relative to what was already applied, so a manual touch-up in between is kept.
    const due = Math.round(coefficient * (status.temperatureC - reference.temperatureC)) -
      this.#appliedSteps;
    if (Math.abs(due) < minSteps) return 0;
    const max = focuser.capabilities.maxPosition;
    const clamped = Math.min(max, Math.max(0, status.position + due));
    await focuser.moveTo(clamped);
    this.#appliedSteps += clamped - status.position;
    this.corrections++;
    this.#opts.log.info("temperature compensation", {
      temperatureC: status.temperatureC,
      fromSteps: status.position,
      toSteps: clamped,
    });
    return clamped - status.position;
  }

  close(): void {
    this.enable(false);
  }
}
