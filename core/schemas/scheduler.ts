/**
 * API shapes of the scheduler group. A plan is a list of targets, each with exposure groups (the
 * frames wanted), a priority and observing constraints — minimum altitude with an optional
 * horizon profile, the Moon's separation and phase, a time window, the darkness required — plus
 * the startup and shutdown procedures of the night, the block length after which the choice is
 * re-evaluated, and the sequence options each block runs with. Constraints given on the plan are
 * the defaults of every target; a target's own constraints override them key by key.
 */
import { z } from "zod";
import { RampRate } from "./cooler.ts";
import { decDeg, raHours } from "./common.ts";
import { ExposureGroup, SequenceOptions } from "./sequence.ts";

export const HorizonPoint = z.object({
  az_deg: z.number().min(0).max(360).describe("azimuth, degrees from north through east"),
  alt_deg: z.number().min(-10).max(90).describe("the obstruction's altitude there, degrees"),
});
export type HorizonPoint = z.infer<typeof HorizonPoint>;

export const DARKNESS_REQUIREMENTS = ["astronomical", "nautical", "none"] as const;
export type DarknessRequirement = typeof DARKNESS_REQUIREMENTS[number];

const constraintFields = {
  min_altitude_deg: z.number().min(-10).max(90)
    .describe("lowest altitude to image at, degrees (default 30)"),
  horizon: z.array(HorizonPoint).min(1).max(360)
    .describe("local horizon profile, interpolated linearly in azimuth (wrapping at 360°)"),
  min_moon_separation_deg: z.number().min(0).max(180)
    .describe("keep at least this far from the Moon while it is up, degrees"),
  max_moon_illumination: z.number().min(0).max(1)
    .describe("only while the Moon is down or at most this fraction lit (0..1)"),
  not_before: z.iso.datetime({ offset: true }).describe("start no block before (ISO 8601)"),
  not_after: z.iso.datetime({ offset: true }).describe("image nothing after (ISO 8601)"),
  require_darkness: z.enum(DARKNESS_REQUIREMENTS)
    .describe("Sun below −18° (astronomical, default), −12° (nautical), or any time (none)"),
};

/** Plan-level constraints: the defaults every target inherits. */
export const PlanConstraints = z.object({
  ...constraintFields,
  min_altitude_deg: constraintFields.min_altitude_deg.default(30),
  require_darkness: constraintFields.require_darkness.default("astronomical"),
}).partial({
  horizon: true,
  min_moon_separation_deg: true,
  max_moon_illumination: true,
  not_before: true,
  not_after: true,
});
export type PlanConstraints = z.infer<typeof PlanConstraints>;

/** A target's overrides; absent keys come from the plan. */
export const TargetConstraints = z.object(constraintFields).partial();
export type TargetConstraints = z.infer<typeof TargetConstraints>;

export const SchedulerTarget = z.object({
  name: z.string().min(1).max(80).describe("a catalog designation may stand for ra/dec"),
  ra: raHours.optional().describe("J2000 hours; filled from the catalog at creation if absent"),
  dec: decDeg.optional().describe("J2000 degrees"),
  rotation_deg: z.number().min(0).lt(360).optional()
    .describe("sky position angle the rotator turns to before each block (a mosaic panel's)"),
  priority: z.number().int().min(1).max(10).default(5).describe("1 is the highest"),
  groups: z.array(ExposureGroup).min(1, "needs at least one exposure group").max(50)
    .describe("exposure groups; `count` is the number of frames wanted"),
  constraints: TargetConstraints.default({}),
});
export type SchedulerTarget = z.infer<typeof SchedulerTarget>;

export const StartupProcedure = z.object({
  unpark: z.boolean().default(true),
  cool_to_c: z.number().min(-50).max(30).nullable().default(null),
  cool_timeout_s: z.number().positive().max(3600).default(600),
  cool_ramp_c_per_min: RampRate.nullable().default(null)
    .describe("ramp the set point at this rate; null: set it at once"),
  open_dome: z.boolean().default(true).describe("when the profile has a dome"),
  start_guiding: z.boolean().default(false)
    .describe("guide every block (guiding starts after each slew)"),
});

export const ShutdownProcedure = z.object({
  stop_guiding: z.boolean().default(true),
  park: z.boolean().default(true),
  close_dome: z.boolean().default(true),
  warm_to_c: z.number().min(-20).max(40).nullable().default(null)
    .describe("warm the camera to this temperature, then switch the cooler off"),
  warm_timeout_s: z.number().positive().max(3600).default(600),
  warm_ramp_c_per_min: RampRate.nullable().default(null)
    .describe("warm the set point at this rate before switching off; null: at once"),
});

/** Sequence options of each block; cooling, warming and parking belong to startup/shutdown. */
export const BlockOptions = SequenceOptions.omit({
  cool_down: true,
  warm_up: true,
  park_at_end: true,
});

export const SchedulerPlan = z.object({
  name: z.string().min(1).max(80),
  targets: z.array(SchedulerTarget).min(1, "needs at least one target").max(100),
  constraints: PlanConstraints.prefault({}),
  startup: StartupProcedure.prefault({}),
  shutdown: ShutdownProcedure.prefault({}),
  block_minutes: z.number().min(1).max(600).default(30)
    .describe("re-evaluate the choice of target after this long"),
  skip_minutes: z.number().min(0).max(1440).default(30)
    .describe("a skipped target is not chosen again for this long"),
  sequence_options: BlockOptions.prefault({}),
});
export type SchedulerPlan = z.infer<typeof SchedulerPlan>;
export type SchedulerPlanInput = z.input<typeof SchedulerPlan>;

export const SchedulerPlanDto = SchedulerPlan.extend({
  id: z.string(),
  created_at: z.string(),
});
export type SchedulerPlanDto = z.infer<typeof SchedulerPlanDto>;

export const SchedulerPlanList = z.object({ plans: z.array(SchedulerPlanDto) });

export const SchedulerStartBody = z.object({ plan_id: z.string().min(1) });

export const SCHEDULER_STATES = [
  "idle",
  "starting",
  "running",
  "waiting",
  "paused",
  "shutting_down",
  "completed",
  "aborted",
] as const;
export type SchedulerState = typeof SCHEDULER_STATES[number];

export const TargetProgress = z.object({
  index: z.number(),
  name: z.string(),
  priority: z.number(),
  done: z.number(),
  wanted: z.number(),
  groups: z.array(z.object({
    filter: z.string().nullable(),
    exposure_s: z.number(),
    done: z.number(),
    wanted: z.number(),
  })),
});

export const SchedulerStatusDto = z.object({
  state: z.enum(SCHEDULER_STATES),
  plan_id: z.string().nullable(),
  plan_name: z.string().nullable(),
  current: z.object({
    index: z.number(),
    name: z.string(),
    reason: z.string().describe("why it was chosen"),
    started_at: z.string(),
  }).nullable(),
  /** Why the other targets were not chosen at the last evaluation. */
  rejected: z.array(z.object({ name: z.string(), reason: z.string() })),
  progress: z.array(TargetProgress),
  next_evaluation_at: z.string().nullable(),
  message: z.string().nullable(),
  last_error: z.string().nullable(),
});
export type SchedulerStatusDto = z.infer<typeof SchedulerStatusDto>;
