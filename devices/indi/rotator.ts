/**
 * Rotator over INDI's ABS_ROTATOR_ANGLE (degrees; Busy while turning), ROTATOR_ABORT_MOTION and
 * ROTATOR_REVERSE. INDI's angle is taken as the mechanical angle; the sky angle is that plus an
 * offset this driver keeps, set by `sync` — so a plate-solve sync never rewrites the device's
 * own zero (which ROTATOR_SYNC would do, and which other INDI clients would then see).
 */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type { Rotator, RotatorCapabilities, RotatorStatus } from "../rotator.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import { numberValue, switchOn } from "./properties.ts";

const ANGLE = "ABS_ROTATOR_ANGLE";
/** INDI angles travel as "%.2f" on the simulator and most devices. */
const STEP_DEG = 0.01;

function wrapDeg(angleDeg: number): number {
  const wrapped = ((angleDeg % 360) + 360) % 360;
  return wrapped >= 360 - 1e-9 ? 0 : wrapped;
}

function assertAngle(field: string, angleDeg: number): void {
  if (!Number.isFinite(angleDeg) || angleDeg < 0 || angleDeg >= 360) {
    throw new RangeError(`${field} must be within [0, 360) degrees, got ${angleDeg}`);
  }
}

export class IndiRotator extends IndiDevice<RotatorStatus> implements Rotator {
  readonly kind = "rotator" as const;
  protected readonly requiredProperties = [ANGLE] as const;
  #offsetDeg = 0;
  #targetMechanicalDeg: number | null = null;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI rotator");
  }

  get capabilities(): RotatorCapabilities {
    return { canReverse: this.vector("ROTATOR_REVERSE") !== undefined, stepSizeDeg: STEP_DEG };
  }

  protected snapshot(connected: boolean): RotatorStatus {
    const v = this.vector(ANGLE);
    const mechanicalDeg = wrapDeg(numberValue(v, "ANGLE", 0));
    return {
      connected,
      positionDeg: wrapDeg(mechanicalDeg + this.#offsetDeg),
      mechanicalPositionDeg: mechanicalDeg,
      targetPositionDeg: wrapDeg((this.#targetMechanicalDeg ?? mechanicalDeg) + this.#offsetDeg),
      moving: v?.state === "Busy",
      reversed: switchOn(this.vector("ROTATOR_REVERSE"), "INDI_ENABLED"),
    };
  }

  async moveTo(positionDeg: number): Promise<void> {
    assertAngle("positionDeg", positionDeg);
    await this.moveMechanical(wrapDeg(positionDeg - this.#offsetDeg));
  }

  async moveMechanical(positionDeg: number): Promise<void> {
    this.session();
    assertAngle("positionDeg", positionDeg);
    await this.serial(async () => {
      this.#targetMechanicalDeg = positionDeg;
      await this.start(ANGLE, (c, d) => c.sendNumbers(d, ANGLE, { ANGLE: positionDeg }));
    });
  }

  async sync(positionDeg: number): Promise<void> {
    this.session();
    assertAngle("positionDeg", positionDeg);
    const mechanicalDeg = this.status().mechanicalPositionDeg;
    this.#offsetDeg = positionDeg - mechanicalDeg;
    this.emitStatus();
    await Promise.resolve();
  }

  async setReversed(reversed: boolean): Promise<void> {
    this.session();
    if (typeof reversed !== "boolean") throw new TypeError("reversed must be a boolean");
    if (!this.capabilities.canReverse) throw conflict(`${this.options.device} cannot reverse`);
    await this.serial(() =>
      this.complete(
        "ROTATOR_REVERSE",
        (c, d) =>
          c.sendSwitches(d, "ROTATOR_REVERSE", {
            [reversed ? "INDI_ENABLED" : "INDI_DISABLED"]: true,
          }),
      )
    );
  }

  async halt(): Promise<void> {
    this.session();
    await this.serial(async () => {
      if (this.vector("ROTATOR_ABORT_MOTION")) {
        await this.start(
          "ROTATOR_ABORT_MOTION",
          (c, d) => c.sendSwitches(d, "ROTATOR_ABORT_MOTION", { ABORT: true }),
        );
      }
      this.#targetMechanicalDeg = null;
    });
  }
}
