/**
 * Simulated filter wheel: the wheel turns the shorter way round, taking `secondsPerSlot` per slot
 * passed, and reports no position while it turns (ASCOM's −1), so sequences that forget to wait
 * for the filter are caught. Options: filters (names, or {name, focusOffsetSteps}; default an
 * LRGB + narrowband set with typical offsets), secondsPerSlot (0.5), startSlot (0).
 */
import { conflict } from "../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import {
  type FilterSlot,
  filterSlots,
  type FilterWheel,
  type FilterWheelCapabilities,
  type FilterWheelStatus,
} from "../filterwheel.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import { DEFAULT_FILTERS, type SimFilterWheelOptions } from "./filterwheel_options.ts";
import { checkNumber, SimLink, Travel } from "./motion.ts";

export class SimFilterWheel implements FilterWheel, Simulated {
  readonly kind = "filterwheel" as const;
  readonly info: DeviceInfo = {
    name: "Simulated filter wheel",
    driver: "sim",
    description: "Filter wheel that turns the shorter way at a fixed time per slot",
    driverVersion: "1.0",
  };
  readonly capabilities: FilterWheelCapabilities;
  readonly faults: SimFaults;
  readonly #link: SimLink<FilterWheelStatus>;
  /** Position in slots, unwrapped so the wheel can turn either way through slot 0. */
  readonly #travel: Travel;
  readonly #slotsPerS: number;
  #slots: FilterSlot[];

  constructor(ctx: DriverContext<SimFilterWheelOptions>) {
    const { filters, secondsPerSlot, startSlot } = ctx.options;
    this.#slots = filters ? filterSlots(filters) : DEFAULT_FILTERS.map((slot) => ({ ...slot }));
    this.capabilities = { slotCount: this.#slots.length };
    this.#slotsPerS = 1 / secondsPerSlot;
    this.#travel = new Travel(ctx.clock, startSlot);
    this.#link = new SimLink({
      kind: "filterwheel",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => this.#travel.isMoving(),
      // A wheel that loses power mid-turn coasts into the nearest detent.
      onDrop: () => this.#travel.jumpTo(Math.round(this.#travel.halt())),
    });
    this.faults = this.#link.faults;
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): FilterWheelStatus {
    const moving = this.#travel.isMoving();
    return {
      connected: this.#link.connected,
      position: moving ? null : this.#slotOf(this.#travel.valueNow()),
      targetPosition: this.#slotOf(this.#travel.target),
      moving,
      slots: this.#slots.map((slot) => ({ ...slot })),
    };
  }

  onStatus(listener: (status: FilterWheelStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  async moveTo(position: number): Promise<void> {
    await this.#link.command("moveTo");
    const slotCount = this.#slots.length;
    checkNumber("position", position, { min: 0, max: slotCount - 1, integer: true });
    if (this.#travel.isMoving()) {
      throw conflict(
        `the filter wheel is already moving to slot ${this.#slotOf(this.#travel.target)}`,
      );
    }
    const currentSlot = this.#slotOf(this.#travel.valueNow());
    this.#travel.jumpTo(currentSlot); // re-base so the unwrapped value stays small
    let stepsSlots = (position - currentSlot + slotCount) % slotCount;
    if (stepsSlots > slotCount / 2) stepsSlots -= slotCount;
    this.#travel.moveTo(currentSlot + stepsSlots, this.#slotsPerS);
    this.#link.changed();
  }

  async setSlots(slots: FilterSlot[]): Promise<void> {
    await this.#link.command("setSlots");
    const slotCount = this.#slots.length;
    if (!Array.isArray(slots) || slots.length !== slotCount) {
      const got = Array.isArray(slots) ? `${slots.length} entries` : JSON.stringify(slots);
      throw new RangeError(`slots must have exactly ${slotCount} entries, got ${got}`);
    }
    this.#slots = slots.map((slot, i) => checkSlot(`slots[${i}]`, slot));
    this.#link.changed();
  }

  #slotOf(unwrappedSlots: number): number {
    const slotCount = this.#slots.length;
    return ((Math.round(unwrappedSlots) % slotCount) + slotCount) % slotCount;
  }
}

function checkSlot(what: string, slot: unknown): FilterSlot {
  const candidate = slot as Partial<FilterSlot> | null;
  if (
    typeof candidate !== "object" || candidate === null || typeof candidate.name !== "string" ||
    candidate.name.trim() === ""
  ) {
    throw new RangeError(`${what} must have a non-empty name, got ${JSON.stringify(slot)}`);
  }
  const focusOffsetSteps = candidate.focusOffsetSteps ?? 0;
  checkNumber(`${what}.focusOffsetSteps`, focusOffsetSteps, { integer: true });
  return { name: candidate.name.trim(), focusOffsetSteps };
}
