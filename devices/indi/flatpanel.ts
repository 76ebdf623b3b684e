/**
 * Flat panel over INDI's light box properties: FLAT_LIGHT_CONTROL (FLAT_LIGHT_ON / _OFF),
 * FLAT_LIGHT_INTENSITY (0..max; Busy while it settles), and a dust cap's CAP_PARK (PARK closes,
 * UNPARK opens; Busy while moving) with CAP_ABORT where the device has one. Presence of each
 * property decides hasLight / hasCover.
 */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type {
  CalibratorState,
  CoverState,
  FlatPanel,
  FlatPanelCapabilities,
  FlatPanelStatus,
} from "../flatpanel.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import { numberMember, numberValue, switchOn } from "./properties.ts";

const CONTROL = "FLAT_LIGHT_CONTROL";
const INTENSITY = "FLAT_LIGHT_INTENSITY";
const CAP = "CAP_PARK";

export class IndiFlatPanel extends IndiDevice<FlatPanelStatus> implements FlatPanel {
  readonly kind = "flatpanel" as const;
  protected readonly requiredProperties = [] as const;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI flat panel");
  }

  get capabilities(): FlatPanelCapabilities {
    const hasLight = this.vector(CONTROL) !== undefined;
    const max = numberMember(this.vector(INTENSITY), "FLAT_LIGHT_INTENSITY_VALUE")?.max ?? 0;
    return {
      hasCover: this.vector(CAP) !== undefined,
      hasLight,
      maxBrightness: hasLight ? Math.max(1, Math.floor(max) || 1) : 0,
    };
  }

  protected snapshot(connected: boolean): FlatPanelStatus {
    return { connected, cover: this.#cover(), ...this.#light() };
  }

  #cover(): CoverState {
    const cap = this.vector(CAP);
    if (!cap) return "notPresent";
    if (cap.state === "Alert") return "error";
    if (cap.state === "Busy") return "moving";
    if (switchOn(cap, "PARK")) return "closed";
    return switchOn(cap, "UNPARK") ? "open" : "unknown";
  }

  #light(): { calibrator: CalibratorState; brightness: number } {
    const control = this.vector(CONTROL);
    if (!control) return { calibrator: "notPresent", brightness: 0 };
    if (!switchOn(control, "FLAT_LIGHT_ON")) {
      return { calibrator: control.state === "Alert" ? "error" : "off", brightness: 0 };
    }
    const intensity = this.vector(INTENSITY);
    const brightness = Math.round(numberValue(intensity, "FLAT_LIGHT_INTENSITY_VALUE", 0));
    const states = [control.state, intensity?.state];
    const calibrator: CalibratorState = states.includes("Alert")
      ? "error"
      : states.includes("Busy")
      ? "notReady"
      : "ready";
    return { calibrator, brightness };
  }

  async openCover(): Promise<void> {
    await this.#capCommand("UNPARK");
  }

  async closeCover(): Promise<void> {
    await this.#capCommand("PARK");
  }

  async haltCover(): Promise<void> {
    this.session();
    if (!this.capabilities.hasCover) throw conflict(`${this.options.device} has no cover`);
    if (!this.vector("CAP_ABORT")) throw conflict(`${this.options.device} cannot halt its cover`);
    await this.serial(() =>
      this.start("CAP_ABORT", (c, d) => c.sendSwitches(d, "CAP_ABORT", { ABORT: true }))
    );
  }

  async #capCommand(member: "PARK" | "UNPARK"): Promise<void> {
    this.session();
    if (!this.capabilities.hasCover) throw conflict(`${this.options.device} has no cover`);
    await this.serial(() => this.start(CAP, (c, d) => c.sendSwitches(d, CAP, { [member]: true })));
  }

  async lightOn(brightness: number): Promise<void> {
    this.session();
    const { hasLight, maxBrightness } = this.capabilities;
    if (!hasLight) throw conflict(`${this.options.device} has no light`);
    if (!Number.isInteger(brightness) || brightness < 1 || brightness > maxBrightness) {
      throw new RangeError(`brightness must be an integer 1..${maxBrightness}, got ${brightness}`);
    }
    await this.serial(async () => {
      // Intensity first: the light then comes on at the asked level, never at the old one.
      if (this.vector(INTENSITY)) {
        await this.complete(
          INTENSITY,
          (c, d) => c.sendNumbers(d, INTENSITY, { FLAT_LIGHT_INTENSITY_VALUE: brightness }),
        );
      }
      await this.complete(CONTROL, (c, d) => c.sendSwitches(d, CONTROL, { FLAT_LIGHT_ON: true }));
    });
  }

  async lightOff(): Promise<void> {
    this.session();
    if (!this.capabilities.hasLight) throw conflict(`${this.options.device} has no light`);
    await this.serial(() =>
      this.complete(CONTROL, (c, d) => c.sendSwitches(d, CONTROL, { FLAT_LIGHT_OFF: true }))
    );
  }
}
