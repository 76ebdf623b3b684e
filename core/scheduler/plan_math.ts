/**
 * Plan arithmetic shared by the chooser and the runner: the constraints that apply to a target
 * (its own over the plan's), the frames it still needs per group, and the sequence one block of
 * it runs — the remaining frames, stopped by the block's end, the altitude limit and dawn.
 */
import type {
  DarknessRequirement,
  HorizonPoint,
  SchedulerPlan,
  SchedulerTarget,
} from "../schemas/scheduler.ts";
import type { Sequence } from "../schemas/sequence.ts";
import type { SiteLatLon } from "../../lib/astro/sun.ts";
import { darknessEndMs } from "./sky.ts";

/** Frames done per target, per group (the plan's order). */
export type Progress = readonly (readonly number[] | undefined)[];

export interface Constraints {
  minAltitudeDeg: number;
  horizon: readonly HorizonPoint[] | undefined;
  minMoonSeparationDeg: number | undefined;
  maxMoonIllumination: number | undefined;
  notBeforeMs: number | null;
  notAfterMs: number | null;
  darkness: DarknessRequirement;
}

export function effectiveConstraints(plan: SchedulerPlan, target: SchedulerTarget): Constraints {
  const c = { ...plan.constraints, ...dropUndefined(target.constraints) };
  return {
    minAltitudeDeg: c.min_altitude_deg ?? 30,
    horizon: c.horizon,
    minMoonSeparationDeg: c.min_moon_separation_deg,
    maxMoonIllumination: c.max_moon_illumination,
    notBeforeMs: c.not_before === undefined ? null : Date.parse(c.not_before),
    notAfterMs: c.not_after === undefined ? null : Date.parse(c.not_after),
    darkness: c.require_darkness ?? "astronomical",
  };
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<
    T
  >;
}

/** Frames each group still needs. */
export function leftPerGroup(target: SchedulerTarget, done: readonly number[] | undefined) {
  return target.groups.map((g, k) => Math.max(0, g.count - (done?.[k] ?? 0)));
}

export function framesLeft(target: SchedulerTarget, done: readonly number[] | undefined): number {
  return leftPerGroup(target, done).reduce((sum, n) => sum + n, 0);
}

export function allDone(plan: SchedulerPlan, progress: Progress): boolean {
  return plan.targets.every((t, i) => framesLeft(t, progress[i]) === 0);
}

/**
 * The sequence of one block: the target's unfinished groups with their remaining counts, and
 * `groupIndexes[k]` = the plan group of the block's group k (to count its frames back).
 */
export function blockSequence(
  plan: SchedulerPlan & { id: string },
  index: number,
  done: readonly number[] | undefined,
  untilMs: number,
  guiding: boolean,
): { sequence: Sequence; groupIndexes: number[] } {
  const target = plan.targets[index]!;
  const c = effectiveConstraints(plan, target);
  const left = leftPerGroup(target, done);
  const groupIndexes = left.flatMap((n, k) => n > 0 ? [k] : []);
  const options = structuredClone(plan.sequence_options);
  if (guiding) options.guiding.enabled = true;
  const sequence: Sequence = {
    name: `${plan.name}: ${target.name}`.slice(0, 80),
    targets: [{
      name: target.name,
      ra: target.ra,
      dec: target.dec,
      ...(target.rotation_deg === undefined ? {} : { rotation_deg: target.rotation_deg }),
      groups: groupIndexes.map((k) => ({ ...target.groups[k]!, count: left[k]! })),
      loop: {
        repeat: 1,
        until_time: new Date(untilMs).toISOString(),
        until_altitude_deg: Math.max(-10, c.minAltitudeDeg),
        ...(c.darkness === "none" ? {} : { while_dark: c.darkness }),
      },
    }],
    options: { ...options, cool_down: null, warm_up: null, park_at_end: false },
  };
  return { sequence, groupIndexes };
}

/**
 * When the night of this plan ends: dawn for the least strict darkness any unfinished target
 * needs, or null when one needs none (it can be imaged any time).
 */
export function nightEndMs(
  plan: SchedulerPlan,
  progress: Progress,
  site: SiteLatLon,
  nowMs: number,
): number | null {
  const needs = plan.targets.filter((t, i) => framesLeft(t, progress[i]) > 0)
    .map((t) => effectiveConstraints(plan, t).darkness);
  if (needs.includes("none") || needs.length === 0) return null;
  return darknessEndMs(nowMs, site, needs.includes("nautical") ? "nautical" : "astronomical");
}
