/**
 * A remote Alpaca Telescope behind our Mount contract. The contract is J2000; the remote says in
 * EquatorialSystem what it speaks (alpaca.md: 1 topocentric — coordinates of date, what most
 * mounts use —, 2 J2000, 3 J2050, 4 B1950, 0 other), and this driver converts at the wire:
 * J2000 passes, J2050 and B1950 are precessed mean places, and 1 or an unknown system is taken
 * as JNow. What ASCOM does not report — the tracking mode while tracking is off, the goto
 * target, the time to the meridian flip — the driver keeps or computes (lib/astro/meridian) from
 * the polled DeviceState, which is one consistent snapshot.
 */
import { hourAngleHours } from "../../lib/astro/coords.ts";
import { timeToFlipS } from "../../lib/astro/meridian.ts";
import type { EquatorialCoord } from "../../lib/astro/coords.ts";
import { j2000ToJNow, precessFromJ2000, precessToJ2000 } from "../../lib/astro/precession.ts";
import { J2000_UNIX_MS, MS_PER_DAY } from "../../lib/astro/time.ts";
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
import { fromDeviceFrame, toDeviceFrame } from "../mount_frame.ts";
import { AlpacaDriver, bool, num } from "./base.ts";
import type { AlpacaOptions } from "./options.ts";

const ALIGNMENTS = ["altAz", "polar", "germanPolar"] as const;
const PIER_SIDES = { 0: "east", 1: "west" } as Record<number, "east" | "west">;
const DIRECTIONS: GuideDirection[] = ["north", "south", "east", "west"];
/** ASCOM EquatorialCoordinateType numbers. */
const EQU_J2000 = 2;
const EQU_J2050 = 3;
const EQU_B1950 = 4;
/** The instants of the mean equinoxes J2050.0 and B1950.0 (B1950.0 = JD 2433282.4235). */
const J2050_UNIX_MS = J2000_UNIX_MS + 50 * 365.25 * MS_PER_DAY;
const B1950_UNIX_MS = J2000_UNIX_MS - (2451545.0 - 2433282.4235) * MS_PER_DAY;

export class AlpacaMount extends AlpacaDriver<MountStatus> implements Mount {
  readonly kind = "mount";
  readonly capabilities: MountCapabilities = {
    alignment: "germanPolar",
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
  /** The remote's EquatorialSystem. */
  #system = EQU_J2000;

  constructor(ctx: DriverContext<AlpacaOptions>) {
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
      canPark,
      canSync,
      canPulseGuide,
      trackingRates: rates.map((r) => TRACKING_MODES[r]).filter((r) => r !== undefined),
    });
    this.#rate = TRACKING_MODES[rate] ?? "sidereal";
    this.#system = system;
  }

  /** A J2000 position in the remote's system, now. */
  #toRemote(j2000: EquatorialTarget): EquatorialCoord {
    switch (this.#system) {
      case EQU_J2000:
        return toDeviceFrame(j2000, "J2000", this.ctx.clock.now());
      case EQU_J2050:
        return precessFromJ2000(j2000, J2050_UNIX_MS);
      case EQU_B1950:
        // The mean place at B1950.0 by precession; the FK4 e-terms (≤ 0.35″) are left out.
        return precessFromJ2000(j2000, B1950_UNIX_MS);
      default:
        return toDeviceFrame(j2000, "JNow", this.ctx.clock.now());
    }
  }

  /** A position the remote reported, in its system, as J2000. */
  #fromRemote(position: EquatorialCoord): EquatorialCoord {
    switch (this.#system) {
      case EQU_J2000:
        return fromDeviceFrame(position, "J2000", this.ctx.clock.now());
      case EQU_J2050:
        return precessToJ2000(position, J2050_UNIX_MS);
      case EQU_B1950:
        return precessToJ2000(position, B1950_UNIX_MS);
      default:
        return fromDeviceFrame(position, "JNow", this.ctx.clock.now());
    }
  }

  protected apply(state: Record<string, unknown>): void {
    const s = this.#s;
    const raHours = num(state.RightAscension, NaN);
    const decDeg = num(state.Declination, NaN);
    // A reading without a sane position keeps the last one rather than throwing.
    if (raHours >= 0 && raHours < 24 && Math.abs(decDeg) <= 90) {
      Object.assign(s, this.#fromRemote({ raHours, decDeg }));
    }
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
    const jnow = j2000ToJNow({ raHours: s.raHours, decDeg: s.decDeg }, this.ctx.clock.now());
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
    const remote = this.#toRemote(target);
    await this.http.put("slewtocoordinatesasync", {
      RightAscension: remote.raHours,
      Declination: remote.decDeg,
    });
    this.#s.target = { raHours: target.raHours, decDeg: target.decDeg };
    await this.reload();
  }

  async sync(position: EquatorialTarget): Promise<void> {
    checkTarget(position);
    const remote = this.#toRemote(position);
    await this.command("synctocoordinates", {
      RightAscension: remote.raHours,
      Declination: remote.decDeg,
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
