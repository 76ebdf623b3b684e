/**
 * Guiding RMS the way the box reports it: the root mean square of the last N guide steps' raw
 * RA and Dec distances (PHD2's GuideStep RADistanceRaw / DECDistanceRaw, guide-camera pixels),
 * scaled to arcsec by PHD2's pixel scale. Like the simulator, the mean square is taken about zero
 * (the lock position), not about the window's mean: a steady offset is a guiding error too.
 * Total is the quadrature sum of the two axes.
 */

export interface AxisStepPx {
  raPx: number;
  decPx: number;
}

export interface RmsArcsec {
  raArcsec: number;
  decArcsec: number;
  totalArcsec: number;
}

/** RMS of `steps` in arcsec; null when there are no steps or the pixel scale is unknown. */
export function rmsArcsec(
  steps: readonly AxisStepPx[],
  pixelScaleArcsec: number | null,
): RmsArcsec | null {
  if (steps.length === 0 || pixelScaleArcsec === null) return null;
  let raSquares = 0;
  let decSquares = 0;
  for (const step of steps) {
    raSquares += step.raPx ** 2;
    decSquares += step.decPx ** 2;
  }
  const raArcsec = Math.sqrt(raSquares / steps.length) * pixelScaleArcsec;
  const decArcsec = Math.sqrt(decSquares / steps.length) * pixelScaleArcsec;
  return { raArcsec, decArcsec, totalArcsec: Math.hypot(raArcsec, decArcsec) };
}

/** A fixed-length window of the most recent steps. */
export class StepWindow {
  readonly #capacity: number;
  #steps: AxisStepPx[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RMS window must be a whole number of steps >= 1, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  push(step: AxisStepPx): void {
    this.#steps.push(step);
    if (this.#steps.length > this.#capacity) this.#steps.shift();
  }

  clear(): void {
    this.#steps = [];
  }

  get steps(): readonly AxisStepPx[] {
    return this.#steps;
  }
}
