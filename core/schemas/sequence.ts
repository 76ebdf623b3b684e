/**
 * API shapes of the sequencer and templates groups. A sequence is one or more targets, each with
 * exposure groups and a loop condition, plus options that apply to the whole run (dither,
 * autofocus triggers, meridian flip, centring, cooling, parking). These zod schemas are the one
 * source of the request validation, the OpenAPI document and the engine's TypeScript types.
 */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";
import { FrameTypeSchema, MAX_EXPOSURE_S } from "./camera.ts";

export const ExposureGroup = z.object({
  filter: z.string().min(1).max(40).nullable().default(null)
    .describe("filter name as the wheel knows it; null leaves the wheel where it is"),
  exposure_s: z.number().min(0).max(MAX_EXPOSURE_S).describe("seconds"),
  count: z.number().int().min(1, "must be at least 1 frame").max(10_000),
  gain: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  binning: z.number().int().min(1).max(4).default(1),
  frame_type: FrameTypeSchema.default("light"),
});
export type ExposureGroup = z.infer<typeof ExposureGroup>;

export const LoopCondition = z.object({
  repeat: z.number().int().min(1, "must be at least 1").max(1000).default(1)
    .describe("how many times the groups run, in order"),
  until_time: z.iso.datetime({ offset: true }).optional()
    .describe("no frame starts after this instant (ISO 8601)"),
  until_altitude_deg: z.number().min(-10).max(90).optional()
    .describe("stop when the target sinks below this altitude (needs the profile's site)"),
  while_dark: z.enum(["nautical", "astronomical"]).optional()
    .describe("only while the sun is below −12° (nautical) or −18° (astronomical)"),
});
export type LoopCondition = z.infer<typeof LoopCondition>;

export const SequenceTarget = z.object({
  name: z.string().min(1).max(80),
  ra: raHours.optional().describe("J2000 hours; optional when the name resolves in the catalog"),
  dec: decDeg.optional().describe("J2000 degrees; optional when the name resolves"),
  rotation_deg: z.number().min(0).lt(360).optional().describe("sky position angle"),
  groups: z.array(ExposureGroup).min(1, "needs at least one exposure group").max(50),
  loop: LoopCondition.prefault({}),
});
export type SequenceTarget = z.infer<typeof SequenceTarget>;

export const SettleSchema = z.object({
  pixels: z.number().positive().max(20).default(1.5),
  time_s: z.number().min(0).max(300).default(10),
  timeout_s: z.number().positive().max(600).default(60),
});

export const SequenceOptions = z.object({
  dither: z.object({
    every_frames: z.number().int().min(1),
    pixels: z.number().positive().max(50).default(5),
    settle: SettleSchema.prefault({}),
  }).nullable().default(null),
  autofocus: z.object({
    at_start: z.boolean().default(false),
    on_filter_change: z.boolean().default(false),
    every_frames: z.number().int().min(1).nullable().default(null),
    every_minutes: z.number().positive().nullable().default(null),
    temperature_change_c: z.number().positive().nullable().default(null),
    hfr_rise_pct: z.number().positive().nullable().default(null),
  }).prefault({}),
  meridian_flip: z.object({
    enabled: z.boolean().default(true),
    minutes_after: z.number().min(0).max(60).default(2)
      .describe("extra wait past the mount's flip limit before flipping"),
    recenter: z.boolean().default(true),
    resume_guiding: z.boolean().default(true),
    settle_s: z.number().min(0).max(600).default(10),
  }).prefault({}),
  slew: z.boolean().default(true).describe("slew to each target (unparking if needed)"),
  center_on_target: z.boolean().default(false).describe("plate-solve and centre (needs a solver)"),
  guiding: z.object({
    enabled: z.boolean().default(false),
    settle: SettleSchema.prefault({}),
  }).prefault({}),
  cool_down: z.object({
    target_c: z.number().min(-50).max(30),
    timeout_s: z.number().positive().max(3600).default(600),
  }).nullable().default(null),
  warm_up: z.object({
    target_c: z.number().min(-20).max(40).default(15),
    timeout_s: z.number().positive().max(3600).default(600),
  }).nullable().default(null),
  park_at_end: z.boolean().default(false),
});
export type SequenceOptions = z.infer<typeof SequenceOptions>;

export const Sequence = z.object({
  name: z.string().min(1).max(80),
  targets: z.array(SequenceTarget).min(1, "needs at least one target").max(100),
  options: SequenceOptions.prefault({}),
});
export type Sequence = z.infer<typeof Sequence>;
/** What a client sends (defaults not yet applied). */
export type SequenceInput = z.input<typeof Sequence>;

export const SequenceDto = Sequence.extend({
  id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SequenceDto = z.infer<typeof SequenceDto>;

export const SequenceList = z.object({ sequences: z.array(SequenceDto) });

export const IdParam = z.object({ id: z.string().min(1).max(100) });

export const StartBody = z.object({
  sequence_id: z.string().min(1),
  resume: z.boolean().optional().describe("continue the interrupted run from its checkpoint"),
});

/** Where a run stands: the next planned frame, counted by target → repetition → group → frame. */
export const PlanPosition = z.object({
  target_index: z.number().int().min(0),
  loop_index: z.number().int().min(0),
  group_index: z.number().int().min(0),
  frame_index: z.number().int().min(0),
});
export type PlanPosition = z.infer<typeof PlanPosition>;

export const Checkpoint = z.object({
  next: PlanPosition.nullable().describe("null when every planned frame is done"),
  frames_done: z.number().int().min(0),
  /** Frames done per target and group, over all repetitions. */
  done_per_group: z.array(z.array(z.number().int().min(0))),
  /** Wall-clock ms of the commit: file times are wall-clock, the run's clock may not be. */
  wall_ms: z.number(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const RUN_STATES = [
  "running",
  "paused",
  "interrupted",
  "completed",
  "aborted",
  "failed",
  "abandoned",
] as const;
export type RunState = typeof RUN_STATES[number];

export const CheckpointDto = z.object({
  run_id: z.string(),
  sequence_id: z.string(),
  sequence_name: z.string(),
  state: z.enum(RUN_STATES),
  started_at: z.string(),
  updated_at: z.string(),
  frames_done: z.number(),
  frames_planned: z.number(),
  next: PlanPosition.nullable(),
  done_per_group: z.array(z.array(z.number())),
});
export type CheckpointDto = z.infer<typeof CheckpointDto>;

export const SEQUENCER_STATES = [
  "idle",
  "running",
  "paused",
  "completed",
  "aborted",
  /** Stopped with its checkpoint kept (shutdown, unsafe weather): resumable. */
  "interrupted",
  "failed",
] as const;

export const SequencerStatusDto = z.object({
  state: z.enum(SEQUENCER_STATES),
  run_id: z.string().nullable(),
  sequence_id: z.string().nullable(),
  sequence_name: z.string().nullable(),
  step: z.object({
    index: z.number().describe("0-based step (target × repetition × group)"),
    description: z.string(),
    target: z.string().nullable(),
    filter: z.string().nullable(),
  }).nullable(),
  frame: z.object({ n: z.number().describe("frames done"), of: z.number() }),
  elapsed_s: z.number(),
  eta_s: z.number().nullable().describe("seconds left by the plan with measured overheads"),
  paused_reason: z.string().nullable(),
  message: z.string().nullable(),
});
export type SequencerStatusDto = z.infer<typeof SequencerStatusDto>;

/** A template: a sequence's plan without its target, ready for another object. */
export const TemplateContent = z.object({
  groups: z.array(ExposureGroup).min(1).max(50),
  loop: LoopCondition.prefault({}),
  rotation_deg: z.number().min(0).lt(360).optional(),
  options: SequenceOptions.prefault({}),
});

export const TemplateBody = z.object({
  name: z.string().min(1).max(80),
  sequence_id: z.string().min(1).optional().describe("save this stored sequence's first target"),
  template: TemplateContent.optional().describe("or give the plan directly"),
}).refine((b) => (b.sequence_id === undefined) !== (b.template === undefined), {
  message: "give exactly one of sequence_id and template",
  path: ["sequence_id"],
});

export const TemplateDto = TemplateContent.extend({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
});
export type TemplateDto = z.infer<typeof TemplateDto>;

export const TemplateList = z.object({ templates: z.array(TemplateDto) });

export const InstantiateBody = z.object({
  target: z.object({
    name: z.string().min(1).max(80),
    ra: raHours.optional(),
    dec: decDeg.optional(),
  }),
  name: z.string().min(1).max(80).optional().describe("the new sequence's name"),
});
