/**
 * API shapes of the per-frame endpoints the phone's image viewer and frames screen use: browsing
 * saved frames by night and target, one frame's figures, a region of it as a JPEG at a scale, its
 * stars and histogram. Region, scale and stretch are query parameters so a JPEG is a plain URL
 * the browser can cache and an `<img>` can show.
 */
import { z } from "zod";
import { SCREEN_PREVIEW } from "../frames/frame_previews.ts";
import { FrameDto, FrameTypeSchema } from "./camera.ts";

const NIGHT = /^\d{4}-\d{2}-\d{2}$/;

export const FrameIdParam = z.object({ id: z.string().min(1).max(100) });

export const FramePageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().min(1).max(100).optional()
    .describe("a frame id: only frames older than it (the previous page's next_before)"),
  object: z.string().min(1).max(80).optional().describe("OBJECT of the frames, exactly"),
  night: z.string().regex(NIGHT, "must be a date YYYY-MM-DD").optional()
    .describe("the night's evening date at the site (local mean time, noon to noon)"),
  frame_type: FrameTypeSchema.optional(),
});

export const FramePage = z.object({
  frames: z.array(FrameDto).describe("newest first"),
  next_before: z.string().nullable().describe("pass as `before` for the next page; null at end"),
});

export const FrameNightDto = z.object({
  night: z.string().describe("the evening's date at the site, YYYY-MM-DD"),
  frames: z.number().int(),
  objects: z.array(z.string()),
  first_at: z.string(),
  last_at: z.string(),
});

export const FrameNightsDto = z.object({ nights: z.array(FrameNightDto) });

export const FrameFiguresDto = z.object({
  star_count: z.number().int(),
  median_hfr_px: z.number().nullable(),
  median_fwhm_px: z.number().nullable(),
  median_hfr_arcsec: z.number().nullable(),
  median_fwhm_arcsec: z.number().nullable(),
  eccentricity: z.number().nullable().describe("0 round … 1 a line"),
  background_adu: z.number(),
  noise_adu: z.number(),
  pixel_scale_arcsec: z.number().nullable().describe("from FOCALLEN and XPIXSZ in the header"),
});

export const FrameDetailDto = FrameDto.extend({
  figures: FrameFiguresDto.nullable().describe("null for a colour (RGB) image"),
});
export type FrameDetailDto = z.infer<typeof FrameDetailDto>;

const unit = z.coerce.number().min(0).max(1);

export const FramePreviewQuery = z.object({
  format: z.enum(["jpeg"]).default("jpeg"),
  x: z.coerce.number().int().min(0).optional().describe("region left, frame pixels"),
  y: z.coerce.number().int().min(0).optional().describe("region top, frame pixels"),
  w: z.coerce.number().int().min(1).optional().describe("region width, frame pixels"),
  h: z.coerce.number().int().min(1).optional().describe("region height, frame pixels"),
  max_px: z.coerce.number().int().min(16).max(8192).default(SCREEN_PREVIEW.maxSizePx)
    .describe(
      "longest side of the JPEG; the region is averaged down to fit. The whole frame at the " +
        "default size with the auto stretch and default quality is the screen preview, " +
        "rendered when a frame is taken so the first look at it is immediate",
    ),
  stretch: z.enum(["auto", "manual"]).default("auto")
    .describe("auto: the whole frame's screen stretch; manual: black, mid, white"),
  black: unit.default(0).describe("manual: normalised black point"),
  white: unit.default(1).describe("manual: normalised white point"),
  mid: z.coerce.number().gt(0).lt(1).default(0.5).describe("manual: midtones balance"),
  quality: z.coerce.number().int().min(1).max(100).default(SCREEN_PREVIEW.quality),
}).superRefine((q, ctx) => {
  const given = [q.x, q.y, q.w, q.h].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 4) {
    ctx.addIssue({ code: "custom", path: ["x"], message: "give all of x, y, w, h or none" });
  }
  if (q.stretch === "manual" && !(q.black < q.white)) {
    ctx.addIssue({ code: "custom", path: ["black"], message: "black must be below white" });
  }
});
export type FramePreviewQuery = z.infer<typeof FramePreviewQuery>;

export const FrameStarsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(2000).default(500).describe("brightest first"),
});

export const StarDto = z.object({
  x: z.number().describe("px from the left edge, origin at the first pixel's centre"),
  y: z.number().describe("px from the top edge"),
  hfr_px: z.number(),
  fwhm_px: z.number(),
  eccentricity: z.number(),
  snr: z.number(),
  flux: z.number(),
});

export const FrameStarsDto = z.object({
  frame_id: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  star_count: z.number().int().describe("all accepted stars; `stars` holds the brightest"),
  stars: z.array(StarDto),
});
