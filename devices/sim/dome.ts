/**
 * Simulated observatory dome: the shutter takes `shutterSeconds` to open or close, the dome turns
 * the shorter way at `speedDegPerS`, and park / find-home are slews that end "parked" / "at home".
 * Abort stops both motors at once; a shutter stopped part way reads "error" (ASCOM's
 * shutterError: neither open nor closed, and it is not safe to assume either). `slewing` covers
 * rotation only; the shutter has its own opening/closing states (an Alpaca bridge ORs the two
 * for ASCOM's Slewing). Slaving is only recorded: the mount follower lives above the driver.
 * Options: shutterSeconds (10), speedDegPerS (5), parkAzimuthDeg (0), homeAzimuthDeg (0),
 * startAzimuthDeg (= park).
 */
import type { DeviceInfo, DriverContext } from "../device.ts";
import type { Dome, DomeCapabilities, DomeStatus, ShutterState } from "../dome.ts";
import type { SimFaults, Simulated } from "./faults.ts";
import type { SimDomeOptions } from "./dome_options.ts";
import { checkNumber, roundTo, shortestDeltaDeg, SimLink, Travel, wrapDeg } from "./motion.ts";

/** Shutter travel as a fraction: 0 closed, 1 open. */
const CLOSED = 0;
const OPEN = 1;

export class SimDome implements Dome, Simulated {
  readonly kind = "dome" as const;
  readonly info: DeviceInfo = {
    name: "Simulated dome",
    driver: "sim",
    description: "Rotating dome with a timed shutter, park and home",
    driverVersion: "1.0",
  };
  readonly capabilities: DomeCapabilities = {
    canSetAzimuth: true,
    canSetShutter: true,
    canPark: true,
    canSlave: true,
  };
  readonly faults: SimFaults;
  readonly #link: SimLink<DomeStatus>;
  /** Azimuth, unwrapped so a slew may cross north. */
  readonly #azimuth: Travel;
  readonly #shutter: Travel;
  readonly #speedDegPerS: number;
  readonly #shutterFractionPerS: number;
  readonly #parkAzimuthDeg: number;
  readonly #homeAzimuthDeg: number;
  /** What the current (or last) slew was for: it decides `parked` / `atHome` on arrival. */
  #slewPurpose: "park" | "home" | "goto" | null;
  #hasTarget = false;
  #slaved = false;

  constructor(ctx: DriverContext<SimDomeOptions>) {
    const options = ctx.options;
    this.#shutterFractionPerS = 1 / options.shutterSeconds;
    this.#speedDegPerS = options.speedDegPerS;
    this.#parkAzimuthDeg = wrapDeg(options.parkAzimuthDeg);
    this.#homeAzimuthDeg = wrapDeg(options.homeAzimuthDeg);
    const startDeg = wrapDeg(options.startAzimuthDeg ?? this.#parkAzimuthDeg);
    // A dome that powers up at its park position is parked, as ASCOM drivers report it.
    this.#slewPurpose = startDeg === this.#parkAzimuthDeg ? "park" : null;
    this.#azimuth = new Travel(ctx.clock, startDeg);
    this.#shutter = new Travel(ctx.clock, CLOSED);
    this.#link = new SimLink({
      kind: "dome",
      clock: ctx.clock,
      snapshot: () => this.status(),
      busy: () => this.#azimuth.isMoving() || this.#shutter.isMoving(),
      onDrop: () => this.#stopAll(),
    });
    this.faults = this.#link.faults;
  }

  connect(signal?: AbortSignal): Promise<void> {
    return this.#link.connect(signal);
  }

  disconnect(): Promise<void> {
    return this.#link.disconnect();
  }

  status(): DomeStatus {
    const slewing = this.#azimuth.isMoving();
    return {
      connected: this.#link.connected,
      shutter: this.#shutterState(),
      azimuthDeg: tidyDeg(this.#azimuth.valueNow()),
      targetAzimuthDeg: this.#hasTarget ? tidyDeg(this.#azimuth.target) : null,
      slewing,
      parked: !slewing && this.#slewPurpose === "park",
      atHome: !slewing && this.#slewPurpose === "home",
      slaved: this.#slaved,
    };
  }

  onStatus(listener: (status: DomeStatus) => void): () => void {
    return this.#link.onStatus(listener);
  }

  onLost(listener: (reason: string) => void): () => void {
    return this.#link.onLost(listener);
  }

  async openShutter(): Promise<void> {
    await this.#link.command("openShutter");
    this.#shutter.moveTo(OPEN, this.#shutterFractionPerS);
    this.#link.changed();
  }

  async closeShutter(): Promise<void> {
    await this.#link.command("closeShutter");
    this.#shutter.moveTo(CLOSED, this.#shutterFractionPerS);
    this.#link.changed();
  }

  async slewToAzimuth(azimuthDeg: number): Promise<void> {
    await this.#link.command("slewToAzimuth");
    checkNumber("azimuthDeg", azimuthDeg, { min: 0, max: 360 });
    if (azimuthDeg === 360) throw new RangeError("azimuthDeg must be < 360, got 360");
    // Slaving calls this too, so it is allowed while slaved; any slew leaves park.
    this.#slew(azimuthDeg, "goto");
  }

  async park(): Promise<void> {
    await this.#link.command("park");
    this.#slew(this.#parkAzimuthDeg, "park");
  }

  async findHome(): Promise<void> {
    await this.#link.command("findHome");
    this.#slew(this.#homeAzimuthDeg, "home");
  }

  async setSlaved(slaved: boolean): Promise<void> {
    await this.#link.command("setSlaved");
    if (typeof slaved !== "boolean") {
      throw new RangeError(`slaved must be true or false, got ${JSON.stringify(slaved)}`);
    }
    this.#slaved = slaved;
    this.#link.changed();
  }

  async abort(): Promise<void> {
    await this.#link.command("abort");
    this.#stopAll();
    this.#link.changed();
  }

  #slew(azimuthDeg: number, purpose: "park" | "home" | "goto"): void {
    const fromDeg = this.#azimuth.halt();
    this.#azimuth.moveTo(fromDeg + shortestDeltaDeg(fromDeg, azimuthDeg), this.#speedDegPerS);
    this.#slewPurpose = purpose;
    this.#hasTarget = true;
    this.#link.changed();
  }

  #stopAll(): void {
    if (this.#azimuth.isMoving()) {
      // An interrupted park or home did not get there.
      this.#slewPurpose = null;
      this.#hasTarget = false;
    }
    this.#azimuth.halt();
    this.#shutter.halt();
  }

  #shutterState(): ShutterState {
    if (this.#shutter.isMoving()) return this.#shutter.target === OPEN ? "opening" : "closing";
    const fraction = this.#shutter.valueNow();
    if (fraction >= OPEN) return "open";
    if (fraction <= CLOSED) return "closed";
    return "error"; // stopped part way
  }
}

function tidyDeg(angleDeg: number): number {
  return wrapDeg(roundTo(wrapDeg(angleDeg), 6));
}
