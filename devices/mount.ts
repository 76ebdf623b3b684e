/**
 * Mount contract, shaped on ASCOM ITelescopeV4.
 *
 * Every RA/Dec crossing this contract, both ways, is J2000 (the catalogue frame the API speaks):
 * RA in hours [0, 24), Dec in degrees [-90, 90]. A driver whose device speaks JNow (INDI's
 * EQUATORIAL_EOD_COORD, LX200/OnStep, NexStar, an Alpaca telescope whose EquatorialSystem is not
 * J2000) converts inside the driver with lib/astro/precession.ts, as INDIGO does, so no caller
 * ever converts. Alt/Az are in degrees (Az from north through east) of the sky of date.
 */
import type { BaseStatus, Device } from "./device.ts";

export { TRACKING_MODES } from "../lib/astro/tracking.ts";
export type { PierSide, TrackingMode, TrackingRate } from "../lib/astro/tracking.ts";
import type { PierSide, TrackingMode, TrackingRate } from "../lib/astro/tracking.ts";
export type GuideDirection = "north" | "south" | "east" | "west";

/** A J2000 position. */
export interface EquatorialTarget {
  raHours: number;
  decDeg: number;
}

export interface MountCapabilities {
  /** "germanPolar" mounts flip at the meridian; "polar" forks and "altAz" do not. */
  alignment: "germanPolar" | "polar" | "altAz";
  canPark: boolean;
  canSync: boolean;
  canPulseGuide: boolean;
  /** Tracking rates the driver accepts (ASCOM TrackingRates). */
  trackingRates: readonly TrackingRate[];
  /** Fastest slew, degrees per second per axis (informative; used for ETAs). */
  maxSlewRateDegPerS: number;
}

export interface MountStatus extends BaseStatus {
  /** Where the mount points, J2000 (converted by the driver when the device speaks JNow). */
  raHours: number;
  decDeg: number;
  altDeg: number;
  azDeg: number;
  /** Local apparent sidereal time at the site. */
  siderealTimeHours: number;
  tracking: TrackingMode;
  slewing: boolean;
  parked: boolean;
  atHome: boolean;
  pulseGuiding: boolean;
  pierSide: PierSide;
  /** Seconds until the mount must flip (German equatorial, tracking); null otherwise. */
  timeToFlipS: number | null;
  /** Last goto target (J2000, as asked); null after abort or park. */
  target: EquatorialTarget | null;
}

export interface Mount extends Device<MountStatus> {
  readonly kind: "mount";
  readonly capabilities: MountCapabilities;
  /**
   * Starts a slew; resolves once the mount is moving. Rejects with a 409 AppError when parked
   * and RangeError when the target is below the horizon limit. Tracking resumes at arrival.
   */
  slewTo(target: EquatorialTarget): Promise<void>;
  /** Declares that the mount now points at `position` (ASCOM SyncToCoordinates). */
  sync(position: EquatorialTarget): Promise<void>;
  /** Starts a slew to the park position; resolves once under way. `parked` turns true on arrival. */
  park(): Promise<void>;
  /** Leaves the park position; tracking is restored to sidereal. */
  unpark(): Promise<void>;
  setTracking(mode: TrackingMode): Promise<void>;
  /** Stops every motion at once (slew, pulse); tracking state is kept. */
  abort(): Promise<void>;
  pulseGuide(direction: GuideDirection, durationMs: number): Promise<void>;
}
