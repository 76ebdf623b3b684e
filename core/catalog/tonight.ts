/**
 * "What is up tonight": the night's dark window at a site, then for each object its altitude now,
 * the minutes it spends above a limit during that window (sampled every 10 minutes), its highest
 * point in the window, its meridian transit and culmination, and the first and last sample above
 * the limit. Tonight is the dark window containing the instant asked about, or else the next one
 * to begin within a day. Where the Sun never reaches −18° (a London June), the darkest kind of
 * night that does occur is used, and the answer says which. Coordinates are precessed from J2000
 * to the mean equinox of the night (~0.35° in 2026) once per object; refraction is ignored.
 */
import { equatorialToHorizontal, wrapHours12 } from "../../lib/astro/coords.ts";
import { precessFromJ2000 } from "../../lib/astro/precession.ts";
import { type Darkness, sunAltitudeDeg, TWILIGHT_ALT_DEG } from "../../lib/astro/sun.ts";
import { lstHours, SIDEREAL_PER_SOLAR } from "../../lib/astro/time.ts";
import type { CatalogEntry } from "./types.ts";

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;
const MINUTE_MS = 60_000;
export const SAMPLE_STEP_MS = 10 * MINUTE_MS;

export interface Site {
  latitudeDeg: number;
  longitudeDeg: number;
}

export interface NightWindow {
  darkness: Darkness;
  startMs: number;
  endMs: number;
}

/** Tonight's dark window, or null when the Sun stays above −6° (polar day). */
export function nightWindow(atMs: number, site: Site): NightWindow | null {
  // Sample from 14 h before (a night already under way) to 24 h after.
  const fromMs = atMs - 14 * 3_600_000;
  const samples = Math.ceil(38 * 3_600_000 / SAMPLE_STEP_MS);
  const sunAlt: number[] = [];
  for (let k = 0; k <= samples; k++) sunAlt.push(sunAltitudeDeg(fromMs + k * SAMPLE_STEP_MS, site));
  for (const darkness of ["astronomical", "nautical", "civil"] as const) {
    const limit = TWILIGHT_ALT_DEG[darkness];
    const runs: [number, number][] = [];
    let start = -1;
    sunAlt.forEach((alt, k) => {
      if (alt < limit && start < 0) start = k;
      if ((alt >= limit || k === samples) && start >= 0) {
        runs.push([start, alt < limit ? k : k - 1]);
        start = -1;
      }
    });
    const atK = (atMs - fromMs) / SAMPLE_STEP_MS;
    const run = runs.find(([a, b]) => a <= atK && atK <= b + 1) ??
      runs.find(([a]) => a > atK);
    if (!run) continue;
    const edge = (k: number, outside: number) =>
      refineEdge(fromMs + outside * SAMPLE_STEP_MS, fromMs + k * SAMPLE_STEP_MS, site, limit);
    return {
      darkness,
      startMs: run[0] > 0 ? edge(run[0], run[0] - 1) : fromMs,
      endMs: run[1] < samples ? edge(run[1], run[1] + 1) : fromMs + samples * SAMPLE_STEP_MS,
    };
  }
  return null;
}

/** Bisects to 1 s the instant between a light and a dark sample where the Sun crosses `limit`. */
function refineEdge(lightMs: number, darkMs: number, site: Site, limit: number): number {
  let light = lightMs;
  let dark = darkMs;
  while (Math.abs(dark - light) > 1_000) {
    const mid = (light + dark) / 2;
    if (sunAltitudeDeg(mid, site) < limit) dark = mid;
    else light = mid;
  }
  return Math.round(dark);
}

export interface Visibility {
  entry: CatalogEntry;
  altNowDeg: number;
  azNowDeg: number;
  minutesAbove: number;
  /**
   * Hours above the limit during the dark window, each sample weighted by (1 + sin altitude) / 2
   * — halfway to 1/airmass — so an hour at 35° counts for 0.79 of an hour near the zenith: lower
   * is worse (more air, more light pollution), but a target culminating at 40° is still a target.
   */
  qualityHours: number;
  peakAltDeg: number;
  peakAtMs: number;
  /** Meridian transit nearest the middle of the night, and the altitude there. */
  transitAtMs: number;
  transitAltDeg: number;
  /** First and last sample above the limit; null when never above it. */
  aboveFromMs: number | null;
  aboveUntilMs: number | null;
}

/** Visibility of each entry during `night`, unranked; `nowMs` gives the altitude now. */
export function visibilities(
  entries: readonly CatalogEntry[],
  night: NightWindow,
  site: Site,
  minAltDeg: number,
  nowMs: number,
): Visibility[] {
  const times: number[] = [];
  for (let t = night.startMs; t <= night.endMs; t += SAMPLE_STEP_MS) times.push(t);
  const lstRad = times.map((t) => lstHours(t, site.longitudeDeg) * 15 * DEG_TO_RAD);
  const lstNowHours = lstHours(nowMs, site.longitudeDeg);
  const midMs = (night.startMs + night.endMs) / 2;
  const lstMidHours = lstHours(midMs, site.longitudeDeg);
  const latRad = site.latitudeDeg * DEG_TO_RAD;
  const sinLat = Math.sin(latRad);
  const cosLat = Math.cos(latRad);
  const nightMinutes = (night.endMs - night.startMs) / MINUTE_MS;
  return entries.map((entry) => {
    const pos = precessFromJ2000({ raHours: entry.raHours, decDeg: entry.decDeg }, midMs);
    const raRad = pos.raHours * 15 * DEG_TO_RAD;
    const decRad = pos.decDeg * DEG_TO_RAD;
    const a = sinLat * Math.sin(decRad);
    const b = cosLat * Math.cos(decRad);
    let above = 0;
    let quality = 0;
    let peak = -90;
    let peakAt = night.startMs;
    let from: number | null = null;
    let until: number | null = null;
    lstRad.forEach((lst, j) => {
      const alt = Math.asin(Math.max(-1, Math.min(1, a + b * Math.cos(lst - raRad)))) * RAD_TO_DEG;
      if (alt > peak) {
        peak = alt;
        peakAt = times[j]!;
      }
      if (alt >= minAltDeg) {
        above++;
        quality += (1 + Math.sin(alt * DEG_TO_RAD)) / 2;
        from ??= times[j]!;
        until = times[j]!;
      }
    });
    const now = equatorialToHorizontal(pos, lstNowHours, site.latitudeDeg);
    // Hours of sidereal time to the transit nearest mid-night, in solar time.
    const toTransitH = -wrapHours12(lstMidHours - pos.raHours) / SIDEREAL_PER_SOLAR;
    return {
      entry,
      altNowDeg: now.altDeg,
      azNowDeg: now.azDeg,
      minutesAbove: Math.min(nightMinutes, above * SAMPLE_STEP_MS / MINUTE_MS),
      qualityHours: Math.min(nightMinutes / 60, quality * SAMPLE_STEP_MS / 3_600_000),
      peakAltDeg: peak,
      peakAtMs: peakAt,
      transitAtMs: Math.round(midMs + toTransitH * 3_600_000),
      transitAltDeg: 90 - Math.abs(site.latitudeDeg - pos.decDeg),
      aboveFromMs: from,
      aboveUntilMs: until,
    };
  });
}

/**
 * Ranks by minutes above the limit, then by peak altitude; drops those never above it. Time alone:
 * tonight's list ranks by score (score.ts), which also weighs size, brightness and the Moon.
 */
export function rankVisible(list: readonly Visibility[]): Visibility[] {
  return list.filter((v) => v.minutesAbove > 0)
    .sort((x, y) => y.minutesAbove - x.minutesAbove || y.peakAltDeg - x.peakAltDeg);
}
