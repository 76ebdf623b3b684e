/**
 * ZWO EFW filter wheels through libEFWFilter (registry id "zwo"). The EFW reports −1 while it
 * turns, which is the contract's `position: null`; a poll reads it every `pollIntervalMs` (100)
 * while turning and every `statusIntervalMs` (1000) at rest. Filter names and focus offsets are
 * ours, not the wheel's: the `filters` option (names, or {name, focusOffsetSteps}, one per slot)
 * or "Filter 1…n", then setSlots. A move while turning is the SDK's EFW_ERROR_MOVING, a 409.
 * Options: library, index | id | name, filters, pollIntervalMs, statusIntervalMs.
 */
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import {
  type FilterSlot,
  filterSlots,
  type FilterWheel,
  type FilterWheelCapabilities,
  type FilterWheelStatus,
} from "../filterwheel.ts";
import { checkNumber } from "../sim/motion.ts";
import { EfwSdk } from "./efw_sdk.ts";
import { CallQueue } from "./library.ts";
import { deviceSelector, openSelectedAccessory, type ZwoFilterWheelOptions } from "./options.ts";
import { PollLoop } from "./poll_loop.ts";

interface Session {
  sdk: EfwSdk;
  id: number;
}

export class ZwoFilterWheel implements FilterWheel {
  readonly kind = "filterwheel" as const;
  readonly #log: Logger;
  readonly #options: ZwoFilterWheelOptions;
  readonly #configuredSlots: FilterSlot[] | null;
  // A "device gone" answer to any SDK call drops the connection.
  readonly #queue = new CallQueue((reason) => void this.#lose(reason));
  readonly #statusListeners = new Emitter<FilterWheelStatus>();
  readonly #lostListeners = new Emitter<string>();
  readonly #poll: PollLoop;
  #info: DeviceInfo = {
    name: "ZWO EFW",
    driver: "zwo",
    description: "ZWO EFW filter wheel through libEFWFilter (not connected yet)",
    driverVersion: "1.0.0",
  };
  #capabilities: FilterWheelCapabilities = { slotCount: 1 };
  #session: Session | null = null;
  #status: FilterWheelStatus = {
    connected: false,
    position: null,
    targetPosition: null,
    moving: false,
    slots: [],
  };

  constructor(ctx: DriverContext<ZwoFilterWheelOptions>) {
    this.#options = ctx.options;
    this.#configuredSlots = ctx.options.filters ? filterSlots(ctx.options.filters) : null;
    this.#log = ctx.log;
    const { pollIntervalMs, statusIntervalMs } = this.#options;
    this.#poll = new PollLoop(
      () => this.#refresh(),
      () => this.#status.moving ? pollIntervalMs : statusIntervalMs,
    );
  }

  get info(): DeviceInfo {
    return this.#info;
  }

  get capabilities(): FilterWheelCapabilities {
    return this.#capabilities;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#session) return;
    const sdk = EfwSdk.open(this.#options.library);
    let chosenId: number | null = null;
    try {
      const chosen = await openSelectedAccessory(
        sdk,
        "EFW filter wheel",
        deviceSelector(this.#options),
      );
      chosenId = chosen.id;
      const info = chosen.info;
      signal?.throwIfAborted();
      const slots = this.#configuredSlots ??
        Array.from({ length: info.slotCount }, (_, i) => ({
          name: `Filter ${i + 1}`,
          focusOffsetSteps: 0,
        }));
      if (slots.length !== info.slotCount) {
        throw new RangeError(
          `option filters names ${slots.length} filters, but ${info.name} has ` +
            `${info.slotCount} slots`,
        );
      }
      this.#capabilities = { slotCount: info.slotCount };
      this.#info = {
        name: info.name,
        driver: "zwo",
        description: `ZWO ${info.name} with ${info.slotCount} slots through libEFWFilter`,
        driverVersion: "1.0.0",
      };
      this.#session = { sdk, id: chosen.id };
      this.#status = { ...this.#status, slots: slots.map((slot) => ({ ...slot })) };
      await this.#refresh();
      this.#status = { ...this.#status, connected: true };
    } catch (err) {
      this.#session = null;
      if (chosenId !== null) await sdk.closeDevice(chosenId).catch(() => {});
      sdk.close();
      throw err;
    }
    this.#emit();
    this.#poll.start();
  }

  async disconnect(): Promise<void> {
    await this.#release();
  }

  status(): FilterWheelStatus {
    return { ...this.#status, slots: this.#status.slots.map((slot) => ({ ...slot })) };
  }

  onStatus(listener: (status: FilterWheelStatus) => void): () => void {
    return this.#statusListeners.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostListeners.on(listener);
  }

  async moveTo(position: number): Promise<void> {
    const { sdk, id } = this.#requireSession();
    const { slotCount } = this.#capabilities;
    checkNumber("position", position, { min: 0, max: slotCount - 1, integer: true });
    await this.#queue.run(() => sdk.setPosition(id, position));
    this.#status = { ...this.#status, targetPosition: position, position: null, moving: true };
    this.#emit();
    this.#poll.soon(this.#options.pollIntervalMs);
  }

  setSlots(slots: FilterSlot[]): Promise<void> {
    this.#requireSession();
    const parsed = parseSlots("slots", slots, this.#capabilities.slotCount);
    this.#status = { ...this.#status, slots: parsed };
    this.#emit();
    return Promise.resolve();
  }

  #requireSession(): Session {
    if (!this.#session) throw new DeviceNotConnectedError("filterwheel");
    return this.#session;
  }

  async #refresh(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const raw = await this.#queue.run(() => session.sdk.position(session.id));
    const moving = raw < 0;
    const before = this.#status;
    this.#status = {
      ...before,
      position: moving ? null : raw,
      moving,
      // A wheel found at rest (or homing to slot 0) has its target where it is.
      targetPosition: before.targetPosition ?? (moving ? null : raw),
    };
    if (JSON.stringify(before) !== JSON.stringify(this.#status)) this.#emit();
  }

  #emit(): void {
    this.#statusListeners.emit(this.status());
  }

  async #release(): Promise<boolean> {
    const session = this.#session;
    if (!session) return false;
    this.#session = null;
    await this.#poll.stop();
    await this.#queue.drained();
    await session.sdk.closeDevice(session.id).catch(() => {});
    session.sdk.close();
    this.#status = { ...this.#status, connected: false };
    this.#emit();
    return true;
  }

  async #lose(reason: string): Promise<void> {
    if (await this.#release()) {
      this.#log.warn("zwo filter wheel lost", { reason });
      this.#lostListeners.emit(reason);
    }
  }
}

/** Slot names and offsets; `count` null accepts any non-empty list (checked at connect). */
function parseSlots(what: string, value: unknown, count: number | null): FilterSlot[] {
  if (!Array.isArray(value) || value.length === 0 || (count !== null && value.length !== count)) {
    const got = Array.isArray(value) ? `${value.length} entries` : JSON.stringify(value);
    const wanted = count === null ? "a non-empty list" : `exactly ${count} entries`;
    throw new RangeError(
      `${what} must have ${wanted} (names or {name, focusOffsetSteps}), got ${got}`,
    );
  }
  return value.map((entry, i) => {
    const slot = typeof entry === "string" ? { name: entry, focusOffsetSteps: 0 } : entry;
    if (
      typeof slot !== "object" || slot === null || typeof slot.name !== "string" ||
      !slot.name.trim()
    ) {
      throw new RangeError(
        `${what}[${i}] must have a non-empty name, got ${JSON.stringify(entry)}`,
      );
    }
    const focusOffsetSteps = slot.focusOffsetSteps ?? 0;
    checkNumber(`${what}[${i}].focusOffsetSteps`, focusOffsetSteps, { integer: true });
    return { name: slot.name.trim(), focusOffsetSteps };
  });
}
