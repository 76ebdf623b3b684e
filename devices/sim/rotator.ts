/**
 * Simulated camera rotator: it turns the shorter way at `speedDegPerS`, and separates the raw
 * mechanical angle from the sky position angle the way ASCOM does (sky = ±mechanical + sync
 * offset, wrapped to [0, 360)). Reversing flips the sign but keeps the reported sky angle where it
 * was, so a reversal never makes framing jump. Options: speedDegPerS (10),
 * startMechanicalDeg (0), reversed (false), stepSizeDeg (0.01).
 */
import { conflict } from "../../lib/errors.ts";
import type { DeviceInfo, DriverContext } from "../device.ts";
import type { Rotator, RotatorCapabilities, RotatorStatus } from "../rotator.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import type { SimRotatorOptions } from "./rotator_options.ts";
import { checkNumber, roundTo, shortestDeltaDeg, SimLink, Travel, wrapDeg } from "./motion.ts";
import type { SimOpticsLink } from "./optics_link.ts";

export class SimRotator implements Rotator, Simulated {
  readonly kind = "rotator" as const;
  readonly info: DeviceInfo = {
    name: "Simulated rotator",
    driver: "sim",
    description: "Camera rotator with finite speed, sync offset and reverse",
    driverVersion: "1.0",
  };
  readonly capabilities: RotatorCapabilities;
  readonly faults: SimFaults;
  readonly #link: SimLink<RotatorStatus>;
  /** Mechanical angle, unwrapped so a move may cross 0°. */
  readonly #travel: Travel;
  readonly #speedDegPerS: number;
  #syncOffsetDeg = 0;
  #reversed: boolean;

  /** `optics`: the registry's light path, through which a simulated camera sees this angle. */
  constructor(ctx: DriverContext<SimRotatorOptions>, optics: SimOpticsLink | null = null) {
    const options = ctx.options;
    this.capabilities = { canReverse: true, stepSizeDeg: options.stepSizeDeg };
    this.#speedDegPerS = options.speedDegPerS;
    this.#reversed = options.reversed;
    this.#travel = new Travel(ctx.clock, wrapDeg(options.startMechanicalDeg));
    this.#link = new SimLink({
      kind: "rotator",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => this.#travel.isMoving(),
      onDrop: () => this.#travel.halt(),
    });
    this.faults = this.#link.faults;
    optics?.attachRotator(() => ({
      mechanicalDeg: this.#mechanicalNowDeg(),
      reversed: this.#reversed,
    }));
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): RotatorStatus {
    const mechanicalDeg = this.#mechanicalNowDeg();
    return {
      connected: this.#link.connected,
      positionDeg: this.#skyOf(mechanicalDeg),
      mechanicalPositionDeg: mechanicalDeg,
      targetPositionDeg: this.#skyOf(tidyDeg(this.#travel.target)),
      moving: this.#travel.isMoving(),
      reversed: this.#reversed,
    };
  }

  onStatus(listener: (status: RotatorStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  async moveTo(positionDeg: number): Promise<void> {
    await this.#link.command("moveTo");
    checkAngle("positionDeg", positionDeg);
    this.#turnToMechanical(this.#mechanicalOf(positionDeg));
  }

  async moveMechanical(positionDeg: number): Promise<void> {
    await this.#link.command("moveMechanical");
    checkAngle("positionDeg", positionDeg);
    this.#turnToMechanical(positionDeg);
  }

  async sync(positionDeg: number): Promise<void> {
    await this.#link.command("sync");
    checkAngle("positionDeg", positionDeg);
    this.#refuseWhileMoving("sync");
    this.#syncOffsetDeg = wrapDeg(positionDeg - this.#sign() * this.#mechanicalNowDeg());
    this.#link.changed();
  }

  async setReversed(reversed: boolean): Promise<void> {
    await this.#link.command("setReversed");
    if (typeof reversed !== "boolean") {
      throw new RangeError(`reversed must be true or false, got ${JSON.stringify(reversed)}`);
    }
    this.#refuseWhileMoving("reverse");
    const skyDeg = this.#skyOf(this.#mechanicalNowDeg());
    this.#reversed = reversed;
    this.#syncOffsetDeg = wrapDeg(skyDeg - this.#sign() * this.#mechanicalNowDeg());
    this.#link.changed();
  }

  async halt(): Promise<void> {
    await this.#link.command("halt");
    this.#travel.halt();
    this.#link.changed();
  }

  #turnToMechanical(targetDeg: number): void {
    // A new target mid-move turns from where the rotator is now, the shorter way.
    const fromDeg = this.#travel.halt();
    this.#travel.moveTo(fromDeg + shortestDeltaDeg(fromDeg, targetDeg), this.#speedDegPerS);
    this.#link.changed();
  }

  #refuseWhileMoving(what: string): void {
    if (this.#travel.isMoving()) {
      throw conflict(`cannot ${what} while the rotator is moving; halt it or wait`);
    }
  }

  #sign(): 1 | -1 {
    return this.#reversed ? -1 : 1;
  }

  #mechanicalNowDeg(): number {
    return tidyDeg(this.#travel.valueNow());
  }

  #skyOf(mechanicalDeg: number): number {
    return tidyDeg(this.#sign() * mechanicalDeg + this.#syncOffsetDeg);
  }

  #mechanicalOf(skyDeg: number): number {
    return tidyDeg(this.#sign() * (skyDeg - this.#syncOffsetDeg));
  }
}

function checkAngle(what: string, angleDeg: number): void {
  checkNumber(what, angleDeg, { min: 0, max: 360 });
  if (angleDeg === 360) throw new RangeError(`${what} must be < 360, got 360`);
}

/** Wraps and trims float dust, so 359.9999999999 reads 0 and sums of deltas compare equal. */
function tidyDeg(angleDeg: number): number {
  return wrapDeg(roundTo(wrapDeg(angleDeg), 6));
}
