/** API shapes of the guiding group. */
import { z } from "zod";
import { GUIDE_STATES } from "../../devices/guider.ts";
import type { GuiderStatus, GuideStep } from "../../devices/guider.ts";

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

/** One guide step as the API and `guiding.step` carry it: pixels from the guider, arcsec added. */
export const GuideStepDto = z.object({
  frame: z.number().int().describe("the guider's frame number; restarts with the guider"),
  ts: z.number().describe("Unix ms on the box's clock"),
  since_start_s: z.number().describe("seconds since guiding started"),
  ra_px: z.number().describe("RA error, guide-camera pixels"),
  dec_px: z.number().describe("Dec error, guide-camera pixels"),
  ra_arcsec: z.number().nullable().describe("RA error; null while the pixel scale is unknown"),
  dec_arcsec: z.number().nullable().describe("Dec error; null while the pixel scale is unknown"),
  dx_px: z.number().describe("star offset along the camera's x axis"),
  dy_px: z.number().describe("star offset along the camera's y axis"),
  ra_pulse_ms: z.number().nullable().describe("RA correction; null when none was sent"),
  ra_direction: z.enum(["east", "west"]).nullable(),
  dec_pulse_ms: z.number().nullable().describe("Dec correction; null when none was sent"),
  dec_direction: z.enum(["north", "south"]).nullable(),
  snr: z.number().nullable(),
  star_mass: z.number().nullable(),
  hfd_px: z.number().nullable(),
  error_code: z.number().int().describe("star finder: 0 fine, 1 saturated … 8 unexpected"),
  ra_limited: z.boolean().describe("the RA pulse was clipped to the guider's maximum"),
  dec_limited: z.boolean().describe("the Dec pulse was clipped to the guider's maximum"),
});
export type GuideStepDto = z.infer<typeof GuideStepDto>;

export function toGuideStepDto(step: GuideStep, pixelScaleArcsec: number | null): GuideStepDto {
  const arcsec = (px: number) =>
    pixelScaleArcsec === null ? null : Math.round(px * pixelScaleArcsec * 1000) / 1000;
  return {
    frame: step.frame,
    ts: step.atMs,
    since_start_s: step.sinceStartS,
    ra_px: step.raPx,
    dec_px: step.decPx,
    ra_arcsec: arcsec(step.raPx),
    dec_arcsec: arcsec(step.decPx),
    dx_px: step.dxPx,
    dy_px: step.dyPx,
    ra_pulse_ms: step.raPulse?.ms ?? null,
    ra_direction: step.raPulse?.direction ?? null,
    dec_pulse_ms: step.decPulse?.ms ?? null,
    dec_direction: step.decPulse?.direction ?? null,
    snr: step.snr,
    star_mass: step.starMass,
    hfd_px: step.hfdPx,
    error_code: step.errorCode,
    ra_limited: step.raLimited,
    dec_limited: step.decLimited,
  };
}

/** How far back the box keeps guide steps for `/guiding/history` (an hour at 1 Hz). */
export const GUIDE_HISTORY_MAX_S = 3600;

export const GuideHistoryQuery = z.object({
  seconds: z.coerce.number().int().min(1).max(GUIDE_HISTORY_MAX_S).default(300)
    .describe("how far back, seconds"),
});

export const GuideHistoryDto = z.object({
  steps: z.array(GuideStepDto).describe("oldest first"),
  pixel_scale: z.number().nullable().describe("arcsec per guide-camera pixel, now"),
});
