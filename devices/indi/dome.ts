/**
 * Dome over INDI's standard dome properties: DOME_SHUTTER (SHUTTER_OPEN / SHUTTER_CLOSE, Busy
 * while moving), ABS_DOME_POSITION (azimuth; Busy while rotating), DOME_PARK, DOME_ABORT_MOTION,
 * DOME_AUTOSYNC (slaving to the mount) and DOME_HOME where the dome has one. Capabilities follow
 * the properties the device defines, so a roll-off roof (shutter only) fits too.
 */
import { conflict } from "../../lib/errors.ts";
import type { DriverContext } from "../device.ts";
import type { Dome, DomeCapabilities, DomeStatus, ShutterState } from "../dome.ts";
import { IndiAlertError } from "./client.ts";
import { IndiDevice } from "./indi_device.ts";
import type { IndiOptions } from "./options.ts";
import { numberValue, switchOn } from "./properties.ts";

const AZIMUTH = "ABS_DOME_POSITION";
const SHUTTER = "DOME_SHUTTER";
const PARK = "DOME_PARK";

export class IndiDome extends IndiDevice<DomeStatus> implements Dome {
  readonly kind = "dome" as const;
  protected readonly requiredProperties = [] as const;
  #targetAzimuthDeg: number | null = null;

  constructor(ctx: DriverContext<IndiOptions>) {
    super(ctx, "INDI dome");
  }

  get capabilities(): DomeCapabilities {
    return {
      canSetAzimuth: this.vector(AZIMUTH) !== undefined,
      canSetShutter: this.vector(SHUTTER) !== undefined,
      canPark: this.vector(PARK) !== undefined,
      canSlave: this.vector("DOME_AUTOSYNC") !== undefined,
    };
  }

  protected snapshot(connected: boolean): DomeStatus {
    const azimuth = this.vector(AZIMUTH);
    const park = this.vector(PARK);
    const home = this.vector("DOME_HOME");
    const slewing = azimuth?.state === "Busy" || this.vector("DOME_MOTION")?.state === "Busy";
    return {
      connected,
      shutter: this.#shutter(),
      azimuthDeg: ((numberValue(azimuth, "DOME_ABSOLUTE_POSITION", 0) % 360) + 360) % 360,
      targetAzimuthDeg: this.#targetAzimuthDeg,
      slewing,
      parked: switchOn(park, "PARK") && park?.state !== "Busy",
      atHome: home !== undefined && home.state === "Ok" && !slewing,
      slaved: switchOn(this.vector("DOME_AUTOSYNC"), "DOME_AUTOSYNC_ENABLE"),
    };
  }

  #shutter(): ShutterState {
    const v = this.vector(SHUTTER);
    if (!v) return "closed";
    const opening = switchOn(v, "SHUTTER_OPEN");
    if (v.state === "Alert") return "error";
    if (v.state === "Busy") return opening ? "opening" : "closing";
    return opening ? "open" : "closed";
  }

  openShutter(): Promise<void> {
    return this.#shutterCommand("SHUTTER_OPEN");
  }

  closeShutter(): Promise<void> {
    return this.#shutterCommand("SHUTTER_CLOSE");
  }

  async #shutterCommand(member: string): Promise<void> {
    this.session();
    if (!this.capabilities.canSetShutter) throw conflict(`${this.options.device} has no shutter`);
    await this.serial(async () => {
      await this.#unparkIfParked();
      await this.start(SHUTTER, (c, d) => c.sendSwitches(d, SHUTTER, { [member]: true }));
    });
  }

  async slewToAzimuth(azimuthDeg: number): Promise<void> {
    this.session();
    if (!Number.isFinite(azimuthDeg) || azimuthDeg < 0 || azimuthDeg >= 360) {
      throw new RangeError(`azimuthDeg must be within [0, 360), got ${azimuthDeg}`);
    }
    if (!this.capabilities.canSetAzimuth) throw conflict(`${this.options.device} cannot rotate`);
    await this.serial(async () => {
      await this.#unparkIfParked();
      this.#targetAzimuthDeg = azimuthDeg;
      await this.start(
        AZIMUTH,
        (c, d) => c.sendNumbers(d, AZIMUTH, { DOME_ABSOLUTE_POSITION: azimuthDeg }),
      );
    });
  }

  async park(): Promise<void> {
    this.session();
    if (!this.capabilities.canPark) throw conflict(`${this.options.device} cannot park`);
    await this.serial(async () => {
      this.#targetAzimuthDeg = null;
      await this.start(PARK, (c, d) => c.sendSwitches(d, PARK, { PARK: true }));
    });
  }

  async findHome(): Promise<void> {
    this.session();
    if (!this.vector("DOME_HOME")) {
      throw conflict(`${this.options.device} defines no DOME_HOME: it has no home to find`);
    }
    await this.serial(() =>
      this.start("DOME_HOME", (c, d) => c.sendSwitches(d, "DOME_HOME", { DOME_HOME_FIND: true }))
    );
  }

  async setSlaved(slaved: boolean): Promise<void> {
    this.session();
    if (typeof slaved !== "boolean") throw new TypeError("slaved must be a boolean");
    if (!this.capabilities.canSlave) {
      throw conflict(`${this.options.device} cannot follow the mount`);
    }
    const member = slaved ? "DOME_AUTOSYNC_ENABLE" : "DOME_AUTOSYNC_DISABLE";
    await this.serial(() =>
      this.complete(
        "DOME_AUTOSYNC",
        (c, d) => c.sendSwitches(d, "DOME_AUTOSYNC", { [member]: true }),
      )
    );
  }

  async abort(): Promise<void> {
    this.session();
    await this.serial(async () => {
      this.#targetAzimuthDeg = null;
      if (!this.vector("DOME_ABORT_MOTION")) return;
      const abort = () =>
        this.start(
          "DOME_ABORT_MOTION",
          (c, d) => c.sendSwitches(d, "DOME_ABORT_MOTION", { ABORT: true }),
        );
      try {
        await abort();
      } catch (err) {
        // libindi 1.9.9 domes stop a moving shutter first and answer Alert, leaving the rotation
        // running; a second abort then stops the rotation. Fail only if that one fails too.
        if (!(err instanceof IndiAlertError)) throw err;
        await abort();
      }
    });
  }

  /** ASCOM domes leave park when told to move; INDI refuses motion while parked. */
  async #unparkIfParked(): Promise<void> {
    if (switchOn(this.vector(PARK), "PARK")) {
      await this.complete(PARK, (c, d) => c.sendSwitches(d, PARK, { UNPARK: true }));
    }
  }
}
