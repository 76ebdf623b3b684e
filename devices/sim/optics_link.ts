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
import type { FocusModel } from "./camera_options.ts";

/** What the focuser shares: read at exposure start, never cached. */
export interface FocuserReading {
  position: number;
  temperatureC: number | null;
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
