/**
 * Focuser over INDI's standard focuser properties: ABS_FOCUS_POSITION (absolute steps; Busy while
 * moving), FOCUS_MAX (range), FOCUS_ABORT_MOTION (halt) and FOCUS_TEMPERATURE when the focuser
 * has a probe. Only absolute focusers fit the contract, so ABS_FOCUS_POSITION is required.
 */
import type { DriverContext } from "../device.ts";
import type { Focuser, FocuserCapabilities, FocuserStatus } from "../focuser.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import { numberMember, numberValue } from "./properties.ts";

const POSITION = "ABS_FOCUS_POSITION";

export class IndiFocuser extends IndiDevice<FocuserStatus> implements Focuser {
  readonly kind = "focuser" as const;
  protected readonly requiredProperties = [POSITION] as const;
  #targetPosition: number | null = null;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI focuser");
  }

  get capabilities(): FocuserCapabilities {
    const absMax = numberMember(this.vector(POSITION), "FOCUS_ABSOLUTE_POSITION")?.max;
    const maxPosition = Math.max(
      1,
      Math.floor(numberValue(this.vector("FOCUS_MAX"), "FOCUS_MAX_VALUE", absMax ?? 100_000)),
    );
    return {
      maxPosition,
      maxIncrement: maxPosition,
      stepSizeUm: null,
      hasTemperature: this.vector("FOCUS_TEMPERATURE") !== undefined,
    };
  }

  protected snapshot(connected: boolean): FocuserStatus {
    const v = this.vector(POSITION);
    const position = Math.round(numberValue(v, "FOCUS_ABSOLUTE_POSITION", 0));
    const moving = v?.state === "Busy";
    const temperature = this.vector("FOCUS_TEMPERATURE");
    return {
      connected,
      position,
      targetPosition: this.#targetPosition ?? position,
      moving,
      temperatureC: temperature ? numberValue(temperature, "TEMPERATURE", NaN) : null,
    };
  }

  async moveTo(position: number): Promise<void> {
    this.session();
    const { maxPosition, maxIncrement } = this.capabilities;
    if (!Number.isInteger(position) || position < 0 || position > maxPosition) {
      throw new RangeError(`position must be an integer 0..${maxPosition}, got ${position}`);
    }
    if (Math.abs(position - this.status().position) > maxIncrement) {
      throw new RangeError(`position: a move may not exceed ${maxIncrement} steps`);
    }
    await this.serial(async () => {
      this.#targetPosition = position;
      await this.start(
        POSITION,
        (c, d) => c.sendNumbers(d, POSITION, { FOCUS_ABSOLUTE_POSITION: position }),
      );
    });
  }

  async halt(): Promise<void> {
    this.session();
    await this.serial(async () => {
      if (this.vector("FOCUS_ABORT_MOTION")) {
        await this.start(
          "FOCUS_ABORT_MOTION",
          (c, d) => c.sendSwitches(d, "FOCUS_ABORT_MOTION", { ABORT: true }),
        );
      }
      this.#targetPosition = this.status().position;
    });
  }

  protected override onSessionEnd(): void {
    this.#targetPosition = null;
  }
}
