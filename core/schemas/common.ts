/** Field schemas shared by the API groups: coordinates with their ranges, ids, the error shape. */
import { z } from "zod";

export const raHours = z.number().min(0).lt(24).describe("Right ascension, J2000, hours [0, 24)");
export const decDeg = z.number().min(-90).max(90).describe("Declination, J2000, degrees [-90, 90]");

export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
}).describe("Every error response");

export const Ok = z.object({ ok: z.literal(true) });
export const Accepted = z.object({ accepted: z.literal(true), message: z.string().optional() });
