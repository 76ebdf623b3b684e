/**
 * API shapes of live stacking: the options `POST /camera/livestack/start` takes (all optional,
 * defaults are sensible for a small refractor and a CMOS camera) and the status that
 * `GET /camera/livestack` answers and `livestack.updated` carries. Frames are stacked per filter
 * (one stack for each filter the frames were taken through, as NINA's live stack keeps one per
 * target and filter): `stacks` lists them, and the top-level figures are the totals, with the
 * stack of the latest frame's filter (`filter`) standing for "the" stack.
 */
import { z } from "zod";

export const REJECTION_REASONS = [
  "unreadable",
  "too_few_stars",
  "hfr_too_high",
  "trailed",
  "registration_failed",
  "residual_too_large",
  "mismatch",
] as const;
export type RejectionReason = typeof REJECTION_REASONS[number];

const optionFields = {
  rejection: z.enum(["kappa-sigma", "winsorized", "none"])
    .describe("per-pixel outlier rejection of the running stack"),
  kappa: z.number().min(1).max(10).describe("rejection threshold, standard deviations"),
  min_stars: z.number().int().min(3).max(10_000)
    .describe("frames with fewer detected stars are rejected"),
  hfr_factor: z.number().min(1).max(10)
    .describe("frames whose median HFR exceeds this × the running median are rejected"),
  max_eccentricity: z.number().min(0).max(1)
    .describe("frames whose median star eccentricity exceeds this are rejected as trailed"),
  max_residual_px: z.number().min(0.05).max(10)
    .describe("frames whose registration RMS exceeds this are rejected, px"),
  model: z.enum(["similarity", "affine"]).describe("registration model"),
  interpolation: z.enum(["bilinear", "lanczos3"]),
  debayer: z.enum(["bilinear", "superpixel"])
    .describe("colour cameras: full resolution, or half size and faster"),
};
/** The options in effect: every field set. */
export const LivestackOptions = z.object(optionFields);
/** `POST /camera/livestack/start`: any subset; the rest keep their current values. */
export const LivestackStartBody = z.object(optionFields).partial().strict();

export const DEFAULT_LIVESTACK_OPTIONS: LivestackOptions = {
  rejection: "kappa-sigma",
  kappa: 3,
  min_stars: 10,
  hfr_factor: 1.5,
  max_eccentricity: 0.6,
  max_residual_px: 1.5,
  model: "similarity",
  interpolation: "bilinear",
  debayer: "bilinear",
};
export type LivestackOptions = z.infer<typeof LivestackOptions>;

const Registration = z.object({
  shift_x_px: z.number(),
  shift_y_px: z.number(),
  rotation_deg: z.number(),
  scale: z.number(),
  mirrored: z.boolean(),
  matched_stars: z.number(),
  rms_px: z.number(),
});

export const LivestackFrameDto = z.object({
  frame_id: z.string(),
  filter: z.string().nullable().optional().describe("the filter it was taken through"),
  path: z.string().describe("relative to the data directory"),
  result: z.enum(["stacked", "rejected", "reference"]),
  reason: z.enum(REJECTION_REASONS).nullable(),
  message: z.string().nullable().describe("why it was rejected, in words"),
  stars: z.number().nullable(),
  hfr_px: z.number().nullable(),
  fwhm_px: z.number().nullable(),
  eccentricity: z.number().nullable(),
  background_adu: z.number().nullable(),
  registration: Registration.nullable(),
  elapsed_ms: z.number().describe("time spent on this frame, ms"),
});
export type LivestackFrameDto = z.infer<typeof LivestackFrameDto>;

const StackReference = z.object({ frame_id: z.string(), path: z.string(), stars: z.number() });

/** One filter's stack. */
export const LivestackStackDto = z.object({
  filter: z.string().nullable().describe("the filter its frames were taken through; null: none"),
  frames_stacked: z.number().describe("frames in this stack, its reference included"),
  frames_rejected: z.number().describe("frames of this filter that were rejected"),
  rejections: z.record(z.string(), z.number()).describe("this filter's rejected frames by reason"),
  total_exposure_s: z.number().describe("integration time of this stack"),
  color: z.boolean().nullable().describe("null until its first frame is stacked"),
  width: z.number().nullable(),
  height: z.number().nullable(),
  reference: StackReference.nullable(),
  last_frame: LivestackFrameDto.nullable(),
  preview_url: z.string().nullable().describe("JPEG of this stack; null while it is empty"),
  updated_at: z.string().nullable().describe("ISO 8601 UTC of the last change to this stack"),
});
export type LivestackStackDto = z.infer<typeof LivestackStackDto>;

export const LivestackStatusDto = z.object({
  state: z.enum(["stopped", "running"]),
  processing: z.boolean().describe("a frame is being stacked now"),
  queued: z.number().describe("frames waiting to be stacked, in arrival order"),
  frames_stacked: z.number().describe("frames stacked, all filters together"),
  frames_rejected: z.number().describe("frames rejected, all filters together"),
  rejections: z.record(z.string(), z.number()).describe("rejected frames by reason"),
  total_exposure_s: z.number().describe("integration time of every stack together"),
  filter: z.string().nullable().describe(
    "the filter of the latest frame: its stack is the one the fields below describe",
  ),
  color: z.boolean().nullable().describe("of the current stack; null until its first frame"),
  width: z.number().nullable().describe("of the current stack"),
  height: z.number().nullable().describe("of the current stack"),
  reference: StackReference.nullable().describe("of the current stack"),
  last_frame: LivestackFrameDto.nullable(),
  preview_url: z.string().nullable().describe(
    "JPEG of the current stack; null while it is empty",
  ),
  stacks: z.array(LivestackStackDto).describe(
    "one stack per filter (frames of different filters are never mixed), in order of first use",
  ),
  options: LivestackOptions,
  updated_at: z.string().nullable().describe("ISO 8601 UTC of the last change to any stack"),
});
export type LivestackStatusDto = z.infer<typeof LivestackStatusDto>;
