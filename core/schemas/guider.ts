/** API shapes of the guiding group. */
import { z } from "zod";
import { GUIDE_STATES } from "../../devices/guider.ts";
import type { GuiderStatus } from "../../devices/guider.ts";

export const GuidingStatusDto = z.object({
  connected: z.boolean(),
  state: z.enum(GUIDE_STATES),
  rms_ra: z.number().nullable().describe("arcsec"),
  rms_dec: z.number().nullable().describe("arcsec"),
  rms_total: z.number().nullable().describe("arcsec"),
  star: z.object({ x: z.number(), y: z.number(), snr: z.number() }).nullable(),
  calibrated: z.boolean(),
  pixel_scale: z.number().nullable().describe("arcsec per guide-camera pixel"),
});
export type GuidingStatusDto = z.infer<typeof GuidingStatusDto>;

export const DitherBody = z.object({
  pixels: z.number().positive().max(50),
  settle_time: z.number().min(0).max(300).describe("seconds the star must stay settled"),
  settle_pixels: z.number().positive().max(20).default(1.5),
  settle_timeout: z.number().positive().max(600).default(60),
});

/** How tightly guiding must settle before /guiding/start counts as done (PHD2's settle object). */
export const GuideStartBody = z.object({
  settle_pixels: z.number().positive().max(20).default(1.5),
  settle_time: z.number().min(0).max(300).default(10).describe("seconds"),
  settle_timeout: z.number().positive().max(600).default(60).describe("seconds"),
});

export function toGuidingStatusDto(s: GuiderStatus): GuidingStatusDto {
  return {
    connected: s.connected,
    state: s.state,
    rms_ra: s.rmsRaArcsec,
    rms_dec: s.rmsDecArcsec,
    rms_total: s.rmsTotalArcsec,
    star: s.star,
    calibrated: s.calibrated,
    pixel_scale: s.pixelScaleArcsec,
  };
}
