/**
 * A remote Alpaca FilterWheel behind our FilterWheel contract. Names and focus offsets are read
 * at connect; `setSlots` uses our server's `OpenSkyLab:SetSlots` action when offered, and
 * otherwise keeps the names locally (as desktop programs do), since ASCOM cannot rename slots.
 */
import type { DriverContext } from "../device.ts";
import type {
  FilterSlot,
  FilterWheel,
  FilterWheelCapabilities,
  FilterWheelStatus,
} from "../filterwheel.ts";
import { AlpacaDriver, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

const SET_SLOTS_ACTION = "OpenSkyLab:SetSlots";

export class AlpacaFilterWheel extends AlpacaDriver<FilterWheelStatus> implements FilterWheel {
  readonly kind = "filterwheel";
  readonly capabilities: FilterWheelCapabilities = { slotCount: 1 };
  protected readonly stateMembers = { Position: "position" };
  #s: FilterWheelStatus = {
    connected: false,
    position: null,
    targetPosition: null,
    moving: false,
    slots: [],
  };
  #canSetSlots = false;

  constructor(ctx: DriverContext<AlpacaOptions>) {
    super(ctx, "filterwheel");
  }

  protected async load(): Promise<void> {
    const names = await this.http.get<string[]>("names");
    const offsets = await this.http.get<number[]>("focusoffsets").catch(() => [] as number[]);
    this.capabilities.slotCount = names.length;
    this.#s.slots = names.map((name, i) => ({ name, focusOffsetSteps: offsets[i] ?? 0 }));
    const actions = await this.http.get<string[]>("supportedactions").catch(() => [] as string[]);
    this.#canSetSlots = actions.some((a) => a.toLowerCase() === SET_SLOTS_ACTION.toLowerCase());
  }

  protected apply(state: Record<string, unknown>): void {
    const position = num(state.Position, -1);
    this.#s.position = position < 0 ? null : position;
    this.#s.moving = position < 0;
    if (this.#s.targetPosition === null && position >= 0) this.#s.targetPosition = position;
  }

  protected snapshot(): FilterWheelStatus {
    return { ...this.#s, slots: this.#s.slots.map((s) => ({ ...s })) };
  }

  async moveTo(position: number): Promise<void> {
    this.requireConnected();
    const count = this.capabilities.slotCount;
    if (!Number.isInteger(position) || position < 0 || position >= count) {
      throw new RangeError(`position must be an integer within 0..${count - 1}, got ${position}`);
    }
    await this.http.put("position", { Position: position });
    this.#s.targetPosition = position;
    await this.reload();
  }

  async setSlots(slots: FilterSlot[]): Promise<void> {
    this.requireConnected();
    if (!Array.isArray(slots) || slots.length !== this.capabilities.slotCount) {
      throw new RangeError(`slots must list exactly ${this.capabilities.slotCount} filters`);
    }
    for (const [i, slot] of slots.entries()) {
      if (typeof slot.name !== "string" || !Number.isFinite(slot.focusOffsetSteps)) {
        throw new RangeError(`slots[${i}] needs a name and a finite focusOffsetSteps`);
      }
    }
    const copy = slots.map((s) => ({ name: s.name, focusOffsetSteps: s.focusOffsetSteps }));
    if (this.#canSetSlots) {
      await this.http.put("action", { Action: SET_SLOTS_ACTION, Parameters: JSON.stringify(copy) });
    }
    this.#s.slots = copy;
    this.emit();
  }
}
