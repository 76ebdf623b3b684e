/** The simulated filter wheel's profile options: its filters, turning speed and start slot. */
import { z } from "zod";
import { type FilterSlot, FilterSlotsOption } from "../filterwheel.ts";

/** A typical 7-position wheel; parfocal offsets as a refractor with LRGB + 3 nm narrowband shows. */
export const DEFAULT_FILTERS: FilterSlot[] = [
  { name: "L", focusOffsetSteps: 0 },
  { name: "R", focusOffsetSteps: 10 },
  { name: "G", focusOffsetSteps: 5 },
  { name: "B", focusOffsetSteps: -5 },
  { name: "Ha", focusOffsetSteps: 40 },
  { name: "OIII", focusOffsetSteps: 35 },
  { name: "SII", focusOffsetSteps: 30 },
];

export const SimFilterWheelOptions = z.strictObject({
  filters: FilterSlotsOption.optional()
    .describe("default: L, R, G, B, Ha, OIII, SII with typical parfocal offsets"),
  secondsPerSlot: z.number().gt(0).default(0.5),
  startSlot: z.number().int().min(0).default(0),
}).superRefine((o, ctx) => {
  const slots = o.filters?.length ?? DEFAULT_FILTERS.length;
  if (o.startSlot >= slots) {
    ctx.addIssue({
      code: "custom",
      path: ["startSlot"],
      message: `must be a slot of the wheel (0..${slots - 1}), got ${o.startSlot}`,
    });
  }
}).meta({ id: "SimFilterWheelOptions" });
export type SimFilterWheelOptions = z.output<typeof SimFilterWheelOptions>;
