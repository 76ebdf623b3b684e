/**
 * The simulated mount's sync offset: what a real mount keeps between its encoders (where the
 * axes mechanically are) and the position it reports. A sync changes only this offset, never the
 * axes, so the optics do not move; a goto then drives the axes to the target minus the offset.
 * The offset is held on the axes themselves — hour angle and declination, in the JNow frame the
 * axes turn in — so it is constant while the sky turns: reported HA = mechanical HA + ΔHA, i.e.
 * reported RA = mechanical RA − ΔHA, and reported Dec = mechanical Dec + ΔDec (kept within
 * ±90°, as a declination reading is).
 */
import { type EquatorialCoord, wrapHours, wrapHours12 } from "../../lib/astro/coords.ts";

/** Reported minus mechanical, on each axis. */
export interface SyncOffset {
  haHours: number;
  decDeg: number;
}

export const NO_SYNC_OFFSET: SyncOffset = Object.freeze({ haHours: 0, decDeg: 0 });

function clampDecDeg(decDeg: number): number {
  return Math.min(90, Math.max(-90, decDeg));
}

/** The position the mount reports when its axes are at `mechanical` (both JNow). */
export function reportedFromMechanical(
  mechanical: EquatorialCoord,
  offset: SyncOffset,
): EquatorialCoord {
  return {
    raHours: wrapHours(mechanical.raHours - offset.haHours),
    decDeg: clampDecDeg(mechanical.decDeg + offset.decDeg),
  };
}

/** Where the axes must go for the mount to report `reported` (both JNow). */
export function mechanicalFromReported(
  reported: EquatorialCoord,
  offset: SyncOffset,
): EquatorialCoord {
  return {
    raHours: wrapHours(reported.raHours + offset.haHours),
    decDeg: clampDecDeg(reported.decDeg - offset.decDeg),
  };
}

/**
 * The offset that makes axes at `mechanical` report `reported` (both JNow); the hour-angle part
 * takes the short way round, so a sync across RA 0 h is a small offset, not a 24 h one.
 */
export function syncOffsetBetween(
  reported: EquatorialCoord,
  mechanical: EquatorialCoord,
): SyncOffset {
  return {
    haHours: wrapHours12(mechanical.raHours - reported.raHours),
    decDeg: reported.decDeg - mechanical.decDeg,
  };
}
