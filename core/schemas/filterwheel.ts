/** API shapes of the filter wheel group. */
import { z } from "zod";
import type { FilterWheelStatus } from "../../devices/filterwheel.ts";

export const FilterSlotDto = z.object({
  position: z.number(),
  name: z.string(),
  focus_offset: z.number().describe("focuser steps relative to the reference filter"),
});

export const FilterWheelStatusDto = z.object({
  connected: z.boolean(),
  position: z.number().nullable().describe("0-based slot; null while moving"),
  name: z.string().nullable(),
  target_position: z.number().nullable(),
  moving: z.boolean(),
  filters: z.array(FilterSlotDto),
});
export type FilterWheelStatusDto = z.infer<typeof FilterWheelStatusDto>;

export const FilterWheelMoveBody = z.union([
  z.object({ position: z.number().int().min(0) }).strict(),
  z.object({ name: z.string().min(1) }).strict(),
], {
  // Zod's own union message ("Invalid input") does not tell a client what would have worked.
  error: "must be either { position } (a 0-based slot) or { name } (a filter name), not both",
}).describe("Either a 0-based position or a filter name");

export const FilterNamesBody = z.object({
  filters: z.array(z.object({
    name: z.string().min(1).max(32),
    focus_offset: z.number().int().default(0),
  })).min(1),
});

export const FilterListDto = z.object({ filters: z.array(FilterSlotDto) });

export function toFilterWheelStatusDto(s: FilterWheelStatus): FilterWheelStatusDto {
  return {
    connected: s.connected,
    position: s.position,
    name: s.position === null ? null : s.slots[s.position]?.name ?? null,
    target_position: s.targetPosition,
    moving: s.moving,
    filters: s.slots.map((slot, i) => ({
      position: i,
      name: slot.name,
      focus_offset: slot.focusOffsetSteps,
    })),
  };
}
