/**
 * Stop conditions of a block (a target's `loop` limits, an `until`), checked before every
 * instruction and every frame: no frame starts after `until_time`, below `until_altitude_deg`,
 * or (with `while_dark`) while the Sun is above −12° / −18° at the profile's site. The altitude
 * uses the J2000 position: precession moves it by far less than any sane limit. A condition the
 * rig cannot evaluate (no site, a target without coordinates) never stops anything.
 */
import { equatorialToHorizontal } from "../../lib/astro/coords.ts";
import { isDark, sunAltitudeDeg } from "../../lib/astro/sun.ts";
import { lstHours } from "../../lib/astro/time.ts";
import type { SequencerContext } from "./context.ts";
import type { TargetRef } from "./instructions/kind.ts";

export interface StopConditions {
  until_time?: string;
  until_altitude_deg?: number;
  while_dark?: "nautical" | "astronomical";
}

/** Why the block must stop now, or null to go on. */
export function stopReason(
  ctx: Pick<SequencerContext, "clock" | "hub">,
  target: TargetRef | null,
  c: StopConditions,
): string | null {
  const nowMs = ctx.clock.now();
  if (c.until_time !== undefined && nowMs >= Date.parse(c.until_time)) {
    return `the time limit ${c.until_time} has passed`;
  }
  const site = ctx.hub.site;
  if (
    c.until_altitude_deg !== undefined && site && target && target.raHours !== null &&
    target.decDeg !== null
  ) {
    const lst = lstHours(nowMs, site.longitudeDeg);
    const { altDeg } = equatorialToHorizontal(
      { raHours: target.raHours, decDeg: target.decDeg },
      lst,
      site.latitudeDeg,
    );
    if (altDeg < c.until_altitude_deg) {
      return `it is at ${altDeg.toFixed(1)}°, below the ${c.until_altitude_deg}° limit`;
    }
  }
  if (c.while_dark !== undefined && site && !isDark(nowMs, site, c.while_dark)) {
    const sunDeg = sunAltitudeDeg(nowMs, site);
    return `the sky is no longer ${c.while_dark} dark (the Sun is at ${sunDeg.toFixed(1)}°)`;
  }
  return null;
}
