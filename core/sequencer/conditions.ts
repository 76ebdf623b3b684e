/**
 * Loop conditions of a target, checked before every frame: no frame starts after `until_time`,
 * below `until_altitude_deg`, or (with `while_dark`) while the Sun is above −12° / −18° at the
 * profile's site. A met condition ends the target's remaining repetitions, not the sequence.
 * The altitude uses the J2000 position: precession moves it by far less than any sane limit.
 */
import { equatorialToHorizontal } from "../../lib/astro/coords.ts";
import { isDark, sunAltitudeDeg } from "../../lib/astro/sun.ts";
import { lstHours } from "../../lib/astro/time.ts";
import type { SequenceTarget } from "../schemas/sequence.ts";
import type { SequencerContext } from "./context.ts";

/** Why the target must stop now, or null to go on. */
export function loopStopReason(
  ctx: Pick<SequencerContext, "clock" | "hub">,
  target: SequenceTarget,
): string | null {
  const { loop } = target;
  const nowMs = ctx.clock.now();
  if (loop.until_time !== undefined && nowMs >= Date.parse(loop.until_time)) {
    return `the time limit ${loop.until_time} has passed`;
  }
  const site = ctx.hub.site;
  if (
    loop.until_altitude_deg !== undefined && site && target.ra !== undefined &&
    target.dec !== undefined
  ) {
    const lst = lstHours(nowMs, site.longitudeDeg);
    const { altDeg } = equatorialToHorizontal(
      { raHours: target.ra, decDeg: target.dec },
      lst,
      site.latitudeDeg,
    );
    if (altDeg < loop.until_altitude_deg) {
      return `it is at ${altDeg.toFixed(1)}°, below the ${loop.until_altitude_deg}° limit`;
    }
  }
  if (loop.while_dark !== undefined && site && !isDark(nowMs, site, loop.while_dark)) {
    const sunDeg = sunAltitudeDeg(nowMs, site);
    return `the sky is no longer ${loop.while_dark} dark (the Sun is at ${sunDeg.toFixed(1)}°)`;
  }
  return null;
}
