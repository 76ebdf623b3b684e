/**
 * API shapes of the calibration library: masters (bias, dark, flat, dark-flat) and their
 * metadata, the bodies that build them from frame ids or from a capture run, the capture run's
 * status, and the answer to "which masters match this light, and why". Shared by the routes, the
 * service and the `calibration.*` events.
 */
import { z } from "zod";
import { MAX_EXPOSURE_S } from "./camera.ts";

export const MASTER_TYPES = ["bias", "dark", "flat", "darkflat"] as const;
export type MasterType = typeof MASTER_TYPES[number];
export const MasterTypeSchema = z.enum(MASTER_TYPES);

export const COMBINE_METHODS = ["median", "mean"] as const;
export type CombineMethod = typeof COMBINE_METHODS[number];
const Method = z.enum(COMBINE_METHODS).default("median")
  .describe("sigma-clipped median (default) or sigma-clipped mean");
const Kappa = z.number().min(1).max(10).default(3)
  .describe("clipping threshold in standard deviations");

export const MasterDto = z.object({
  id: z.string(),
  type: MasterTypeSchema,
  path: z.string().describe("FITS file, relative to the data directory"),
  camera: z.string().nullable().describe("INSTRUME of the source frames"),
  gain: z.number(),
  offset: z.number(),
  binning: z.number(),
  width: z.number(),
  height: z.number(),
  temp_c: z.number().nullable().describe("mean sensor temperature of the frames, °C"),
  exposure_s: z.number(),
  filter: z.string().nullable(),
  date_obs: z.string().describe("ISO 8601 UTC start of the first source frame"),
  frame_count: z.number(),
  method: z.enum(COMBINE_METHODS),
  kappa: z.number(),
  frame_ids: z.array(z.string()),
  notes: z.string().nullable().describe(
    "how the master was made, e.g. what a flat was corrected by",
  ),
  created_at: z.string(),
});
export type MasterDto = z.infer<typeof MasterDto>;

export const MasterListQuery = z.object({
  type: MasterTypeSchema.optional(),
  camera: z.string().max(200).optional(),
  filter: z.string().max(80).optional(),
});

export const BuildMasterBody = z.object({
  frame_ids: z.array(z.string().min(1)).min(1).max(1000),
  type: MasterTypeSchema.optional()
    .describe("defaults to the frames' type; give darkflat for darks taken at a flat's exposure"),
  method: Method,
  kappa: Kappa,
});
export type BuildMasterBody = z.infer<typeof BuildMasterBody>;

export const CaptureBody = z.object({
  frame_type: MasterTypeSchema,
  count: z.number().int().min(1).max(500),
  duration: z.number().min(0).max(MAX_EXPOSURE_S).describe("seconds; ignored for bias"),
  gain: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  binning: z.number().int().min(1).max(4).optional(),
  build_master: z.boolean().default(true),
  method: Method,
  kappa: Kappa,
});
export type CaptureBody = z.infer<typeof CaptureBody>;

export const CAPTURE_STATES = ["capturing", "building", "done", "failed", "aborted"] as const;

export const CaptureStatusDto = z.object({
  run_id: z.string(),
  frame_type: MasterTypeSchema,
  state: z.enum(CAPTURE_STATES),
  count: z.number(),
  done: z.number().describe("frames saved so far"),
  frame_ids: z.array(z.string()),
  master_id: z.string().nullable(),
  error: z.string().nullable(),
});
export type CaptureStatusDto = z.infer<typeof CaptureStatusDto>;

export const MatchQuery = z.object({
  frame_id: z.string().min(1).optional().describe("a light in the frame catalogue"),
  camera: z.string().max(200).optional(),
  gain: z.coerce.number().int().min(0).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  binning: z.coerce.number().int().min(1).max(4).optional(),
  temp_c: z.coerce.number().min(-100).max(100).optional(),
  exposure_s: z.coerce.number().min(0).max(MAX_EXPOSURE_S).optional(),
  filter: z.string().max(80).optional(),
  tolerance_c: z.coerce.number().min(0).max(50).default(2)
    .describe("largest sensor temperature difference accepted, °C"),
});

/** The light being matched, as the rules see it. */
export const LightSettingsDto = z.object({
  camera: z.string().nullable(),
  gain: z.number(),
  offset: z.number(),
  binning: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  temp_c: z.number().nullable(),
  exposure_s: z.number(),
  filter: z.string().nullable(),
});
export type LightSettingsDto = z.infer<typeof LightSettingsDto>;

const Choice = z.object({ master: MasterDto.nullable(), reason: z.string() });

export const MatchDto = z.object({
  light: LightSettingsDto,
  tolerance_c: z.number(),
  bias: Choice,
  dark: Choice.extend({
    scale: z.number().nullable()
      .describe("light/dark exposure ratio applied to the dark's thermal signal; null if exact"),
  }),
  flat: Choice,
});
export type MatchDto = z.infer<typeof MatchDto>;
