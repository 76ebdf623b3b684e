/** API shape of a cooler ramp (core/cooler/cooler_service.ts), shown in the camera's status. */
import { z } from "zod";

/** Faster than this is no ramp; slower would take most of a night. */
export const MAX_RAMP_C_PER_MIN = 30;
export const MIN_RAMP_C_PER_MIN = 0.1;

/** The rate field wherever a cooler can be ramped (the API, cool_down, warm_up, a plan). */
export const RampRate = z.number().min(MIN_RAMP_C_PER_MIN).max(MAX_RAMP_C_PER_MIN)
  .describe("°C per minute the box moves the cooler's set point at");

export const CoolerRampDto = z.object({
  state: z.enum(["ramping", "settling"]).describe(
    "ramping: the set point is moving; settling: it has arrived and a warm-up waits for the " +
      "sensor to follow before switching the cooler off",
  ),
  direction: z.enum(["cooling", "warming"]),
  goal_c: z.number().describe("where the ramp ends"),
  setpoint_c: z.number().describe("the camera's set point now"),
  rate_c_per_min: z.number(),
  then_off: z.boolean().describe("a warm-up: the cooler is switched off at the end"),
  started_at: z.string().describe("ISO 8601 UTC"),
  eta_s: z.number().describe("seconds until the set point reaches the goal"),
});
export type CoolerRampDto = z.infer<typeof CoolerRampDto>;
