/**
 * The "moonlite" focuser driver: the Focuser contract over the Moonlite serial protocol. Moves
 * are `:SNXXXX#` then `:FG#`; halt is `:FQ#` followed by a fresh `:GP#` so the stop position is
 * reported at once; position, motion and temperature are polled. Options: MoonliteOptions.
 */
import { DeviceNotConnectedError } from "../../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../../device.ts";
import { Emitter } from "../../emitter.ts";
import type { Focuser, FocuserCapabilities, FocuserStatus } from "../../focuser.ts";
import { SerialLink } from "../link.ts";
import { NO_REPLY, untilTerminator } from "../port.ts";
import { formatPosition, parseMoving, parsePosition, parseTemperatureC } from "./codec.ts";
import type { MoonliteOptions } from "./options.ts";

const HASH = untilTerminator("#");

export class MoonliteFocuser implements Focuser {
  readonly kind = "focuser" as const;
  readonly info: DeviceInfo;
  readonly capabilities: FocuserCapabilities;
  #link: SerialLink;
  #status: FocuserStatus = {
    connected: false,
    position: 0,
    targetPosition: 0,
    moving: false,
    temperatureC: null,
  };
  #changes = new Emitter<FocuserStatus>();
  #lost = new Emitter<string>();
  #generation = 0;

  constructor(ctx: DriverContext<MoonliteOptions>) {
    const options = ctx.options;
    this.capabilities = {
      maxPosition: options.maxPosition,
      maxIncrement: options.maxIncrement ?? options.maxPosition,
      stepSizeUm: options.stepSizeUm,
      hasTemperature: true,
    };
    this.info = {
      name: `Moonlite focuser on ${options.path}`,
      driver: "moonlite",
      description: "Moonlite-protocol focuser over a serial port",
      driverVersion: "1.0.0",
    };
    this.#link = new SerialLink("focuser", options, ctx, (reason) => this.#onLost(reason));
  }

  async connect(_signal?: AbortSignal): Promise<void> {
    if (this.#status.connected) return;
    this.#link.open();
    try {
      await this.#link.request(":GV#", HASH); // firmware version: proves a Moonlite is there
      await this.#poll();
      this.#status.targetPosition = this.#status.position;
    } catch (err) {
      await this.#link.close();
      throw err;
    }
    this.#status.connected = true;
    this.#link.startPolling(() => this.#poll());
    this.#emit();
  }

  async disconnect(): Promise<void> {
    this.#status.connected = false;
    await this.#link.close();
    this.#emit();
  }

  status(): FocuserStatus {
    return { ...this.#status };
  }

  onStatus(listener: (status: FocuserStatus) => void): () => void {
    return this.#changes.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lost.on(listener);
  }

  async moveTo(position: number): Promise<void> {
    const { maxPosition, maxIncrement } = this.capabilities;
    if (!Number.isInteger(position) || position < 0 || position > maxPosition) {
      throw new RangeError(
        `position must be an integer within [0, ${maxPosition}], got ${position}`,
      );
    }
    this.#assertConnected();
    const distance = Math.abs(position - this.#status.position);
    if (distance > maxIncrement) {
      throw new RangeError(`a move of ${distance} steps exceeds maxIncrement ${maxIncrement}`);
    }
    this.#generation++;
    await this.#link.request(`:SN${formatPosition(position)}#`, NO_REPLY);
    await this.#link.request(":FG#", NO_REPLY);
    this.#generation++;
    this.#status.targetPosition = position;
    this.#status.moving = position !== this.#status.position;
    this.#emit();
  }

  async halt(): Promise<void> {
    this.#assertConnected();
    this.#generation++;
    await this.#link.request(":FQ#", NO_REPLY);
    const position = parsePosition(await this.#link.request(":GP#", HASH));
    this.#generation++;
    this.#status.position = position;
    this.#status.targetPosition = position;
    this.#status.moving = false;
    this.#emit();
  }

  async #poll(): Promise<void> {
    const generation = this.#generation;
    // "Moving?" before "where?": a move that ends between the two questions is then reported
    // still moving at its last position, never stopped short of its target.
    const moving = parseMoving(await this.#link.request(":GI#", HASH));
    const position = parsePosition(await this.#link.request(":GP#", HASH));
    const temperatureC = parseTemperatureC(await this.#link.request(":GT#", HASH));
    if (generation !== this.#generation) return; // a command overtook this poll
    const changed = position !== this.#status.position || moving !== this.#status.moving ||
      temperatureC !== this.#status.temperatureC;
    Object.assign(this.#status, { position, moving, temperatureC });
    if (changed) this.#emit();
  }

  #assertConnected(): void {
    if (!this.#status.connected || !this.#link.isOpen) throw new DeviceNotConnectedError("focuser");
  }

  #onLost(reason: string): void {
    if (!this.#status.connected) return;
    this.#status.connected = false;
    this.#status.moving = false;
    this.#emit();
    this.#lost.emit(reason);
  }

  #emit(): void {
    this.#changes.emit(this.status());
  }
}
