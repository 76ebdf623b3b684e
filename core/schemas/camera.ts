/** API shapes of the camera group, and the mapping from the contract's status. */
import { z } from "zod";
import { BAYER_PATTERNS, FRAME_TYPES } from "../../devices/camera.ts";
import type { CameraCapabilities, CameraStatus } from "../../devices/camera.ts";
import { CoolerRampDto, RampRate } from "./cooler.ts";

export const FrameTypeSchema = z.enum(FRAME_TYPES);

/** The longest exposure we accept at the API: beyond an hour is a typo, not a plan. */
export const MAX_EXPOSURE_S = 3600;

export const ExposureParams = z.object({
  duration: z.number().min(0).max(MAX_EXPOSURE_S).describe("seconds"),
  gain: z.number().int().min(0).optional(),
  offset: z.number().int().min(0).optional(),
  binning: z.number().int().min(1).max(4).optional(),
  frame_type: FrameTypeSchema.optional(),
  object: z.string().max(80).optional().describe("OBJECT header; defaults to the frame type"),
});
export type ExposureParams = z.infer<typeof ExposureParams>;

export const CoolerBody = z.object({
  enabled: z.boolean(),
  target_c: z.number().min(-50).max(40)
    .describe("the set point; with enabled false and a ramp, the temperature to warm to first"),
  ramp_c_per_min: RampRate.optional().describe(
    "move the set point this fast (°C per minute) instead of at once; with enabled false the " +
      "sensor is warmed to target_c at this rate, then the cooler is switched off",
  ),
});

export const CameraStatusDto = z.object({
  connected: z.boolean(),
  sensor: z.object({
    width: z.number(),
    height: z.number(),
    pixel_um: z.number(),
    bit_depth: z.number(),
    color: z.boolean(),
    bayer: z.enum(BAYER_PATTERNS).nullable(),
    max_binning: z.number(),
    gain_min: z.number(),
    gain_max: z.number(),
    offset_min: z.number(),
    offset_max: z.number(),
  }),
  cooler: z.object({
    available: z.boolean(),
    enabled: z.boolean(),
    power: z.number().describe("percent"),
    temp_c: z.number().nullable(),
    target_c: z.number().nullable(),
    ramping: z.boolean().describe("the box is moving the set point (see ramp)"),
    ramp: CoolerRampDto.nullable(),
  }),
  exposure: z.object({
    state: z.enum(["idle", "exposing", "reading", "downloading", "error"]),
    progress: z.number().describe("0..1"),
    remaining_s: z.number(),
    duration_s: z.number().nullable(),
    frame_type: FrameTypeSchema.nullable(),
  }),
});
export type CameraStatusDto = z.infer<typeof CameraStatusDto>;

export function toCameraStatusDto(
  caps: CameraCapabilities,
  s: CameraStatus,
  ramp: CoolerRampDto | null = null,
): CameraStatusDto {
  return {
    connected: s.connected,
    sensor: {
      width: caps.widthPx,
      height: caps.heightPx,
      pixel_um: caps.pixelSizeUm,
      bit_depth: caps.bitDepth,
      color: caps.bayerPattern !== null,
      bayer: caps.bayerPattern,
      max_binning: caps.maxBinning,
      gain_min: caps.gainMin,
      gain_max: caps.gainMax,
      offset_min: caps.offsetMin,
      offset_max: caps.offsetMax,
    },
    cooler: {
      available: caps.hasCooler,
      enabled: s.cooler.enabled,
      power: s.cooler.powerPct,
      temp_c: s.cooler.tempC,
      target_c: s.cooler.targetC,
      ramping: ramp !== null,
      ramp,
    },
    exposure: {
      state: s.exposure.state,
      progress: s.exposure.progress,
      remaining_s: s.exposure.remainingS,
      duration_s: s.exposure.request?.durationS ?? null,
      frame_type: s.exposure.request?.frameType ?? null,
    },
  };
}

/**
 * The plate solution written into a frame's FITS header (standard TAN WCS keywords, FITS pixel
 * convention: (1, 1) is the centre of the first pixel), with the figures read off it.
 */
export const FrameWcsDto = z.object({
  ra: z.number().describe("frame centre, J2000 hours"),
  dec: z.number().describe("frame centre, J2000 degrees"),
  position_angle: z.number().describe("of the image's +y axis, degrees east of north"),
  pixel_scale: z.number().describe("arcsec per pixel"),
  mirrored: z.boolean(),
  crval1: z.number(),
  crval2: z.number(),
  crpix1: z.number(),
  crpix2: z.number(),
  cd1_1: z.number(),
  cd1_2: z.number(),
  cd2_1: z.number(),
  cd2_2: z.number(),
  solver: z.string(),
  solver_version: z.string().nullable(),
  solved_at: z.string().describe("ISO 8601 UTC"),
});
export type FrameWcsDto = z.infer<typeof FrameWcsDto>;

/** What `camera.frame_ready` carries, and a row of the frames table at the API. */
export const FrameDto = z.object({
  id: z.string(),
  frame_number: z.number().int().nullable()
    .describe("the file pattern's {seq}: never reused, survives restarts; null for old frames"),
  path: z.string().describe("relative to the data directory"),
  frame_type: FrameTypeSchema,
  duration_s: z.number(),
  gain: z.number(),
  offset: z.number(),
  binning: z.number(),
  width: z.number(),
  height: z.number(),
  filter: z.string().nullable(),
  object: z.string().nullable(),
  started_at: z.string().describe("ISO 8601 UTC"),
  sensor_temp_c: z.number().nullable(),
  bytes: z.number(),
  hfr: z.number().nullable().describe("median half-flux radius, px; null until analysed"),
  fwhm: z.number().nullable().describe("median FWHM, px; null until analysed"),
  stars: z.number().nullable().describe("star count; null until analysed"),
  eccentricity: z.number().nullable()
    .describe("of the median star shape, 0 round … 1 a line; null until analysed"),
  wcs: FrameWcsDto.nullable().describe("the plate solution; null until solved"),
});
export type FrameDto = z.infer<typeof FrameDto>;

/** What `camera.frame_analyzed` carries: a saved frame's star figures, once measured. */
export const FrameFiguresDto = z.object({
  id: z.string(),
  path: z.string(),
  hfr: z.number().nullable().describe("median half-flux radius, px"),
  fwhm: z.number().nullable().describe("median FWHM, px"),
  stars: z.number().nullable(),
  eccentricity: z.number().nullable(),
  error: z.string().nullable().describe("why the frame has no figures, when it has none"),
});
export type FrameFiguresDto = z.infer<typeof FrameFiguresDto>;
