/**
 * Simulated absolute focuser: it moves at a finite speed between 0 and `maxPosition`, halts where
 * it is, refuses moves longer than `maxIncrement`, and reports a temperature that cools slowly
 * through the night with a small ripple, so temperature-compensation and autofocus logic see
 * realistic input. Options: speedStepsPerS (1000), maxPosition (50000), startPosition (25000),
 * maxIncrement (= maxPosition), stepSizeUm (3.76), ambientC (12). It shares its position and
 * temperature through the registry's optics link, so a simulated camera can follow a V-curve.
 */
import type { Clock } from "../../lib/clock.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import type { Focuser, FocuserCapabilities, FocuserStatus } from "../focuser.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import type { SimFocuserOptions } from "./focuser_options.ts";
import { checkNumber, roundTo, SimLink, Travel } from "./motion.ts";
import type { SimOpticsLink } from "./optics_link.ts";

/** Night-time cooling of the tube, °C per hour. */
const COOLING_C_PER_H = 0.5;
/** Air turbulence ripple on the sensor: amplitude and period. */
const RIPPLE_C = 0.15;
const RIPPLE_PERIOD_H = 0.25;

export class SimFocuser implements Focuser, Simulated {
  readonly kind = "focuser" as const;
  readonly info: DeviceInfo = {
    name: "Simulated focuser",
    driver: "sim",
    description: "Absolute focuser with finite speed and a drifting temperature sensor",
    driverVersion: "1.0",
  };
  readonly capabilities: FocuserCapabilities;
  readonly faults: SimFaults;
  readonly #clock: Clock;
  readonly #link: SimLink<FocuserStatus>;
  readonly #travel: Travel;
  readonly #speedStepsPerS: number;
  readonly #ambientC: number;
  readonly #createdAtMs: number;

  /** `optics`: the registry's link that lets a simulated camera see this focuser's position. */
  constructor(ctx: DriverContext<SimFocuserOptions>, optics: SimOpticsLink | null = null) {
    const options = ctx.options;
    const maxPosition = options.maxPosition;
    const startPosition = options.startPosition ?? Math.min(25000, Math.round(maxPosition / 2));
    this.capabilities = {
      maxPosition,
      maxIncrement: options.maxIncrement ?? maxPosition,
      stepSizeUm: options.stepSizeUm,
      hasTemperature: true,
    };
    this.#speedStepsPerS = options.speedStepsPerS;
    this.#ambientC = options.ambientC;
    this.#clock = ctx.clock;
    this.#createdAtMs = ctx.clock.now();
    this.#travel = new Travel(ctx.clock, startPosition);
    this.#link = new SimLink({
      kind: "focuser",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => this.#travel.isMoving(),
      // The simulated motor stops when its controller loses power or the cable.
      onDrop: () => this.#stop(),
    });
    this.faults = this.#link.faults;
    optics?.attachFocuser(() => {
      const { position, temperatureC } = this.status();
      return { position, temperatureC };
    });
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): FocuserStatus {
    return {
      connected: this.#link.connected,
      position: Math.round(this.#travel.valueNow()),
      targetPosition: Math.round(this.#travel.target),
      moving: this.#travel.isMoving(),
      temperatureC: this.#temperatureC(),
    };
  }

  onStatus(listener: (status: FocuserStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  async moveTo(position: number): Promise<void> {
    await this.#link.command("moveTo");
    const { maxPosition, maxIncrement } = this.capabilities;
    checkNumber("position", position, { min: 0, max: maxPosition, integer: true });
    const currentSteps = Math.round(this.#travel.valueNow());
    if (Math.abs(position - currentSteps) > maxIncrement) {
      throw new RangeError(
        `position ${position} is ${Math.abs(position - currentSteps)} steps away; ` +
          `the largest single move is ${maxIncrement}`,
      );
    }
    // A new target while moving retargets from where the motor is, as ASCOM focusers do.
    this.#travel.moveTo(position, this.#speedStepsPerS);
    this.#link.changed();
  }

  async halt(): Promise<void> {
    await this.#link.command("halt");
    this.#stop();
    this.#link.changed();
  }

  #stop(): void {
    // A stepper stops on a whole step.
    this.#travel.jumpTo(Math.round(this.#travel.halt()));
  }

  #temperatureC(): number {
    const hours = (this.#clock.now() - this.#createdAtMs) / 3_600_000;
    // Cools for 12 h, then warms back: a box left running for a week stays plausible.
    const dayH = hours % 24;
    const coolingC = COOLING_C_PER_H * (dayH < 12 ? dayH : 24 - dayH);
    const rippleC = RIPPLE_C * Math.sin((2 * Math.PI * hours) / RIPPLE_PERIOD_H);
    return roundTo(this.#ambientC - coolingC + rippleC, 2);
  }
}
