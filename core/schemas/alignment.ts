/** API shapes of the mount's pointing-model points. */
import { z } from "zod";
import { decDeg, raHours } from "./common.ts";

export const AlignPointBody = z.object({
  ra: raHours.describe("solved RA, J2000 hours"),
  dec: decDeg.describe("solved Dec, J2000 degrees"),
  mount_ra: raHours.optional().describe("where the mount thought it pointed; default: now"),
  mount_dec: decDeg.optional(),
}).refine((b) => (b.mount_ra === undefined) === (b.mount_dec === undefined), {
  message: "give both mount_ra and mount_dec, or neither",
  path: ["mount_dec"],
});

export const AlignPointDto = z.object({
  id: z.string(),
  ra: z.number(),
  dec: z.number(),
  mount_ra: z.number(),
  mount_dec: z.number(),
  lst: z.number().describe("local sidereal time when the point was taken, hours"),
  pier_side: z.enum(["east", "west", "unknown"]),
  alt: z.number(),
  az: z.number(),
  error_arcsec: z.number().describe("separation between solved and mount position"),
  created_at: z.string(),
});
export type AlignPointDto = z.infer<typeof AlignPointDto>;

export const PointingTermDto = z.object({
  name: z.enum(["IH", "ID", "CH", "NP", "MA", "ME", "TF"])
    .describe("TPOINT term: index offsets, collimation, non-perpendicularity, polar axis, flexure"),
  value_arcsec: z.number(),
  sigma_arcsec: z.number().describe("one standard deviation from the fit"),
});

export const PointingModelDto = z.object({
  terms: z.array(PointingTermDto),
  rms_before_arcsec: z.number().describe("RMS on-sky error of the points without the model"),
  rms_after_arcsec: z.number().describe("RMS on-sky residual the model leaves"),
  residuals: z.array(z.object({ id: z.string(), residual_arcsec: z.number() })),
  applied: z.boolean().describe("whether gotos go through the model (config [pointing] apply)"),
});
export type PointingModelDto = z.infer<typeof PointingModelDto>;

export const AlignmentDto = z.object({
  points: z.array(AlignPointDto),
  rms_error_arcsec: z.number().nullable().describe("RMS of the raw pointing errors"),
  model: PointingModelDto.nullable()
    .describe("the fitted physical model; null until there are enough points to fit it"),
  min_points: z.number().int().describe("points the model needs before it is fitted"),
});
