/**
 * API shapes of centring on a target (`/mount/center`): the request, one attempt's result (also
 * the `mount.centering` event), the final result (`mount.centered`) and the run's status. Angles
 * on the sky are arcseconds; coordinates are J2000, RA in hours and Dec in degrees, as everywhere
 * in the API.
 */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";

export const CenterBody = z.object({
  ra: raHours.optional(),
  dec: decDeg.optional(),
  target: z.string().trim().min(1).max(80).optional()
    .describe("a catalog name (M 42, NGC 7000 …), resolved when ra/dec are not given"),
  tolerance_arcsec: z.number().gt(0).max(3600).default(30)
    .describe("done when the solved centre is this close to the target, arcseconds"),
  max_attempts: z.number().int().min(1).max(20).default(5)
    .describe("goto → expose → solve rounds before giving up"),
  exposure_s: z.number().gt(0).max(600).default(5).describe("exposure of each frame, seconds"),
  binning: z.number().int().min(1).max(4).default(2),
  gain: z.number().int().min(0).optional().describe("default: the box's camera default"),
  settle_s: z.number().min(0).max(300).default(2)
    .describe("wait after each slew before exposing, seconds"),
}).refine((b) => (b.ra === undefined) === (b.dec === undefined), {
  message: "give both ra and dec, or neither",
  path: ["dec"],
}).refine((b) => b.ra !== undefined || b.target !== undefined, {
  message: "give ra and dec, or a target name",
  path: ["ra"],
});
export type CenterBody = z.infer<typeof CenterBody>;
/** The options of one run once the target is known (the sequencer passes these). */
export type CenterOptions = Omit<CenterBody, "ra" | "dec" | "target">;

export const CENTERING_STATES = [
  "idle",
  "slewing",
  "exposing",
  "solving",
  "syncing",
  "succeeded",
  "failed",
  "aborted",
] as const;
export type CenteringState = typeof CENTERING_STATES[number];

export const CenterTargetDto = z.object({
  name: z.string().nullable(),
  ra: z.number().describe("J2000 hours"),
  dec: z.number().describe("J2000 degrees"),
});

export const CenteringAttemptDto = z.object({
  run_id: z.string(),
  attempt: z.number().int().describe("1-based"),
  max_attempts: z.number().int(),
  target: CenterTargetDto,
  solved_ra: z.number().nullable().describe(
    "where the frame's centre is, J2000 hours; null when the solve failed",
  ),
  solved_dec: z.number().nullable().describe("J2000 degrees"),
  error_arcsec: z.number().nullable().describe("great-circle distance solved ↔ target"),
  ra_error_arcsec: z.number().nullable()
    .describe("on the sky, along RA: + when the telescope points east of (above) the target RA"),
  dec_error_arcsec: z.number().nullable().describe("+ when the telescope points north of it"),
  within_tolerance: z.boolean(),
  frame_id: z.string(),
  frame_path: z.string().describe("relative to the data directory"),
  solve_ms: z.number().nullable().describe("time the plate solve took"),
  correction: z.enum(["sync", "offset"]).nullable()
    .describe("what was done before the next goto: sync the mount, or aim off by the error"),
  failure: z.string().nullable().describe("why the solve failed"),
});
export type CenteringAttemptDto = z.infer<typeof CenteringAttemptDto>;

export const CenteredDto = z.object({
  run_id: z.string(),
  success: z.boolean(),
  state: z.enum(["succeeded", "failed", "aborted"]),
  target: CenterTargetDto,
  attempts: z.number().int(),
  tolerance_arcsec: z.number(),
  final_error_arcsec: z.number().nullable().describe("the last solved error"),
  reason: z.string().nullable().describe("why it did not succeed"),
});
export type CenteredDto = z.infer<typeof CenteredDto>;

export const CenteringStatusDto = z.object({
  run_id: z.string().nullable(),
  state: z.enum(CENTERING_STATES),
  target: CenterTargetDto.nullable(),
  tolerance_arcsec: z.number().nullable(),
  max_attempts: z.number().int().nullable(),
  attempts: z.array(CenteringAttemptDto),
  final_error_arcsec: z.number().nullable(),
  reason: z.string().nullable().describe("why the run failed or was aborted"),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type CenteringStatusDto = z.infer<typeof CenteringStatusDto>;
