/**
 * Alpaca FilterWheel (IFilterWheelV3) over our FilterWheel contract: Position is −1 while the
 * wheel turns. ASCOM has no way to rename slots, so the bridge offers the custom action
 * `OpenSkyLab:SetSlots` (Parameters: JSON `[{name, focusOffsetSteps}]`) that our client uses.
 */
import { invalidValue } from "../../lib/alpaca/errors.ts";
import type { FilterSlot, FilterWheel } from "../../devices/filterwheel.ts";
import type { DeviceType, Member } from "./device_type.ts";

export const SET_SLOTS_ACTION = "OpenSkyLab:SetSlots";

export function filterWheelType(): DeviceType<"filterwheel"> {
  const yes = (read: (w: FilterWheel) => unknown): Member<FilterWheel> => (ctx) =>
    read(ctx.device());
  return {
    type: "filterwheel",
    deviceType: "FilterWheel",
    kind: "filterwheel",
    interfaceVersion: 3,
    deviceState: (w) => ({ Position: w.status().position ?? -1 }),
    get: {
      names: yes((w) => w.status().slots.map((s) => s.name)),
      focusoffsets: yes((w) => w.status().slots.map((s) => s.focusOffsetSteps)),
      position: yes((w) => w.status().position ?? -1),
    },
    put: {
      position: async (ctx) => {
        const position = ctx.params.int("Position");
        const w = ctx.device();
        if (position < 0 || position >= w.capabilities.slotCount) {
          throw invalidValue(`Position ${position} is not in 0..${w.capabilities.slotCount - 1}`);
        }
        await w.moveTo(position);
      },
    },
    actions: {
      [SET_SLOTS_ACTION]: async (w, parameters) => {
        let slots: FilterSlot[];
        try {
          slots = JSON.parse(parameters);
        } catch {
          throw invalidValue(`${SET_SLOTS_ACTION}: Parameters is not JSON`);
        }
        await w.setSlots(slots);
        return "";
      },
    },
  };
}
