/** API shapes of the polar-alignment group. */
import { z } from "zod";

export const PolarStartBody = z.object({
  rotation_deg: z.number().min(5).max(90).default(30)
    .describe("RA-axis turn between the three frames, degrees"),
  exposure_s: z.number().gt(0).max(600).default(2).describe("exposure of each frame, seconds"),
  direction: z.enum(["east", "west"]).optional().describe(
    "which way the RA axis turns between frames; default: away from the meridian, so a German " +
      "mount does not flip",
  ),
});
export type PolarStartBody = z.infer<typeof PolarStartBody>;

export const PolarErrorDto = z.object({
  alt_error_arcmin: z.number().describe("axis altitude minus the pole's: + means too high"),
  az_error_arcmin: z.number().describe("axis azimuth minus the pole's (north through east)"),
  total_error_arcmin: z.number(),
  alt_direction: z.enum(["up", "down"]),
  az_direction: z.enum(["left", "right"]),
});
export type PolarErrorDto = z.infer<typeof PolarErrorDto>;

export const POLAR_PHASES = ["idle", "measuring", "adjusting", "stopped", "failed"] as const;

export const PolarStatusDto = z.object({
  phase: z.enum(POLAR_PHASES)
    .describe("measuring: taking the three frames; adjusting: turn the knobs, errors update"),
  rotation_deg: z.number().nullable(),
  exposure_s: z.number().nullable(),
  direction: z.enum(["east", "west"]).nullable(),
  points: z.array(z.object({
    ra: z.number().describe("solved J2000 RA, hours"),
    dec: z.number(),
    frame_path: z.string().describe("relative to the data directory"),
    taken_at: z.string(),
  })).describe("the three measuring frames' solutions"),
  initial_error: PolarErrorDto.nullable().describe("the error from the three frames"),
  error: PolarErrorDto.nullable().describe("the latest remaining error"),
  updates: z.number().int().describe("solves since the three frames"),
  message: z.string().nullable().describe("why the run failed, or the last solve that did not"),
});
export type PolarStatusDto = z.infer<typeof PolarStatusDto>;
