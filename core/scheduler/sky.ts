/**
 * The scheduler's view of the sky at one instant: each target's altitude and azimuth against its
 * limit (the minimum altitude or the local horizon profile, whichever is higher), the Sun's
 * altitude for darkness, and the Moon's place and phase. Targets are precessed from J2000 to the
 * equinox of the instant once per snapshot; the local sidereal time is the mean one (the
 * apparent differs by about a second of time, 0.004° of hour angle). Geometric altitudes, no
 * refraction: the limits are user margins of tens of degrees.
 */
import {
  angularSeparationDeg,
  type EquatorialCoord,
  equatorialToHorizontal,
  type HorizontalCoord,
} from "../../lib/astro/coords.ts";
import { precessFromJ2000 } from "../../lib/astro/precession.ts";
import {
  moonEquatorial,
  moonIlluminatedFraction,
  type SiteLatLon,
  sunAltitudeDeg,
  TWILIGHT_ALT_DEG,
} from "../../lib/astro/sun.ts";
import { lmstHours } from "../../lib/astro/time.ts";
import type { DarknessRequirement, HorizonPoint } from "../schemas/scheduler.ts";

/** The altitude of the local horizon profile at `azDeg`, interpolated linearly with wrap. */
export function horizonAltDeg(profile: readonly HorizonPoint[], azDeg: number): number {
  if (profile.length === 0) return -90;
  if (profile.length === 1) return profile[0]!.alt_deg;
  const points = [...profile].sort((a, b) => a.az_deg - b.az_deg);
  const az = ((azDeg % 360) + 360) % 360;
  // Find the neighbours on either side, wrapping from the last point to the first (+360°).
  let before = points[points.length - 1]!;
  let beforeAz = before.az_deg - 360;
  for (const p of points) {
    if (p.az_deg > az) {
      const span = p.az_deg - beforeAz;
      const f = span === 0 ? 0 : (az - beforeAz) / span;
      return before.alt_deg + f * (p.alt_deg - before.alt_deg);
    }
    before = p;
    beforeAz = p.az_deg;
  }
  const first = points[0]!;
  const span = first.az_deg + 360 - beforeAz;
  const f = span === 0 ? 0 : (az - beforeAz) / span;
  return before.alt_deg + f * (first.alt_deg - before.alt_deg);
}

/** The altitude a target must clear at `azDeg`: the minimum altitude or the profile there. */
export function limitAltDeg(
  minAltitudeDeg: number,
  horizon: readonly HorizonPoint[] | undefined,
  azDeg: number,
): number {
  return horizon ? Math.max(minAltitudeDeg, horizonAltDeg(horizon, azDeg)) : minAltitudeDeg;
}

/** Whether the Sun is low enough at `atMs` for `darkness` ("none" is always satisfied). */
export function darkEnough(atMs: number, site: SiteLatLon, darkness: DarknessRequirement): boolean {
  return darkness === "none" || sunAltitudeDeg(atMs, site) < TWILIGHT_ALT_DEG[darkness];
}

/** A target's horizontal position at an instant, for a J2000 position. */
export function targetHorizontal(
  j2000: EquatorialCoord,
  atMs: number,
  site: SiteLatLon,
): HorizontalCoord {
  const ofDate = precessFromJ2000(j2000, atMs);
  return equatorialToHorizontal(ofDate, lmstHours(atMs, site.longitudeDeg), site.latitudeDeg);
}

export interface MoonState {
  position: EquatorialCoord;
  altDeg: number;
  illumination: number;
}

export function moonState(atMs: number, site: SiteLatLon): MoonState {
  const position = moonEquatorial(atMs);
  const { altDeg } = equatorialToHorizontal(
    position,
    lmstHours(atMs, site.longitudeDeg),
    site.latitudeDeg,
  );
  return { position, altDeg, illumination: moonIlluminatedFraction(atMs) };
}

/** Separation of a J2000 target from the Moon (of date), degrees. */
export function moonSeparationDeg(j2000: EquatorialCoord, moon: MoonState, atMs: number): number {
  return angularSeparationDeg(precessFromJ2000(j2000, atMs), moon.position);
}

/**
 * The instant darkness of `darkness` next ends: the Sun rising through its limit, after the
 * current dark period or else after the next one to begin within `searchMs`. Null when it never
 * gets that dark (or never light) within the search. Sampled every 10 min, refined to 1 s.
 */
export function darknessEndMs(
  atMs: number,
  site: SiteLatLon,
  darkness: Exclude<DarknessRequirement, "none">,
  searchMs = 36 * 3_600_000,
): number | null {
  const stepMs = 10 * 60_000;
  const dark = (t: number) => darkEnough(t, site, darkness);
  let seenDark = dark(atMs);
  let prev = atMs;
  for (let t = atMs + stepMs; t <= atMs + searchMs; t += stepMs) {
    const isDarkNow = dark(t);
    if (seenDark && !isDarkNow) return refine(prev, t, dark);
    seenDark ||= isDarkNow;
    prev = t;
  }
  return null;
}

/** Bisects between `darkMs` (predicate true) and `lightMs` (false) to 1 s. */
function refine(darkMs: number, lightMs: number, dark: (t: number) => boolean): number {
  let a = darkMs;
  let b = lightMs;
  while (b - a > 1000) {
    const mid = (a + b) / 2;
    if (dark(mid)) a = mid;
    else b = mid;
  }
  return Math.round(b);
}

/** Sun and Moon per instant, computed once however many targets ask. */
export class SkyCache {
  readonly #site: SiteLatLon;
  readonly #sun = new Map<number, number>();
  readonly #moon = new Map<number, MoonState>();
  constructor(site: SiteLatLon) {
    this.#site = site;
  }
  sunAltDeg(atMs: number): number {
    let alt = this.#sun.get(atMs);
    if (alt === undefined) this.#sun.set(atMs, alt = sunAltitudeDeg(atMs, this.#site));
    return alt;
  }
  moon(atMs: number): MoonState {
    let moon = this.#moon.get(atMs);
    if (moon === undefined) this.#moon.set(atMs, moon = moonState(atMs, this.#site));
    return moon;
  }
}
