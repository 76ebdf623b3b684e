/** Filter wheel contract, shaped on ASCOM IFilterWheelV3. Slots are 0-based. */
import { z } from "zod";
import type { BaseStatus, Device } from "./device.ts";

export interface FilterSlot {
  name: string;
  /** Focuser steps to add when this filter is in the path, relative to the reference filter. */
  focusOffsetSteps: number;
}

/**
 * The `filters` profile option of filter wheel drivers: slot 0 first, each a name or
 * `{ name, focusOffsetSteps }`.
 */
export const FilterSlotsOption = z.array(z.union([
  z.string().trim().min(1),
  z.strictObject({
    name: z.string().trim().min(1),
    focusOffsetSteps: z.number().int().default(0)
      .describe("focuser steps to add with this filter, relative to the reference filter"),
  }),
])).min(1).describe("slot 0 first: names, or { name, focusOffsetSteps }");

/** The slots a parsed `filters` option names. */
export function filterSlots(option: z.output<typeof FilterSlotsOption>): FilterSlot[] {
  return option.map((slot) =>
    typeof slot === "string" ? { name: slot, focusOffsetSteps: 0 } : { ...slot }
  );
}

export interface FilterWheelCapabilities {
  slotCount: number;
}

export interface FilterWheelStatus extends BaseStatus {
  /** Current slot, or null while moving (ASCOM reports −1). */
  position: number | null;
  targetPosition: number | null;
  moving: boolean;
  slots: FilterSlot[];
}

export interface FilterWheel extends Device<FilterWheelStatus> {
  readonly kind: "filterwheel";
  readonly capabilities: FilterWheelCapabilities;
  /** Starts a move to slot 0..slotCount−1; resolves once under way. */
  moveTo(position: number): Promise<void>;
  /** Renames slots / sets focus offsets; `slots.length` must equal slotCount. */
  setSlots(slots: FilterSlot[]): Promise<void>;
}

/**
 * The slot holding the filter called `name`: an exact match first, then the one slot whose name
 * matches ignoring case (two such slots are ambiguous: null). Null when the wheel has no such
 * filter. Every caller that takes a filter by name (REST, sequencer, autofocus) uses this one rule.
 */
export function slotOfFilter(slots: readonly FilterSlot[], name: string): number | null {
  const exact = slots.findIndex((slot) => slot.name === name);
  if (exact >= 0) return exact;
  const folded = name.toLowerCase();
  const loose = slots.flatMap((slot, i) => slot.name.toLowerCase() === folded ? [i] : []);
  return loose.length === 1 ? loose[0] ?? null : null;
}

/** "L, R, G, B": the names a message lists when a filter name is not found. */
export function filterNames(slots: readonly FilterSlot[]): string {
  return slots.map((slot) => slot.name).join(", ");
}
