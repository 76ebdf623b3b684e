/**
 * A remote Alpaca Telescope behind our Mount contract. Coordinates cross in the epoch the server
 * declares (EquatorialSystem 2 = J2000, else JNow); what ASCOM does not report — the tracking
 * mode while tracking is off, the goto target, the time to the meridian flip — the driver keeps
 * or computes (lib/astro/meridian) from the polled DeviceState, which is one consistent snapshot.
 */
import { hourAngleHours } from "../../lib/astro/coords.ts";
import { timeToFlipS } from "../../lib/astro/meridian.ts";
import { j2000ToJNow } from "../../lib/astro/precession.ts";
import type { DriverContext } from "../device.ts";
import type {
  EquatorialTarget,
  GuideDirection,
  Mount,
  MountCapabilities,
  MountStatus,
  TrackingMode,
  TrackingRate,
} from "../mount.ts";
import { TRACKING_MODES } from "../mount.ts";
import { AlpacaDriver, bool, num } from "./base.ts";

const ALIGNMENTS = ["altAz", "polar", "germanPolar"] as const;
const PIER_SIDES = { 0: "east", 1: "west" } as Record<number, "east" | "west">;
const DIRECTIONS: GuideDirection[] = ["north", "south", "east", "west"];

export class AlpacaMount extends AlpacaDriver<MountStatus> implements Mount {
  readonly kind = "mount";
  readonly capabilities: MountCapabilities = {
    alignment: "germanPolar",
    epoch: "J2000",
    canPark: false,
    canSync: false,
    canPulseGuide: false,
    trackingRates: ["sidereal"],
    maxSlewRateDegPerS: 4,
  };
  protected readonly stateMembers = {
    Altitude: "altitude",
    AtHome: "athome",
    AtPark: "atpark",
    Azimuth: "azimuth",
    Declination: "declination",
    IsPulseGuiding: "ispulseguiding",
    RightAscension: "rightascension",
    SideOfPier: "sideofpier",
    SiderealTime: "siderealtime",
    Slewing: "slewing",
    Tracking: "tracking",
  };
  #s: MountStatus = {
    connected: false,
    raHours: 0,
    decDeg: 0,
    altDeg: 0,
    azDeg: 0,
    siderealTimeHours: 0,
    tracking: "off",
    slewing: false,
    parked: false,
    atHome: false,
    pulseGuiding: false,
    pierSide: "unknown",
    timeToFlipS: null,
    target: null,
  };
  #rate: TrackingRate = "sidereal";

  constructor(ctx: DriverContext) {
    super(ctx, "telescope");
  }

  protected async load(): Promise<void> {
    const get = <T>(member: string, fallback: T) => this.http.get<T>(member).catch(() => fallback);
    const [alignment, system, canPark, canSync, canPulseGuide, rates, rate] = await Promise.all([
      get<number>("alignmentmode", 2),
      get<number>("equatorialsystem", 1),
      get<boolean>("canpark", false),
      get<boolean>("cansync", false),
      get<boolean>("canpulseguide", false),
      get<number[]>("trackingrates", [0]),
      get<number>("trackingrate", 0),
    ]);
    Object.assign(this.capabilities, {
      alignment: ALIGNMENTS[alignment] ?? "germanPolar",
      epoch: system === 2 ? "J2000" : "JNow",
      canPark,
      canSync,
      canPulseGuide,
      trackingRates: rates.map((r) => TRACKING_MODES[r]).filter((r) => r !== undefined),
    });
    this.#rate = TRACKING_MODES[rate] ?? "sidereal";
  }

  protected apply(state: Record<string, unknown>): void {
    const s = this.#s;
    s.raHours = num(state.RightAscension, s.raHours);
    s.decDeg = num(state.Declination, s.decDeg);
    s.altDeg = num(state.Altitude, s.altDeg);
    s.azDeg = num(state.Azimuth, s.azDeg);
    s.siderealTimeHours = num(state.SiderealTime, s.siderealTimeHours);
    s.tracking = bool(state.Tracking, s.tracking !== "off") ? this.#rate : "off";
    s.slewing = bool(state.Slewing, s.slewing);
    s.parked = bool(state.AtPark, s.parked);
    s.atHome = bool(state.AtHome, s.atHome);
    s.pulseGuiding = bool(state.IsPulseGuiding, s.pulseGuiding);
    s.pierSide = PIER_SIDES[num(state.SideOfPier, -1)] ?? "unknown";
    if (s.parked) s.target = null;
    const jnow = this.capabilities.epoch === "J2000" ? j2000ToJNow(s, Date.now()) : s;
    s.timeToFlipS = s.slewing || this.capabilities.alignment !== "germanPolar"
      ? null
      : timeToFlipS({
        haHours: hourAngleHours(jnow.raHours, s.siderealTimeHours),
        pierSide: s.pierSide,
        tracking: s.tracking,
      });
  }

  protected snapshot(): MountStatus {
    return { ...this.#s, target: this.#s.target && { ...this.#s.target } };
  }

  async slewTo(target: EquatorialTarget): Promise<void> {
    this.requireConnected();
    checkTarget(target);
    await this.http.put("slewtocoordinatesasync", {
      RightAscension: target.raHours,
      Declination: target.decDeg,
    });
    this.#s.target = { raHours: target.raHours, decDeg: target.decDeg };
    await this.reload();
  }

  async sync(position: EquatorialTarget): Promise<void> {
    checkTarget(position);
    await this.command("synctocoordinates", {
      RightAscension: position.raHours,
      Declination: position.decDeg,
    });
  }

  async park(): Promise<void> {
    this.requireConnected();
    await this.http.put("park");
    this.#s.target = null;
    await this.reload();
  }

  async unpark(): Promise<void> {
    await this.command("unpark");
  }

  async setTracking(mode: TrackingMode): Promise<void> {
    this.requireConnected();
    if (mode !== "off" && !this.capabilities.trackingRates.includes(mode)) {
      throw new RangeError(`tracking mode must be "off" or one of the mount's rates, got ${mode}`);
    }
    if (mode === "off") {
      await this.command("tracking", { Tracking: false });
      return;
    }
    await this.http.put("trackingrate", { TrackingRate: TRACKING_MODES.indexOf(mode) });
    this.#rate = mode;
    await this.command("tracking", { Tracking: true });
  }

  async abort(): Promise<void> {
    this.requireConnected();
    await this.http.put("abortslew");
    this.#s.target = null;
    await this.reload();
  }

  async pulseGuide(direction: GuideDirection, durationMs: number): Promise<void> {
    this.requireConnected();
    const index = DIRECTIONS.indexOf(direction);
    if (index < 0) {
      throw new RangeError(`direction must be north, south, east or west: ${direction}`);
    }
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new RangeError(`durationMs must be a non-negative number, got ${durationMs}`);
    }
    await this.command("pulseguide", { Direction: index, Duration: Math.round(durationMs) });
  }
}

function checkTarget(target: EquatorialTarget): void {
  if (!(target.raHours >= 0 && target.raHours < 24)) {
    throw new RangeError(`raHours must be within [0, 24), got ${target.raHours}`);
  }
  if (!(target.decDeg >= -90 && target.decDeg <= 90)) {
    throw new RangeError(`decDeg must be within [-90, 90], got ${target.decDeg}`);
  }
}
