/** A remote Alpaca Focuser (absolute) behind our Focuser contract; the target is kept locally. */
import type { DriverContext } from "../device.ts";
import type { Focuser, FocuserCapabilities, FocuserStatus } from "../focuser.ts";
import { AlpacaDriver, bool, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

export class AlpacaFocuser extends AlpacaDriver<FocuserStatus> implements Focuser {
  readonly kind = "focuser";
  readonly capabilities: FocuserCapabilities = {
    maxPosition: 1,
    maxIncrement: 1,
    stepSizeUm: null,
    hasTemperature: false,
  };
  protected readonly stateMembers = {
    IsMoving: "ismoving",
    Position: "position",
    Temperature: "temperature",
  };
  #s: FocuserStatus = {
    connected: false,
    position: 0,
    targetPosition: 0,
    moving: false,
    temperatureC: null,
  };
  #targetKnown = false;

  constructor(ctx: DriverContext<AlpacaOptions>) {
    super(ctx, "focuser");
  }

  protected async load(): Promise<void> {
    if (!(await this.http.get<boolean>("absolute"))) {
      throw new Error("this Alpaca focuser is relative; only absolute focusers are supported");
    }
    this.capabilities.maxPosition = await this.http.get<number>("maxstep");
    this.capabilities.maxIncrement = await this.http.get<number>("maxincrement");
    this.capabilities.stepSizeUm = await this.http.get<number>("stepsize").catch(() => null);
    this.capabilities.hasTemperature = await this.http.get<number>("temperature")
      .then(() => true, () => false);
  }

  protected apply(state: Record<string, unknown>): void {
    this.#s.position = num(state.Position, this.#s.position);
    this.#s.moving = bool(state.IsMoving, this.#s.moving);
    this.#s.temperatureC = typeof state.Temperature === "number" ? state.Temperature : null;
    if (!this.#targetKnown) this.#s.targetPosition = this.#s.position;
  }

  protected snapshot(): FocuserStatus {
    return { ...this.#s };
  }

  async moveTo(position: number): Promise<void> {
    this.requireConnected();
    const { maxPosition, maxIncrement } = this.capabilities;
    if (!Number.isInteger(position) || position < 0 || position > maxPosition) {
      throw new RangeError(`position must be an integer within 0..${maxPosition}, got ${position}`);
    }
    if (Math.abs(position - this.#s.position) > maxIncrement) {
      throw new RangeError(
        `a move of ${position - this.#s.position} steps exceeds ${maxIncrement}`,
      );
    }
    await this.http.put("move", { Position: position });
    this.#s.targetPosition = position;
    this.#targetKnown = true;
    await this.reload();
  }

  async halt(): Promise<void> {
    await this.command("halt");
  }
}
