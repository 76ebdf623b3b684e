/**
 * The simulated light path between the simulated focuser and the simulated camera, so star size
 * follows a true V-curve without either simulator knowing the other. `defaultRegistry()` makes
 * one link per registry (so two servers in one process never share a focuser) and hands it to
 * both factories: the focuser attaches a reader of its position and temperature, the camera —
 * when its profile options carry a `focus` object — asks the link for the defocus blur at the
 * start of each exposure. The model is hyperbolic, like a real V-curve: the PSF sigma is
 * hypot(seeing, |position − best| · blurPxPerStep) on top of the sensor's own PSF, and the best
 * position drifts with the tube temperature by `tempCoeffStepsPerC` from `refTempC`. Without a
 * focuser attached, or without the `focus` option, nothing changes and the camera keeps the blur
 * set through `setFocusBlurPx()`. The same link carries the rest of the light path the camera
 * needs to render the true sky: the simulated mount attaches a reader of where its optical axis
 * really points (J2000, mechanical errors included) and its pier side, the simulated rotator a
 * reader of its mechanical angle — the sensor turns with the mechanics, never with a sync offset.
 */
import { checkNumber } from "./motion.ts";

/** The camera's `focus` profile option, validated. */
export interface FocusModel {
  /** Focuser position of best focus at `refTempC`, steps. */
  bestPosition: number;
  refTempC: number;
  /** How far best focus moves per °C of tube temperature, steps/°C (tubes shrink as they cool). */
  tempCoeffStepsPerC: number;
  /** Gaussian sigma of the defocus blur per step away from best focus, px (unbinned). */
  blurPxPerStep: number;
  /** Seeing floor: extra Gaussian sigma at best focus, px (unbinned). */
  seeingPx: number;
}

/** What the focuser shares: read at exposure start, never cached. */
export interface FocuserReading {
  position: number;
  temperatureC: number | null;
}

const DEFAULTS: FocusModel = {
  bestPosition: 25000,
  refTempC: 12,
  tempCoeffStepsPerC: -8,
  blurPxPerStep: 0.01,
  seeingPx: 0.8,
};

const KNOWN = new Set(Object.keys(DEFAULTS));

/** Parses the camera's `focus` option; null when it is absent (no V-curve). */
export function parseFocusModel(raw: unknown): FocusModel | null {
  if (raw === undefined || raw === null || raw === false) return null;
  if (raw === true) return { ...DEFAULTS };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new RangeError(`sim camera option focus must be an object, got ${JSON.stringify(raw)}`);
  }
  const options = raw as Record<string, unknown>;
  const unknown = Object.keys(options).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) {
    throw new RangeError(`sim camera option focus has unknown keys: ${unknown.join(", ")}`);
  }
  const model = { ...DEFAULTS, ...options } as FocusModel;
  checkNumber("option focus.bestPosition", model.bestPosition, { min: 0 });
  checkNumber("option focus.refTempC", model.refTempC, { min: -60, max: 60 });
  checkNumber("option focus.tempCoeffStepsPerC", model.tempCoeffStepsPerC, {
    min: -10_000,
    max: 10_000,
  });
  checkNumber("option focus.blurPxPerStep", model.blurPxPerStep, { min: 0, aboveMin: true });
  checkNumber("option focus.seeingPx", model.seeingPx, { min: 0, max: 50 });
  return model;
}

/** Best-focus position (steps) at a tube temperature. */
export function bestFocusSteps(model: FocusModel, temperatureC: number | null): number {
  const deltaC = temperatureC === null ? 0 : temperatureC - model.refTempC;
  return model.bestPosition + model.tempCoeffStepsPerC * deltaC;
}

/** Extra PSF sigma (px, unbinned) at a focuser reading: the hyperbola's arms and its floor. */
export function defocusBlurPx(model: FocusModel, reading: FocuserReading): number {
  const offsetSteps = reading.position - bestFocusSteps(model, reading.temperatureC);
  // The camera accepts up to 100 px of blur; beyond that every frame is equally hopeless.
  return Math.min(100, Math.hypot(model.seeingPx, offsetSteps * model.blurPxPerStep));
}

/** What the mount shares: the true pointing (what a plate solve would find) and its pier side. */
export interface MountReading {
  raDeg: number;
  decDeg: number;
  pierSide: "east" | "west" | "unknown";
}

/** What the rotator shares: its raw mechanical angle and whether its sense is reversed. */
export interface RotatorReading {
  mechanicalDeg: number;
  reversed: boolean;
}

export class SimOpticsLink {
  #focuser: (() => FocuserReading) | null = null;
  #mount: (() => MountReading) | null = null;
  #rotator: (() => RotatorReading) | null = null;

  /** Called by the simulated focuser; the latest one built for this registry wins. */
  attachFocuser(read: () => FocuserReading): void {
    this.#focuser = read;
  }

  /** The focuser's reading now, or null when no simulated focuser exists. */
  reading(): FocuserReading | null {
    return this.#focuser?.() ?? null;
  }

  /** Called by the simulated mount; the latest one built for this registry wins. */
  attachMount(read: () => MountReading): void {
    this.#mount = read;
  }

  /** The mount's true pointing now, or null when no simulated mount exists. */
  mountReading(): MountReading | null {
    return this.#mount?.() ?? null;
  }

  /** Called by the simulated rotator; the latest one built for this registry wins. */
  attachRotator(read: () => RotatorReading): void {
    this.#rotator = read;
  }

  /** The rotator's mechanical angle now, or null when no simulated rotator exists. */
  rotatorReading(): RotatorReading | null {
    return this.#rotator?.() ?? null;
  }
}
