/** A remote Alpaca Dome behind our Dome contract; the azimuth target is kept locally. */
import type { DriverContext } from "../device.ts";
import type { Dome, DomeCapabilities, DomeStatus, ShutterState } from "../dome.ts";
import { AlpacaDriver, bool, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

const SHUTTER: ShutterState[] = ["open", "closed", "opening", "closing", "error"];

export class AlpacaDome extends AlpacaDriver<DomeStatus> implements Dome {
  readonly kind = "dome";
  readonly capabilities: DomeCapabilities = {
    canSetAzimuth: false,
    canSetShutter: false,
    canPark: false,
    canSlave: false,
  };
  protected readonly stateMembers = {
    AtHome: "athome",
    AtPark: "atpark",
    Azimuth: "azimuth",
    ShutterStatus: "shutterstatus",
    Slewing: "slewing",
  };
  #s: DomeStatus = {
    connected: false,
    shutter: "closed",
    azimuthDeg: 0,
    targetAzimuthDeg: null,
    slewing: false,
    parked: false,
    atHome: false,
    slaved: false,
  };

  constructor(ctx: DriverContext<AlpacaOptions>) {
    super(ctx, "dome");
  }

  protected async load(): Promise<void> {
    const get = (member: string) => this.http.get<boolean>(member).catch(() => false);
    this.capabilities.canSetAzimuth = await get("cansetazimuth");
    this.capabilities.canSetShutter = await get("cansetshutter");
    this.capabilities.canPark = await get("canpark");
    this.capabilities.canSlave = await get("canslave");
    this.#s.slaved = await get("slaved");
  }

  protected apply(state: Record<string, unknown>): void {
    this.#s.shutter = SHUTTER[num(state.ShutterStatus, 4)] ?? "error";
    this.#s.azimuthDeg = num(state.Azimuth, this.#s.azimuthDeg);
    this.#s.slewing = bool(state.Slewing, this.#s.slewing);
    this.#s.parked = bool(state.AtPark, this.#s.parked);
    this.#s.atHome = bool(state.AtHome, this.#s.atHome);
  }

  protected snapshot(): DomeStatus {
    return { ...this.#s };
  }

  openShutter(): Promise<void> {
    return this.command("openshutter");
  }

  closeShutter(): Promise<void> {
    return this.command("closeshutter");
  }

  async slewToAzimuth(azimuthDeg: number): Promise<void> {
    this.requireConnected();
    if (!(azimuthDeg >= 0 && azimuthDeg < 360)) {
      throw new RangeError(`azimuthDeg must be within [0, 360), got ${azimuthDeg}`);
    }
    await this.http.put("slewtoazimuth", { Azimuth: azimuthDeg });
    this.#s.targetAzimuthDeg = azimuthDeg;
    await this.reload();
  }

  park(): Promise<void> {
    return this.command("park");
  }

  findHome(): Promise<void> {
    return this.command("findhome");
  }

  async setSlaved(slaved: boolean): Promise<void> {
    if (typeof slaved !== "boolean") throw new TypeError("slaved must be a boolean");
    await this.command("slaved", { Slaved: slaved });
    this.#s.slaved = slaved;
    this.emit();
  }

  async abort(): Promise<void> {
    await this.command("abortslew");
    this.#s.targetAzimuthDeg = null;
  }
}
