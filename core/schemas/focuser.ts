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
  step_size: z.number().int().positive().optional().describe("steps between samples"),
  steps_per_side: z.number().int().min(2).max(20).optional().describe("samples each side"),
  exposure_s: z.number().positive().max(60).optional(),
  filter: z.string().min(1).optional().describe("filter to focus through"),
});

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
