/**
 * Meridian logic for German equatorial mounts: which side of the pier a goto chooses, and how long
 * a tracking mount has before it must flip. Convention (ASCOM SideOfPier, as NINA, PHD2 and INDI
 * read it): "east" means the tube is on the east side of the pier looking west — the pointing
 * state for an object WEST of the meridian (hour angle ≥ 0, setting); "west" means the tube is on
 * the west side looking east — for an object EAST of the meridian (hour angle < 0, rising). A
 * mount on the west side tracks its object up to and across the meridian until the hour angle
 * reaches the flip limit, then must flip to the east side; a mount on the east side may follow
 * its object down to the lower meridian (hour angle 12 h plus the limit) before it has to flip
 * back, which only circumpolar objects ever reach. Hour angles are in hours [-12, 12).
 */
import type { PierSide, TrackingMode, TrackingRate } from "./tracking.ts";
import { wrapHours12 } from "./coords.ts";
import { SIDEREAL_RATE_ARCSEC_PER_S } from "./time.ts";

/**
 * The rate each tracking mode turns the RA axis (ASCOM DriveRates / INDI TRACK_*). The Moon and
 * the Sun drift east against the stars, so they need a slower axis than the stars.
 */
export const TRACKING_RATE_ARCSEC_PER_S: Readonly<Record<TrackingRate, number>> = {
  sidereal: SIDEREAL_RATE_ARCSEC_PER_S,
  lunar: 14.685,
  solar: 15.0,
  king: 15.0369,
};

/** Degrees past the meridian a mount may track before it must flip, unless configured. */
export const DEFAULT_FLIP_LIMIT_DEG = 5;

/**
 * The pier side a German equatorial mount takes for a goto to an object at this hour angle:
 * "east" (looking west) for hour angle ≥ 0, "west" (looking east) for hour angle < 0.
 */
export function pierSideForHourAngle(haHours: number): "east" | "west" {
  if (!Number.isFinite(haHours)) {
    throw new RangeError(`haHours must be a finite number, got ${haHours}`);
  }
  return wrapHours12(haHours) >= 0 ? "east" : "west";
}

/** How fast the hour angle of a mount's pointing grows while tracking, hours per second. */
export function hourAngleRateHoursPerS(tracking: TrackingMode): number {
  // HA = LST − RA. The RA axis turning at rate r moves the pointing's HA at exactly r.
  return tracking === "off" ? 0 : TRACKING_RATE_ARCSEC_PER_S[tracking] / 54_000;
}

export interface FlipQuery {
  /** Hour angle of the current pointing, hours. */
  haHours: number;
  pierSide: PierSide;
  tracking: TrackingMode;
  /** How far past the meridian the mount may track, degrees [0, 90]. */
  flipLimitDeg?: number;
}

/**
 * Seconds until a tracking German equatorial mount must flip, or null when it is not tracking or
 * its pier side is unknown. 0 means the flip is due now (it is already past the limit). Each side
 * owns a 12 h + 2·limit window of hour angle centred on the sky it looks at (−6 h for "west",
 * +6 h for "east"); the flip is due at the window's far edge.
 */
export function timeToFlipS(query: FlipQuery): number | null {
  const { haHours, pierSide, tracking } = query;
  const flipLimitDeg = query.flipLimitDeg ?? DEFAULT_FLIP_LIMIT_DEG;
  if (!Number.isFinite(haHours)) {
    throw new RangeError(`haHours must be a finite number, got ${haHours}`);
  }
  if (!Number.isFinite(flipLimitDeg) || flipLimitDeg < 0 || flipLimitDeg > 90) {
    throw new RangeError(`flipLimitDeg must be within [0, 90] degrees, got ${flipLimitDeg}`);
  }
  if (tracking === "off" || pierSide === "unknown") return null;
  const limitHours = flipLimitDeg / 15;
  const centreHours = pierSide === "west" ? -6 : 6;
  // Express the hour angle within ±12 h of the side's centre so "past the limit" is unambiguous.
  const haAroundCentreHours = centreHours + wrapHours12(haHours - centreHours);
  const flipAtHours = centreHours + 6 + limitHours;
  const remainingHours = Math.max(0, flipAtHours - haAroundCentreHours);
  return remainingHours / hourAngleRateHoursPerS(tracking);
}
