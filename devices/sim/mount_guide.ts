/**
 * Guide pulses on the simulated mount: which pulses are acceptable, and how far one has moved the
 * axes by a given instant. A pulse is a constant extra rate on one axis at ASCOM's customary
 * guide rate (half sidereal) for its duration; the motion model (mount_motion.ts) adds the shifts
 * of running pulses to the resting position and folds finished ones into its anchor. Kept as
 * pure functions of the clock so a pulse is exact at any instant, whatever the timer does.
 */
import { SIDEREAL_RATE_ARCSEC_PER_S } from "../../lib/astro/time.ts";
import type { GuideDirection } from "../mount.ts";

/** Arcseconds of hour angle or RA in one hour: 15″ per second of time. */
export const ARCSEC_PER_HOUR = 54_000;

const GUIDE_DIRECTIONS: readonly GuideDirection[] = ["north", "south", "east", "west"];
/** ASCOM's customary default guide rate: half of sidereal. */
const GUIDE_RATE_ARCSEC_PER_S = 0.5 * SIDEREAL_RATE_ARCSEC_PER_S;
const MAX_PULSE_MS = 60_000;

export interface GuidePulse {
  startMs: number;
  endMs: number;
  raRateHoursPerMs: number;
  decRateDegPerMs: number;
}

/**
 * Throws a RangeError unless `direction` and `durationMs` make a pulse the mount accepts. Kept
 * apart from `guidePulse` so the mount can refuse bad arguments before it looks at its state.
 */
export function assertGuidePulse(direction: GuideDirection, durationMs: number): void {
  if (!GUIDE_DIRECTIONS.includes(direction)) {
    throw new RangeError(
      `pulseGuide direction must be one of ${GUIDE_DIRECTIONS.join(", ")}, got ${
        JSON.stringify(direction)
      }`,
    );
  }
  if (
    typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs <= 0 ||
    durationMs > MAX_PULSE_MS
  ) {
    throw new RangeError(
      `pulseGuide durationMs must be within (0, ${MAX_PULSE_MS}], got ${durationMs}`,
    );
  }
}

/** A pulse starting at `nowMs`, its arguments already checked by `assertGuidePulse`. */
export function guidePulse(
  direction: GuideDirection,
  durationMs: number,
  nowMs: number,
): GuidePulse {
  const rateArcsecPerMs = GUIDE_RATE_ARCSEC_PER_S / 1000;
  // ASCOM GuideDirections: north = +Dec, south = −Dec, east = +RA, west = −RA.
  const sign = direction === "north" || direction === "east" ? 1 : -1;
  const alongRa = direction === "east" || direction === "west";
  return {
    startMs: nowMs,
    endMs: nowMs + durationMs,
    raRateHoursPerMs: alongRa ? sign * rateArcsecPerMs / ARCSEC_PER_HOUR : 0,
    decRateDegPerMs: alongRa ? 0 : sign * rateArcsecPerMs / 3600,
  };
}

/** How far `pulse` has moved the axes by `atMs` (unwrapped RA hours, unclamped Dec degrees). */
export function pulseShift(pulse: GuidePulse, atMs: number): { raHours: number; decDeg: number } {
  const elapsedMs = Math.min(atMs, pulse.endMs) - pulse.startMs;
  return {
    raHours: pulse.raRateHoursPerMs * elapsedMs,
    decDeg: pulse.decRateDegPerMs * elapsedMs,
  };
}
