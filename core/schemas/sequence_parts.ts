/**
 * The field shapes a sequence is made of, each written once: a sequence's options and groups
 * (sequence.ts) and the instruction kinds (core/sequencer/instructions/) are composed from them,
 * so a dither says the same thing with the same limits wherever it is asked for. Kept apart from
 * sequence.ts because that file builds the instruction list from the kinds, and the kinds build
 * their parameters from here.
 */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";
import { FrameTypeSchema, MAX_EXPOSURE_S } from "./camera.ts";
import { RampRate } from "./cooler.ts";

export const FilterName = z.string().min(1).max(40);

/** One run of exposures; the filter is chosen apart (a group's `filter`, or `switch_filter`). */
export const EXPOSURE_FIELDS = {
  exposure_s: z.number().min(0).max(MAX_EXPOSURE_S).describe("seconds"),
  count: z.number().int().min(1, "must be at least 1 frame").max(10_000),
  gain: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  binning: z.number().int().min(1).max(4).default(1),
  frame_type: FrameTypeSchema.default("light"),
};

export const TARGET_FIELDS = {
  name: z.string().min(1).max(80),
  ra: raHours.optional().describe("J2000 hours; optional when the name resolves in the catalog"),
  dec: decDeg.optional().describe("J2000 degrees; optional when the name resolves"),
};

/** When a target (or a block) must stop: checked before every instruction and every frame. */
export const STOP_CONDITION_FIELDS = {
  until_time: z.iso.datetime({ offset: true }).optional()
    .describe("no frame starts after this instant (ISO 8601)"),
  until_altitude_deg: z.number().min(-10).max(90).optional()
    .describe("stop when the target sinks below this altitude (needs the profile's site)"),
  while_dark: z.enum(["nautical", "astronomical"]).optional()
    .describe("only while the sun is below −12° (nautical) or −18° (astronomical)"),
};

export const SettleSchema = z.object({
  pixels: z.number().positive().max(20).default(1.5),
  time_s: z.number().min(0).max(300).default(10),
  timeout_s: z.number().positive().max(600).default(60),
});

export const DITHER_FIELDS = {
  every_frames: z.number().int().min(1),
  pixels: z.number().positive().max(50).default(5),
  settle: SettleSchema.prefault({}),
};

export const AUTOFOCUS_TRIGGER_FIELDS = {
  at_start: z.boolean().default(false),
  on_filter_change: z.boolean().default(false),
  every_frames: z.number().int().min(1).nullable().default(null),
  every_minutes: z.number().positive().nullable().default(null),
  temperature_change_c: z.number().positive().nullable().default(null),
  hfr_rise_pct: z.number().positive().nullable().default(null),
};

export const MERIDIAN_FLIP_FIELDS = {
  minutes_after: z.number().min(0).max(60).default(2)
    .describe("extra wait past the mount's flip limit before flipping"),
  recenter: z.boolean().default(true),
  resume_guiding: z.boolean().default(true),
  settle_s: z.number().min(0).max(600).default(10),
};

export const COOL_DOWN_FIELDS = {
  target_c: z.number().min(-50).max(30),
  timeout_s: z.number().positive().max(3600).default(600),
  ramp_c_per_min: RampRate.optional()
    .describe("move the set point this fast instead of at once (the box's cooler ramp)"),
};

export const WARM_UP_FIELDS = {
  target_c: z.number().min(-20).max(40).default(15),
  timeout_s: z.number().positive().max(3600).default(600),
  ramp_c_per_min: RampRate.optional()
    .describe("warm the set point this fast before switching the cooler off"),
};
