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
