/**
 * ZWO EAF focusers through libEAFFocuser (registry id "zwo"). The EAF cannot push, so a poll
 * reads position, motion and temperature: every `pollIntervalMs` (100) while it moves, every
 * `statusIntervalMs` (1000) at rest, which also catches hand-controller moves. A new target
 * while moving stops the motor first (the SDK refuses EAFMove while moving), as ASCOM
 * focusers retarget. Codes meaning the EAF is gone end the connection and fire onLost.
 * Options: library, index | id | name, pollIntervalMs, statusIntervalMs.
 */
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import { Emitter } from "../emitter.ts";
import type { Focuser, FocuserCapabilities, FocuserStatus } from "../focuser.ts";
import { checkNumber } from "../sim/motion.ts";
import { EafSdk } from "./eaf_sdk.ts";
import { CallQueue } from "./library.ts";
import { deviceSelector, openSelectedAccessory, type ZwoFocuserOptions } from "./options.ts";
import { PollLoop } from "./poll_loop.ts";

/** How long a stop before a retarget may take to come to rest. */
const STOP_SETTLE_MS = 2000;

interface Session {
  sdk: EafSdk;
  id: number;
}

export class ZwoFocuser implements Focuser {
  readonly kind = "focuser" as const;
  readonly #log: Logger;
  readonly #options: ZwoFocuserOptions;
  // A "device gone" answer to any SDK call drops the connection.
  readonly #queue = new CallQueue((reason) => void this.#lose(reason));
  readonly #statusListeners = new Emitter<FocuserStatus>();
  readonly #lostListeners = new Emitter<string>();
  readonly #poll: PollLoop;
  #info: DeviceInfo = {
    name: "ZWO EAF",
    driver: "zwo",
    description: "ZWO EAF focuser through libEAFFocuser (not connected yet)",
    driverVersion: "1.0.0",
  };
  #capabilities: FocuserCapabilities = {
    maxPosition: 1,
    maxIncrement: 1,
    stepSizeUm: null,
    hasTemperature: true,
  };
  #session: Session | null = null;
  #status: FocuserStatus = {
    connected: false,
    position: 0,
    targetPosition: 0,
    moving: false,
    temperatureC: null,
  };

  constructor(ctx: DriverContext<ZwoFocuserOptions>) {
    this.#options = ctx.options;
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

  get capabilities(): FocuserCapabilities {
    return this.#capabilities;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#session) return;
    const sdk = EafSdk.open(this.#options.library);
    let chosenId: number | null = null;
    try {
      const chosen = await openSelectedAccessory(sdk, "EAF focuser", deviceSelector(this.#options));
      chosenId = chosen.id;
      const info = chosen.info;
      signal?.throwIfAborted();
      this.#capabilities = {
        maxPosition: info.maxStep,
        maxIncrement: info.maxStep,
        stepSizeUm: null,
        hasTemperature: true,
      };
      this.#info = {
        name: info.name,
        driver: "zwo",
        description: `ZWO ${info.name} (0..${info.maxStep} steps) through libEAFFocuser`,
        driverVersion: "1.0.0",
      };
      this.#session = { sdk, id: chosen.id };
      await this.#refresh();
      const position = this.#status.position;
      this.#status = { ...this.#status, connected: true, targetPosition: position };
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

  status(): FocuserStatus {
    return { ...this.#status };
  }

  onStatus(listener: (status: FocuserStatus) => void): () => void {
    return this.#statusListeners.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lostListeners.on(listener);
  }

  async moveTo(position: number): Promise<void> {
    const { sdk, id } = this.#requireSession();
    const { maxPosition } = this.#capabilities;
    checkNumber("position", position, { min: 0, max: maxPosition, integer: true });
    if ((await this.#queue.run(() => sdk.isMoving(id))).moving) {
      await this.#queue.run(() => sdk.stop(id));
      // An I/O deadline runs on the monotonic clock: the phone setting the box's time must not
      // cut it short or stretch it.
      const settleByMs = performance.now() + STOP_SETTLE_MS;
      while ((await this.#queue.run(() => sdk.isMoving(id))).moving) {
        if (performance.now() > settleByMs) {
          throw new Error("the EAF did not stop for the new target");
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await this.#queue.run(() => sdk.move(id, position));
    this.#status = { ...this.#status, targetPosition: position, moving: true };
    this.#emit();
    this.#poll.soon(this.#options.pollIntervalMs);
  }

  async halt(): Promise<void> {
    const { sdk, id } = this.#requireSession();
    await this.#queue.run(() => sdk.stop(id));
    await this.#refresh();
  }

  #requireSession(): Session {
    if (!this.#session) throw new DeviceNotConnectedError("focuser");
    return this.#session;
  }

  /** Reads motion, position and temperature; emits when anything changed. */
  async #refresh(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const { sdk, id } = session;
    const { moving } = await this.#queue.run(() => sdk.isMoving(id));
    const position = await this.#queue.run(() => sdk.position(id));
    // −273 °C (with an error) while the EAF is moved by hand: no reading, not a failure.
    const tempC = await this.#queue.run(() => sdk.temperatureC(id)).catch(() => null);
    const temperatureC = tempC === null || tempC < -100 ? null : Math.round(tempC * 100) / 100;
    const before = this.#status;
    this.#status = { ...before, position, moving, temperatureC };
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
    this.#status = { ...this.#status, connected: false, moving: false };
    this.#emit();
    return true;
  }

  async #lose(reason: string): Promise<void> {
    if (await this.#release()) {
      this.#log.warn("zwo focuser lost", { reason });
      this.#lostListeners.emit(reason);
    }
  }
}
