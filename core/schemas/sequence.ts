/**
 * API shapes of the sequencer and templates groups. A sequence is one or more targets, each with
 * exposure groups and a loop condition, plus options that apply to the whole run (dither,
 * autofocus triggers, meridian flip, centring, cooling, parking) — or, instead, an explicit list
 * of instructions (core/sequencer/instructions/), which is what targets and options compile to.
 * These zod schemas are the one source of the request validation, the OpenAPI document and the
 * engine's TypeScript types; their fields are shared with the instruction kinds
 * (sequence_parts.ts).
 */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";
import {
  AUTOFOCUS_TRIGGER_FIELDS,
  COOL_DOWN_FIELDS,
  DITHER_FIELDS,
  EXPOSURE_FIELDS,
  FilterName,
  MERIDIAN_FLIP_FIELDS,
  SettleSchema,
  STOP_CONDITION_FIELDS,
  TARGET_FIELDS,
  WARM_UP_FIELDS,
} from "./sequence_parts.ts";
import type { Instruction } from "../sequencer/instructions/kind.ts";
import { instructionRegistry } from "../sequencer/instructions/registry.ts";

export { SettleSchema };

export const ExposureGroup = z.object({
  filter: FilterName.nullable().default(null)
    .describe("filter name as the wheel knows it; null leaves the wheel where it is"),
  ...EXPOSURE_FIELDS,
});
export type ExposureGroup = z.infer<typeof ExposureGroup>;

export const LoopCondition = z.object({
  repeat: z.number().int().min(1, "must be at least 1").max(1000).default(1)
    .describe("how many times the groups run, in order"),
  ...STOP_CONDITION_FIELDS,
});
export type LoopCondition = z.infer<typeof LoopCondition>;

export const SequenceTarget = z.object({
  ...TARGET_FIELDS,
  rotation_deg: z.number().min(0).lt(360).optional().describe("sky position angle"),
  groups: z.array(ExposureGroup).min(1, "needs at least one exposure group").max(50),
  loop: LoopCondition.prefault({}),
});
export type SequenceTarget = z.infer<typeof SequenceTarget>;

export const SequenceOptions = z.object({
  dither: z.object(DITHER_FIELDS).nullable().default(null),
  autofocus: z.object(AUTOFOCUS_TRIGGER_FIELDS).prefault({}),
  meridian_flip: z.object({
    enabled: z.boolean().default(true),
    ...MERIDIAN_FLIP_FIELDS,
  }).prefault({}),
  slew: z.boolean().default(true).describe("slew to each target (unparking if needed)"),
  center_on_target: z.boolean().default(false).describe("plate-solve and centre (needs a solver)"),
  guiding: z.object({
    enabled: z.boolean().default(false),
    settle: SettleSchema.prefault({}),
  }).prefault({}),
  cool_down: z.object(COOL_DOWN_FIELDS).nullable().default(null),
  warm_up: z.object(WARM_UP_FIELDS).nullable().default(null),
  park_at_end: z.boolean().default(false),
});
export type SequenceOptions = z.infer<typeof SequenceOptions>;

/** The sequence schema over a registry's instruction list (the box's, or a test's). */
export function sequenceSchema(instructions: z.ZodType<Instruction[]>) {
  return z.object({
    name: z.string().min(1).max(80),
    targets: z.array(SequenceTarget).max(100).default([])
      .describe("at least one, unless `instructions` is given"),
    options: SequenceOptions.prefault({}),
    instructions: instructions.optional().describe(
      "the plan as explicit instructions, instead of targets and options (which compile to " +
        "such a list: options first, a `target` block per target, the end-of-night steps last)",
    ),
  });
}

export const Sequence = sequenceSchema(instructionRegistry.list);
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

/** Where a run is in its instruction list (core/sequencer/program.ts). */
export const Cursor = z.object({
  at: z.array(z.number().int().min(0)).describe("the instruction's index at each depth"),
  rounds: z.array(z.number().int().min(0)).describe("the repetition of each block on the way"),
  done: z.number().int().min(0).describe("frames of that instruction already taken"),
});
export type Cursor = z.infer<typeof Cursor>;

export const Checkpoint = z.object({
  next: PlanPosition.nullable().describe("null when every planned frame is done"),
  /** Absent in checkpoints written before instructions: `next` says where they are. */
  cursor: Cursor.nullable().optional(),
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
  cursor: Cursor.nullable().describe("where in the instruction list; null when finished"),
  done_per_group: z.array(z.array(z.number())),
});
export type CheckpointDto = z.infer<typeof CheckpointDto>;

export { SEQUENCER_STATES, SequencerStatusDto } from "./sequencer_status.ts";

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
