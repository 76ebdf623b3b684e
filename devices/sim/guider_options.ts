/** The simulated guider's profile options: frame timing, the star's noise, and failures to play. */
import { z } from "zod";

export const SimGuiderOptions = z.strictObject({
  exposureSeconds: z.number().gt(0).default(1),
  calibrationSeconds: z.number().min(0).default(2),
  pixelScaleArcsec: z.number().gt(0).default(1.5).describe("guide camera, arcseconds per pixel"),
  noisePixels: z.number().min(0).default(0.25).describe("star position noise, pixels RMS"),
  correctionGain: z.number().gt(0).max(1).default(0.6),
  failSettle: z.boolean().default(false).describe("every settle times out (tests)"),
  calibrated: z.boolean().default(false).describe("starts calibrated"),
  starLostAfterS: z.number().min(0).nullable().default(null)
    .describe("lose the star this long after guiding starts; null never"),
  lostRecoverySeconds: z.number().min(0).default(3),
  seed: z.number().int().default(1),
}).meta({ id: "SimGuiderOptions" });
export type SimGuiderOptions = z.output<typeof SimGuiderOptions>;
