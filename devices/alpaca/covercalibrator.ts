/** A remote Alpaca CoverCalibrator behind our FlatPanel contract. */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type {
  CalibratorState,
  CoverState,
  FlatPanel,
  FlatPanelCapabilities,
  FlatPanelStatus,
} from "../flatpanel.ts";
import { AlpacaDriver, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

const COVER: CoverState[] = ["notPresent", "closed", "moving", "open", "unknown", "error"];
const CALIBRATOR: CalibratorState[] = [
  "notPresent",
  "off",
  "notReady",
  "ready",
  "unknown",
  "error",
];

export class AlpacaFlatPanel extends AlpacaDriver<FlatPanelStatus> implements FlatPanel {
  readonly kind = "flatpanel";
  readonly capabilities: FlatPanelCapabilities = {
    hasCover: false,
    hasLight: false,
    maxBrightness: 0,
  };
  protected readonly stateMembers = {
    Brightness: "brightness",
    CalibratorState: "calibratorstate",
    CoverState: "coverstate",
  };
  #s: FlatPanelStatus = {
    connected: false,
    cover: "unknown",
    calibrator: "unknown",
    brightness: 0,
  };

  constructor(ctx: DriverContext<AlpacaOptions>) {
    super(ctx, "covercalibrator");
  }

  protected async load(): Promise<void> {
    this.capabilities.hasCover = (await this.http.get<number>("coverstate")) !== 0;
    this.capabilities.hasLight = (await this.http.get<number>("calibratorstate")) !== 0;
    this.capabilities.maxBrightness = this.capabilities.hasLight
      ? await this.http.get<number>("maxbrightness")
      : 0;
  }

  protected apply(state: Record<string, unknown>): void {
    this.#s.cover = COVER[num(state.CoverState, 4)] ?? "unknown";
    this.#s.calibrator = CALIBRATOR[num(state.CalibratorState, 4)] ?? "unknown";
    this.#s.brightness = num(state.Brightness, this.#s.brightness);
  }

  protected snapshot(): FlatPanelStatus {
    return { ...this.#s };
  }

  openCover(): Promise<void> {
    return this.#cover("opencover");
  }

  closeCover(): Promise<void> {
    return this.#cover("closecover");
  }

  haltCover(): Promise<void> {
    return this.#cover("haltcover");
  }

  async lightOn(brightness: number): Promise<void> {
    this.requireConnected();
    if (!this.capabilities.hasLight) throw conflict("This flat panel has no light");
    const max = this.capabilities.maxBrightness;
    if (!Number.isInteger(brightness) || brightness < 1 || brightness > max) {
      throw new RangeError(`brightness must be an integer within 1..${max}, got ${brightness}`);
    }
    await this.command("calibratoron", { Brightness: brightness });
  }

  async lightOff(): Promise<void> {
    this.requireConnected();
    if (!this.capabilities.hasLight) throw conflict("This flat panel has no light");
    await this.command("calibratoroff");
  }

  async #cover(member: string): Promise<void> {
    this.requireConnected();
    if (!this.capabilities.hasCover) throw conflict("This flat panel has no cover");
    await this.command(member);
  }
}
