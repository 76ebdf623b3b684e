/** The simulated focuser's profile options: its travel, speed and step size. */
import { z } from "zod";

export const SimFocuserOptions = z.strictObject({
  maxPosition: z.number().int().min(1).default(50000).describe("steps"),
  startPosition: z.number().int().min(0).optional()
    .describe("where it powers up, steps; default: the middle of its travel, at most 25000"),
  maxIncrement: z.number().int().min(1).optional()
    .describe("the longest single move, steps; default: maxPosition"),
  stepSizeUm: z.number().gt(0).default(3.76),
  speedStepsPerS: z.number().gt(0).default(1000),
  ambientC: z.number().min(-60).max(60).default(12).describe("the temperature it reports"),
}).superRefine((o, ctx) => {
  for (const key of ["startPosition", "maxIncrement"] as const) {
    const value = o[key];
    if (value !== undefined && value > o.maxPosition) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `must be ≤ maxPosition (${o.maxPosition}), got ${value}`,
      });
    }
  }
}).meta({ id: "SimFocuserOptions" });
export type SimFocuserOptions = z.output<typeof SimFocuserOptions>;
