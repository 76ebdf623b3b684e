/** A remote Alpaca Rotator behind our Rotator contract (sky and mechanical angles, degrees). */
import type { DriverContext } from "../device.ts";
import type { Rotator, RotatorCapabilities, RotatorStatus } from "../rotator.ts";
import { AlpacaDriver, bool, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

export class AlpacaRotator extends AlpacaDriver<RotatorStatus> implements Rotator {
  readonly kind = "rotator";
  readonly capabilities: RotatorCapabilities = { canReverse: false, stepSizeDeg: 1 };
  protected readonly stateMembers = {
    IsMoving: "ismoving",
    MechanicalPosition: "mechanicalposition",
    Position: "position",
  };
  #s: RotatorStatus = {
    connected: false,
    positionDeg: 0,
    mechanicalPositionDeg: 0,
    targetPositionDeg: 0,
    moving: false,
    reversed: false,
  };

  constructor(ctx: DriverContext<AlpacaOptions>) {
    super(ctx, "rotator");
  }

  protected async load(): Promise<void> {
    this.capabilities.canReverse = await this.http.get<boolean>("canreverse");
    this.capabilities.stepSizeDeg = await this.http.get<number>("stepsize").catch(() => 1);
    this.#s.reversed = await this.http.get<boolean>("reverse").catch(() => false);
    this.#s.targetPositionDeg = await this.http.get<number>("targetposition")
      .catch(() => this.#s.positionDeg);
  }

  protected apply(state: Record<string, unknown>): void {
    this.#s.positionDeg = num(state.Position, this.#s.positionDeg);
    this.#s.mechanicalPositionDeg = num(state.MechanicalPosition, this.#s.mechanicalPositionDeg);
    this.#s.moving = bool(state.IsMoving, this.#s.moving);
  }

  protected snapshot(): RotatorStatus {
    return { ...this.#s };
  }

  async moveTo(positionDeg: number): Promise<void> {
    await this.#move("moveabsolute", positionDeg);
    this.#s.targetPositionDeg = positionDeg;
  }

  async moveMechanical(positionDeg: number): Promise<void> {
    await this.#move("movemechanical", positionDeg);
  }

  async sync(positionDeg: number): Promise<void> {
    await this.#move("sync", positionDeg);
    this.#s.targetPositionDeg = positionDeg;
  }

  async setReversed(reversed: boolean): Promise<void> {
    this.requireConnected();
    if (typeof reversed !== "boolean") throw new TypeError("reversed must be a boolean");
    await this.command("reverse", { Reverse: reversed });
    this.#s.reversed = reversed;
    this.emit();
  }

  async halt(): Promise<void> {
    await this.command("halt");
  }

  async #move(member: string, positionDeg: number): Promise<void> {
    this.requireConnected();
    if (!(positionDeg >= 0 && positionDeg < 360)) {
      throw new RangeError(`angle must be within [0, 360) degrees, got ${positionDeg}`);
    }
    await this.http.put(member, { Position: positionDeg });
    if (member === "moveabsolute") this.#s.targetPositionDeg = positionDeg;
    await this.reload();
  }
}
