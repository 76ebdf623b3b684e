/**
 * Filter wheel over INDI's FILTER_SLOT (1-based; Busy while turning) and FILTER_NAME
 * (FILTER_SLOT_NAME_n). The contract's slots are 0-based. INDI has no standard per-filter focus
 * offset, so offsets are kept by this driver (the profile owns them above it).
 */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type {
  FilterSlot,
  FilterWheel,
  FilterWheelCapabilities,
  FilterWheelStatus,
} from "../filterwheel.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import { numberMember, numberValue } from "./properties.ts";

const SLOT = "FILTER_SLOT";
const NAMES = "FILTER_NAME";

export class IndiFilterWheel extends IndiDevice<FilterWheelStatus> implements FilterWheel {
  readonly kind = "filterwheel" as const;
  protected readonly requiredProperties = [SLOT] as const;
  #targetPosition: number | null = null;
  #offsets: number[] = [];

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI filter wheel");
  }

  get capabilities(): FilterWheelCapabilities {
    const max = numberMember(this.vector(SLOT), "FILTER_SLOT_VALUE")?.max ?? 0;
    const names = this.vector(NAMES)?.members.size ?? 0;
    return { slotCount: Math.max(1, Math.floor(max) || names) };
  }

  protected snapshot(connected: boolean): FilterWheelStatus {
    const v = this.vector(SLOT);
    const moving = v?.state === "Busy";
    const slot = Math.round(numberValue(v, "FILTER_SLOT_VALUE", 1)) - 1;
    return {
      connected,
      position: moving ? null : slot,
      targetPosition: this.#targetPosition ?? (moving ? null : slot),
      moving,
      slots: this.#slots(),
    };
  }

  async moveTo(position: number): Promise<void> {
    this.session();
    const { slotCount } = this.capabilities;
    if (!Number.isInteger(position) || position < 0 || position >= slotCount) {
      throw new RangeError(`position must be a slot 0..${slotCount - 1}, got ${position}`);
    }
    await this.serial(async () => {
      this.#targetPosition = position;
      await this.start(SLOT, (c, d) => c.sendNumbers(d, SLOT, { FILTER_SLOT_VALUE: position + 1 }));
    });
  }

  async setSlots(slots: FilterSlot[]): Promise<void> {
    this.session();
    const { slotCount } = this.capabilities;
    if (!Array.isArray(slots) || slots.length !== slotCount) {
      throw new RangeError(`slots must list ${slotCount} filters, got ${slots?.length}`);
    }
    for (const [i, slot] of slots.entries()) {
      if (typeof slot.name !== "string") throw new TypeError(`slots[${i}].name must be a string`);
      if (!Number.isFinite(slot.focusOffsetSteps)) {
        throw new RangeError(`slots[${i}].focusOffsetSteps must be a finite number`);
      }
    }
    await this.serial(async () => {
      const names = this.vector(NAMES);
      if (!names) throw conflict(`${this.options.device} has no ${NAMES} property to rename`);
      const values: Record<string, string> = {};
      slots.forEach((slot, i) => values[`FILTER_SLOT_NAME_${i + 1}`] = slot.name);
      await this.complete(NAMES, (c, d) => c.sendTexts(d, NAMES, values));
      this.#offsets = slots.map((s) => s.focusOffsetSteps);
      this.emitStatus();
    });
  }

  #slots(): FilterSlot[] {
    const names = this.vector(NAMES);
    return Array.from({ length: this.capabilities.slotCount }, (_, i) => {
      const member = names?.members.get(`FILTER_SLOT_NAME_${i + 1}`);
      return {
        name: typeof member?.value === "string" ? member.value : `Filter ${i + 1}`,
        focusOffsetSteps: this.#offsets[i] ?? 0,
      };
    });
  }

  protected override onSessionEnd(): void {
    this.#targetPosition = null;
  }
}
