/**
 * Simulated flat panel with a motorised dust cover (an Alnitak Flip-Flat, say): the cover takes
 * `coverSeconds` to swing, reads "moving" meanwhile and "unknown" if halted half way, and the
 * light reads "notReady" for `warmupSeconds` after being switched on (an electroluminescent panel
 * needs a moment to stabilise before flats are taken). Options: coverSeconds (3),
 * maxBrightness (255), warmupSeconds (0.5), hasCover (true), hasLight (true).
 */
import type { Clock } from "../../lib/clock.ts";
import { conflict } from "../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import type {
  CalibratorState,
  CoverState,
  FlatPanel,
  FlatPanelCapabilities,
  FlatPanelStatus,
} from "../flatpanel.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import type { SimFlatPanelOptions } from "./flatpanel_options.ts";
import { checkNumber, SimLink, Travel } from "./motion.ts";

/** Cover travel as a fraction: 0 closed, 1 open. */
const CLOSED = 0;
const OPEN = 1;

export class SimFlatPanel implements FlatPanel, Simulated {
  readonly kind = "flatpanel" as const;
  readonly info: DeviceInfo = {
    name: "Simulated flat panel",
    driver: "sim",
    description: "Flat panel with a motorised cover and a light that needs to stabilise",
    driverVersion: "1.0",
  };
  readonly capabilities: FlatPanelCapabilities;
  readonly faults: SimFaults;
  readonly #clock: Clock;
  readonly #link: SimLink<FlatPanelStatus>;
  readonly #cover: Travel;
  readonly #coverFractionPerS: number;
  readonly #warmupMs: number;
  #brightness = 0;
  #readyAtMs = 0;

  constructor(ctx: DriverContext<SimFlatPanelOptions>) {
    const options = ctx.options;
    this.capabilities = {
      hasCover: options.hasCover,
      hasLight: options.hasLight,
      maxBrightness: options.hasLight ? options.maxBrightness : 0,
    };
    this.#coverFractionPerS = 1 / options.coverSeconds;
    this.#warmupMs = options.warmupSeconds * 1000;
    this.#clock = ctx.clock;
    this.#cover = new Travel(ctx.clock, CLOSED);
    this.#link = new SimLink({
      kind: "flatpanel",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => this.#cover.isMoving() || this.#warmingUp(),
      // Power loss stops the cover motor wherever it is; the light goes dark.
      onDrop: () => {
        this.#cover.halt();
        this.#brightness = 0;
      },
    });
    this.faults = this.#link.faults;
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): FlatPanelStatus {
    return {
      connected: this.#link.connected,
      cover: this.#coverState(),
      calibrator: this.#calibratorState(),
      brightness: this.#brightness,
    };
  }

  onStatus(listener: (status: FlatPanelStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  async openCover(): Promise<void> {
    await this.#link.command("openCover");
    this.#moveCover(OPEN);
  }

  async closeCover(): Promise<void> {
    await this.#link.command("closeCover");
    this.#moveCover(CLOSED);
  }

  async haltCover(): Promise<void> {
    await this.#link.command("haltCover");
    this.#requireCover();
    this.#cover.halt();
    this.#link.changed();
  }

  async lightOn(brightness: number): Promise<void> {
    await this.#link.command("lightOn");
    if (!this.capabilities.hasLight) throw conflict("this flat panel has no light");
    checkNumber("brightness", brightness, {
      min: 1,
      max: this.capabilities.maxBrightness,
      integer: true,
    });
    this.#brightness = brightness;
    // Any change of level restarts the stabilisation, as on real EL panels.
    this.#readyAtMs = this.#clock.now() + this.#warmupMs;
    this.#link.changed();
  }

  async lightOff(): Promise<void> {
    await this.#link.command("lightOff");
    if (!this.capabilities.hasLight) throw conflict("this flat panel has no light");
    this.#brightness = 0;
    this.#link.changed();
  }

  #moveCover(fraction: number): void {
    this.#requireCover();
    // Reversing mid-swing starts from where the cover is, like a real motor.
    this.#cover.moveTo(fraction, this.#coverFractionPerS);
    this.#link.changed();
  }

  #requireCover(): void {
    if (!this.capabilities.hasCover) throw conflict("this flat panel has no cover");
  }

  #coverState(): CoverState {
    if (!this.capabilities.hasCover) return "notPresent";
    if (this.#cover.isMoving()) return "moving";
    const fraction = this.#cover.valueNow();
    if (fraction >= OPEN) return "open";
    if (fraction <= CLOSED) return "closed";
    return "unknown"; // halted (or powered off) part way
  }

  #calibratorState(): CalibratorState {
    if (!this.capabilities.hasLight) return "notPresent";
    if (this.#brightness === 0) return "off";
    return this.#warmingUp() ? "notReady" : "ready";
  }

  #warmingUp(): boolean {
    return this.#brightness > 0 && this.#clock.now() < this.#readyAtMs;
  }
}
