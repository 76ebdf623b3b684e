/** The simulated flat panel's profile options: what it has and how quickly it moves and warms. */
import { z } from "zod";

export const SimFlatPanelOptions = z.strictObject({
  hasLight: z.boolean().default(true),
  hasCover: z.boolean().default(true),
  maxBrightness: z.number().int().min(1).default(255).describe("ignored without a light"),
  coverSeconds: z.number().gt(0).default(3).describe("time to open or close the cover"),
  warmupSeconds: z.number().min(0).default(0.5).describe("time for the light to settle"),
}).meta({ id: "SimFlatPanelOptions" });
export type SimFlatPanelOptions = z.output<typeof SimFlatPanelOptions>;
