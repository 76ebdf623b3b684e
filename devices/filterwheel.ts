/** Filter wheel contract, shaped on ASCOM IFilterWheelV3. Slots are 0-based. */
import type { BaseStatus, Device } from "./device.ts";

export interface FilterSlot {
  name: string;
  /** Focuser steps to add when this filter is in the path, relative to the reference filter. */
  focusOffsetSteps: number;
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
