/** API shapes of the focuser group. */
import { z } from "zod";
import type { FocuserCapabilities, FocuserStatus } from "../../devices/focuser.ts";

export const FocuserStatusDto = z.object({
  connected: z.boolean(),
  position: z.number().describe("steps"),
  target_position: z.number(),
  moving: z.boolean(),
  temperature_c: z.number().nullable(),
  max_position: z.number(),
  max_increment: z.number(),
  step_size_um: z.number().nullable(),
});
export type FocuserStatusDto = z.infer<typeof FocuserStatusDto>;

export const FocuserMoveBody = z.object({ position: z.number().int().min(0) });
export const FocuserMoveRelBody = z.object({
  steps: z.number().int().describe("positive = out, negative = in"),
});

/** Tuning of the V-curve run; every field has a sensible default so the body may be omitted. */
export const AutofocusBody = z.object({
  step_size: z.number().int().positive().max(10_000).optional().describe("steps between samples"),
  steps_per_side: z.number().int().min(2).max(20).optional().describe("samples each side"),
  exposure_s: z.number().min(0).max(60).optional(),
  binning: z.number().int().min(1).max(4).optional().describe("default 2"),
  frames_per_point: z.number().int().min(1).max(10).optional()
    .describe("frames per point, median HFR (more for a noisy sky)"),
  min_stars: z.number().int().min(1).max(1000).optional().describe("default 5"),
  min_r_squared: z.number().min(0).max(1).optional().describe("fit quality floor, default 0.8"),
  backlash_steps: z.number().int().min(0).max(10_000).optional()
    .describe("overshoot of a move against the approach direction"),
  approach: z.enum(["out", "in"]).optional().describe("direction every position is reached in"),
  filter: z.string().min(1).optional().describe("filter to focus through"),
  temperature_compensation: z.boolean().optional()
    .describe("after this run, follow the temperature with the learned coefficient"),
}).strict();
export type AutofocusBody = z.infer<typeof AutofocusBody>;

export const AutofocusStartedDto = z.object({
  accepted: z.literal(true),
  run_id: z.string().describe("GET /focuser/autofocus reports on it; events carry it"),
});

export const AutofocusPointDto = z.object({
  run_id: z.string(),
  index: z.number().int(),
  position: z.number().int().describe("steps"),
  hfr_px: z.number().nullable().describe("median HFR; null when skipped"),
  stars: z.number().int(),
  frames: z.number().int(),
  skipped_reason: z.string().nullable(),
});
export type AutofocusPointDto = z.infer<typeof AutofocusPointDto>;

export const AutofocusFitDto = z.object({
  model: z.enum(["hyperbola", "parabola"]),
  best_position: z.number().describe("steps"),
  min_hfr_px: z.number(),
  r_squared: z.number(),
});

export const AutofocusResultDto = z.object({
  run_id: z.string(),
  best_position: z.number().int().describe("steps, where the focuser was left"),
  hfr_px: z.number().nullable().describe("verification frame's median HFR"),
  start_position: z.number().int(),
  start_hfr_px: z.number().nullable(),
  fit: AutofocusFitDto,
  temperature_c: z.number().nullable(),
  exposures: z.number().int(),
  duration_s: z.number(),
});

export const AutofocusFailedDto = z.object({
  run_id: z.string(),
  reason: z.string(),
  restored_position: z.number().int().describe("steps, where the focuser was left"),
  fit: AutofocusFitDto.nullable(),
  exposures: z.number().int(),
});

export const AutofocusStatusDto = z.object({
  run_id: z.string().nullable(),
  state: z.enum(["idle", "running", "completed", "failed"]),
  started_at: z.string().nullable(),
  points: z.array(AutofocusPointDto),
  fit: AutofocusFitDto.nullable(),
  result: AutofocusResultDto.nullable(),
  reason: z.string().nullable(),
  temperature_compensation: z.object({
    enabled: z.boolean(),
    steps_per_c: z.number().nullable().describe("learned from past runs; null until known"),
    runs: z.number().int().describe("successful runs the coefficient rests on"),
    span_c: z.number().describe("temperature range those runs cover"),
    corrections: z.number().int().describe("moves since the last autofocus"),
  }),
});
export type AutofocusStatusDto = z.infer<typeof AutofocusStatusDto>;

export function toFocuserStatusDto(c: FocuserCapabilities, s: FocuserStatus): FocuserStatusDto {
  return {
    connected: s.connected,
    position: s.position,
    target_position: s.targetPosition,
    moving: s.moving,
    temperature_c: s.temperatureC,
    max_position: c.maxPosition,
    max_increment: c.maxIncrement,
    step_size_um: c.stepSizeUm,
  };
}
