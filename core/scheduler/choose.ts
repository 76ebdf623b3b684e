/**
 * What to image now: a pure function of the plan, the frames already taken, the site and the
 * instant. A target is possible when its constraints hold now and for the next few minutes (a
 * block that must stop at once is worse than waiting): frames still needed, not skipped, inside
 * its time window, dark enough, above its altitude limit or horizon profile, far enough from the
 * Moon and the Moon dim enough while it is up. The possible ones are ranked by priority, then by
 * the time they have left above their limit — the one that sets soonest first, so it is not
 * lost — and every other target comes back with the reason it was not chosen. When none is
 * possible, the answer says when the first one will be (searched ahead in 5-minute steps,
 * refined to the minute), so the runner can sleep until then.
 */
import type { SiteLatLon } from "../../lib/astro/sun.ts";
import { TWILIGHT_ALT_DEG } from "../../lib/astro/sun.ts";
import type { SchedulerPlan, SchedulerTarget } from "../schemas/scheduler.ts";
import {
  limitAltDeg,
  moonSeparationDeg,
  type MoonState,
  SkyCache,
  targetHorizontal,
} from "./sky.ts";
import { type Constraints, effectiveConstraints, framesLeft, type Progress } from "./plan_math.ts";

const MINUTE_MS = 60_000;
/** How long a target must stay possible to be worth starting. */
export const DEFAULT_LOOKAHEAD_MS = 10 * MINUTE_MS;
const LOOKAHEAD_STEP_MS = 2 * MINUTE_MS;
const SCAN_STEP_MS = 5 * MINUTE_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface ChooseOptions {
  /** Target index → instant before which it must not be chosen (skip-target). */
  skippedUntilMs?: ReadonlyMap<number, number>;
  lookaheadMs?: number;
  /** How far ahead to look for the next possible instant (24 h). */
  searchMs?: number;
}

export interface Rejection {
  index: number;
  name: string;
  reason: string;
}

export interface ChosenTarget {
  index: number;
  name: string;
  priority: number;
  raHours: number;
  decDeg: number;
  altDeg: number;
  azDeg: number;
  /** When the altitude limit, horizon profile or time window stops it (capped at 24 h). */
  usableUntilMs: number;
}

export type Choice =
  | { target: ChosenTarget; reason: string; rejected: Rejection[] }
  | { target: null; reason: string; next_possible_ms: number | null; rejected: Rejection[] };

export function chooseTarget(
  plan: SchedulerPlan,
  progress: Progress,
  site: SiteLatLon,
  atMs: number,
  options: ChooseOptions = {},
): Choice {
  const sky = new SkyCache(site);
  const { possible, rejected } = evaluate(plan, progress, site, atMs, options, sky);
  if (possible.length === 0) {
    if (rejected.every((r) => r.reason.startsWith("all its"))) {
      return {
        target: null,
        reason: "every target has all its frames",
        next_possible_ms: null,
        rejected,
      };
    }
    const next = nextPossibleMs(plan, progress, site, atMs, options, sky);
    const reason = next === null
      ? "no target is possible now, nor within the search window"
      : `no target is possible now; the first becomes possible at ${iso(next)}`;
    return { target: null, reason, next_possible_ms: next, rejected };
  }
  const ranked = possible.map((c) => ({
    ...c,
    usableUntilMs: usableUntilMs(plan, c.index, site, atMs, options.searchMs ?? DAY_MS),
  })).sort((a, b) =>
    a.priority - b.priority || a.usableUntilMs - b.usableUntilMs || a.index - b.index
  );
  const [best, ...others] = ranked;
  for (const other of others) {
    rejected.push({
      index: other.index,
      name: other.name,
      reason: other.priority > best!.priority
        ? `possible, but ${best!.name} has a higher priority (${
          best!.priority
        } vs ${other.priority})`
        : `possible, but ${best!.name} sets sooner (${iso(best!.usableUntilMs)} vs ${
          iso(other.usableUntilMs)
        })`,
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  const leftH = (best!.usableUntilMs - atMs) / 3_600_000;
  const reason =
    `priority ${best!.priority}, at ${best!.altDeg.toFixed(1)}°, ${
      leftH.toFixed(1)
    } h left above its limit, ${framesLeft(plan.targets[best!.index]!, progress[best!.index])} ` +
    `frames still needed` +
    (others.length > 0 ? `; chosen over ${others.map((o) => o.name).join(", ")}` : "");
  return { target: best!, reason, rejected };
}

type Candidate = Omit<ChosenTarget, "usableUntilMs">;

function evaluate(
  plan: SchedulerPlan,
  progress: Progress,
  site: SiteLatLon,
  atMs: number,
  options: ChooseOptions,
  sky: SkyCache,
  firstOnly = false,
): { possible: Candidate[]; rejected: Rejection[] } {
  const possible: Candidate[] = [];
  const rejected: Rejection[] = [];
  for (const [index, target] of plan.targets.entries()) {
    const why = rejectionOf(plan, target, index, progress, site, atMs, options, sky);
    if (typeof why === "string") {
      rejected.push({ index, name: target.name, reason: why });
      continue;
    }
    possible.push(why);
    if (firstOnly) break;
  }
  return { possible, rejected };
}

/** Why `target` is not possible at `atMs`, or its candidate entry when it is. */
function rejectionOf(
  plan: SchedulerPlan,
  target: SchedulerTarget,
  index: number,
  progress: Progress,
  site: SiteLatLon,
  atMs: number,
  options: ChooseOptions,
  sky: SkyCache,
): string | Candidate {
  const wanted = target.groups.reduce((sum, g) => sum + g.count, 0);
  if (framesLeft(target, progress[index]) === 0) return `all its ${wanted} frames are taken`;
  const skipped = options.skippedUntilMs?.get(index);
  if (skipped !== undefined && atMs < skipped) return `skipped until ${iso(skipped)}`;
  if (target.ra === undefined || target.dec === undefined) return "it has no coordinates";
  const c = effectiveConstraints(plan, target);
  const lookaheadMs = options.lookaheadMs ?? DEFAULT_LOOKAHEAD_MS;
  if (c.notBeforeMs !== null && atMs < c.notBeforeMs) {
    return `its time window opens at ${iso(c.notBeforeMs)}`;
  }
  if (c.notAfterMs !== null && atMs + lookaheadMs > c.notAfterMs) {
    return atMs >= c.notAfterMs
      ? `its time window closed at ${iso(c.notAfterMs)}`
      : `its time window closes at ${iso(c.notAfterMs)}, too soon for a block`;
  }
  const j2000 = { raHours: target.ra, decDeg: target.dec };
  let now: { altDeg: number; azDeg: number } | null = null;
  for (let dt = 0; dt <= lookaheadMs; dt += LOOKAHEAD_STEP_MS) {
    const t = atMs + dt;
    const darkness = darknessProblem(c, sky.sunAltDeg(t), dt);
    if (darkness) return darkness;
    const pos = targetHorizontal(j2000, t, site);
    now ??= pos;
    const limit = limitAltDeg(c.minAltitudeDeg, c.horizon, pos.azDeg);
    if (pos.altDeg < limit) return altitudeProblem(c, pos, limit, dt);
  }
  if (c.maxMoonIllumination !== undefined || c.minMoonSeparationDeg !== undefined) {
    const moonWhy = moonProblem(c, j2000, sky.moon(atMs), atMs);
    if (moonWhy) return moonWhy;
  }
  return {
    index,
    name: target.name,
    priority: target.priority,
    raHours: target.ra,
    decDeg: target.dec,
    altDeg: now!.altDeg,
    azDeg: now!.azDeg,
  };
}

function darknessProblem(c: Constraints, sunAltDeg: number, dtMs: number): string | null {
  if (c.darkness === "none") return null;
  const limit = TWILIGHT_ALT_DEG[c.darkness];
  if (sunAltDeg < limit) return null;
  return dtMs === 0
    ? `not ${c.darkness} dark: the Sun is at ${sunAltDeg.toFixed(1)}° (needs below ${limit}°)`
    : `${c.darkness} darkness ends within ${Math.round(dtMs / MINUTE_MS)} min`;
}

function altitudeProblem(
  c: Constraints,
  pos: { altDeg: number; azDeg: number },
  limitDeg: number,
  dtMs: number,
): string {
  const profile = c.horizon !== undefined && limitDeg > c.minAltitudeDeg;
  const what = profile
    ? `the horizon profile (${limitDeg.toFixed(1)}° at azimuth ${pos.azDeg.toFixed(0)}°)`
    : `the ${c.minAltitudeDeg}° altitude limit`;
  return dtMs === 0
    ? `at ${pos.altDeg.toFixed(1)}° (azimuth ${pos.azDeg.toFixed(0)}°), below ${what}`
    : `sinks below ${what} within ${Math.round(dtMs / MINUTE_MS)} min`;
}

function moonProblem(
  c: Constraints,
  j2000: { raHours: number; decDeg: number },
  moon: MoonState,
  atMs: number,
): string | null {
  // A Moon below the horizon brightens nothing.
  if (moon.altDeg <= 0) return null;
  if (c.maxMoonIllumination !== undefined && moon.illumination > c.maxMoonIllumination) {
    return `the Moon is up and ${(moon.illumination * 100).toFixed(0)}% lit (at most ${
      (c.maxMoonIllumination * 100).toFixed(0)
    }% allowed)`;
  }
  if (c.minMoonSeparationDeg !== undefined) {
    const sep = moonSeparationDeg(j2000, moon, atMs);
    if (sep < c.minMoonSeparationDeg) {
      return `${sep.toFixed(1)}° from the Moon (needs at least ${c.minMoonSeparationDeg}°)`;
    }
  }
  return null;
}

/** When the target's altitude limit or time window next stops it, refined to the minute. */
function usableUntilMs(
  plan: SchedulerPlan,
  index: number,
  site: SiteLatLon,
  atMs: number,
  searchMs: number,
): number {
  const target = plan.targets[index]!;
  const c = effectiveConstraints(plan, target);
  const j2000 = { raHours: target.ra!, decDeg: target.dec! };
  const ok = (t: number) => {
    if (c.notAfterMs !== null && t >= c.notAfterMs) return false;
    const pos = targetHorizontal(j2000, t, site);
    return pos.altDeg >= limitAltDeg(c.minAltitudeDeg, c.horizon, pos.azDeg);
  };
  const endMs = atMs + searchMs;
  let prev = atMs;
  for (let t = atMs + SCAN_STEP_MS; t <= endMs; t += SCAN_STEP_MS) {
    if (!ok(t)) return bisect(prev, t, ok);
    prev = t;
  }
  return endMs;
}

/** The first instant within the search at which some target is possible, or null. */
function nextPossibleMs(
  plan: SchedulerPlan,
  progress: Progress,
  site: SiteLatLon,
  atMs: number,
  options: ChooseOptions,
  sky: SkyCache,
): number | null {
  const any = (t: number) =>
    evaluate(plan, progress, site, t, options, sky, true).possible.length > 0;
  const endMs = atMs + (options.searchMs ?? DAY_MS);
  let prev = atMs;
  for (let t = atMs + SCAN_STEP_MS; t <= endMs; t += SCAN_STEP_MS) {
    if (any(t)) {
      // The first possible minute after the last impossible sample.
      let bad = prev;
      let good = t;
      while (good - bad > MINUTE_MS) {
        const mid = bad + Math.round((good - bad) / 2 / 1000) * 1000;
        if (any(mid)) good = mid;
        else bad = mid;
      }
      return good;
    }
    prev = t;
  }
  return null;
}

/** Last instant (to the minute) where `ok` held, between a true `goodMs` and a false `badMs`. */
function bisect(goodMs: number, badMs: number, ok: (t: number) => boolean): number {
  let good = goodMs;
  let bad = badMs;
  while (bad - good > MINUTE_MS) {
    const mid = good + Math.round((bad - good) / 2 / 1000) * 1000;
    if (ok(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
