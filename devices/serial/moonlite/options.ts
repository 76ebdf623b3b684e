/** The "moonlite" focuser's profile options: the serial port and the focuser's travel. */
import { z } from "zod";
import { SERIAL_PORT_OPTIONS } from "../options.ts";
import { MOONLITE_MAX_POSITION } from "./codec.ts";

export const MoonliteOptions = z.strictObject({
  ...SERIAL_PORT_OPTIONS,
  maxPosition: z.number().int().min(1).max(MOONLITE_MAX_POSITION).default(MOONLITE_MAX_POSITION)
    .describe("steps"),
  maxIncrement: z.number().int().min(1).max(MOONLITE_MAX_POSITION).optional()
    .describe("the longest single move, steps; default: maxPosition"),
  stepSizeUm: z.number().min(0.001).max(1000).nullable().default(null)
    .describe("micrometres per step; null when unknown"),
}).superRefine((o, ctx) => {
  if (o.maxIncrement !== undefined && o.maxIncrement > o.maxPosition) {
    ctx.addIssue({
      code: "custom",
      path: ["maxIncrement"],
      message: `must be ≤ maxPosition (${o.maxPosition}), got ${o.maxIncrement}`,
    });
  }
}).meta({ id: "MoonliteOptions" });
export type MoonliteOptions = z.output<typeof MoonliteOptions>;
