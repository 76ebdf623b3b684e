/** The simulated rotator's profile options: its step, speed, start angle and direction. */
import { z } from "zod";

export const SimRotatorOptions = z.strictObject({
  stepSizeDeg: z.number().gt(0).default(0.01),
  speedDegPerS: z.number().gt(0).default(10),
  startMechanicalDeg: z.number().min(0).max(360).default(0).describe("where it powers up"),
  reversed: z.boolean().default(false),
}).meta({ id: "SimRotatorOptions" });
export type SimRotatorOptions = z.output<typeof SimRotatorOptions>;
