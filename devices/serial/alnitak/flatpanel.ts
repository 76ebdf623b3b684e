/**
 * The "alnitak" flat panel driver: the FlatPanel contract over the Alnitak serial protocol
 * (Flip-Flat, Flat-Man, Flip-Mask). The ping's product id decides whether there is a cover and
 * a light; cover and light are polled with `>S` and `>J`. The light is "notReady" from `>L` until
 * the panel reports it on at the asked brightness. The protocol has no way to stop the cover
 * motor, so haltCover answers 501. Options: `path` (required), `baud` (9600), `timeoutMs`,
 * `pollMs`.
 */
import { conflict, DeviceNotConnectedError, notImplemented } from "../../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../../device.ts";
import { Emitter } from "../../emitter.ts";
import type { FlatPanel, FlatPanelCapabilities, FlatPanelStatus } from "../../flatpanel.ts";
import { SerialLink } from "../link.ts";
import type { AlnitakOptions } from "./options.ts";
import { untilTerminator } from "../port.ts";
import {
  ALNITAK_MAX_BRIGHTNESS,
  formatCommand,
  parseBrightness,
  parseReply,
  parseState,
  productFor,
} from "./codec.ts";

const LINE = untilTerminator("\n");

export class AlnitakFlatPanel implements FlatPanel {
  readonly kind = "flatpanel" as const;
  readonly info: DeviceInfo;
  /** Filled in by the ping at connect; until then a Flip-Flat (cover and light) is assumed. */
  readonly capabilities: FlatPanelCapabilities = {
    hasCover: true,
    hasLight: true,
    maxBrightness: ALNITAK_MAX_BRIGHTNESS,
  };
  #link: SerialLink;
  #status: FlatPanelStatus = {
    connected: false,
    cover: "unknown",
    calibrator: "off",
    brightness: 0,
  };
  #requestedBrightness = 0;
  #changes = new Emitter<FlatPanelStatus>();
  #lost = new Emitter<string>();
  #generation = 0;

  constructor(ctx: DriverContext<AlnitakOptions>) {
    const options = ctx.options;
    this.info = {
      name: `Alnitak panel on ${options.path}`,
      driver: "alnitak",
      description: "Alnitak Flip-Flat / Flat-Man over a serial port",
      driverVersion: "1.0.0",
    };
    this.#link = new SerialLink("flatpanel", options, ctx, (reason) => this.#onLost(reason));
  }

  async connect(_signal?: AbortSignal): Promise<void> {
    if (this.#status.connected) return;
    this.#link.open();
    try {
      const product = productFor((await this.#command("P")).productId);
      this.capabilities.hasCover = product.hasCover;
      this.capabilities.hasLight = product.hasLight;
      this.info.name = `Alnitak ${product.name}`;
      await this.#poll();
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

  status(): FlatPanelStatus {
    return { ...this.#status };
  }

  onStatus(listener: (status: FlatPanelStatus) => void): () => void {
    return this.#changes.on(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#lost.on(listener);
  }

  openCover(): Promise<void> {
    return this.#moveCover("O");
  }

  closeCover(): Promise<void> {
    return this.#moveCover("C");
  }

  haltCover(): Promise<void> {
    this.#assertConnected();
    return Promise.reject(notImplemented("The Alnitak protocol cannot stop the cover midway"));
  }

  async lightOn(brightness: number): Promise<void> {
    if (!Number.isInteger(brightness) || brightness < 1 || brightness > ALNITAK_MAX_BRIGHTNESS) {
      throw new RangeError(`brightness must be an integer within [1, 255], got ${brightness}`);
    }
    this.#assertConnected();
    if (!this.capabilities.hasLight) throw conflict("This Alnitak panel has no light");
    this.#generation++;
    await this.#command("B", brightness);
    await this.#command("L");
    this.#generation++;
    this.#requestedBrightness = brightness;
    this.#status.calibrator = "notReady";
    this.#emit();
  }

  async lightOff(): Promise<void> {
    this.#assertConnected();
    if (!this.capabilities.hasLight) throw conflict("This Alnitak panel has no light");
    this.#generation++;
    await this.#command("D");
    this.#generation++;
    this.#requestedBrightness = 0;
    Object.assign(this.#status, { calibrator: "off", brightness: 0 });
    this.#emit();
  }

  async #moveCover(letter: "O" | "C"): Promise<void> {
    this.#assertConnected();
    if (!this.capabilities.hasCover) throw conflict("This Alnitak panel has no cover");
    this.#generation++;
    await this.#command(letter);
    this.#generation++;
    this.#status.cover = "moving";
    this.#emit();
  }

  async #command(letter: string, argument?: number) {
    return parseReply(await this.#link.request(formatCommand(letter, argument), LINE), letter);
  }

  async #poll(): Promise<void> {
    const generation = this.#generation;
    const state = parseState((await this.#command("S")).payload);
    const brightness = state.lightOn ? parseBrightness((await this.#command("J")).payload) : 0;
    if (generation !== this.#generation) return;
    const next: FlatPanelStatus = { ...this.#status };
    next.cover = !this.capabilities.hasCover
      ? "notPresent"
      : state.cover === "moving" && !state.motorRunning
      ? "unknown"
      : state.cover;
    if (!this.capabilities.hasLight) {
      next.calibrator = "notPresent";
      next.brightness = 0;
    } else if (!state.lightOn) {
      next.calibrator = "off";
      next.brightness = 0;
    } else {
      next.brightness = brightness;
      next.calibrator = this.#requestedBrightness === 0 || brightness === this.#requestedBrightness
        ? "ready"
        : "notReady";
    }
    const changed = JSON.stringify(next) !== JSON.stringify(this.#status);
    this.#status = next;
    if (changed) this.#emit();
  }

  #assertConnected(): void {
    if (!this.#status.connected || !this.#link.isOpen) {
      throw new DeviceNotConnectedError("flatpanel");
    }
  }

  #onLost(reason: string): void {
    if (!this.#status.connected) return;
    this.#status.connected = false;
    this.#emit();
    this.#lost.emit(reason);
  }

  #emit(): void {
    this.#changes.emit(this.status());
  }
}
