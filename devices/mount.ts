/**
 * Mount contract, shaped on ASCOM ITelescopeV4.
 *
 * Coordinates crossing this contract are in the epoch the driver declares in
 * `capabilities.epoch` (ASCOM EquatorialSystem); lib/astro converts to and from the J2000 the API
 * speaks. RA is in hours [0, 24), Dec in degrees [-90, 90], Alt/Az in degrees (Az from north
 * through east).
 */
import type { BaseStatus, Device } from "./device.ts";

export { TRACKING_MODES } from "../lib/astro/tracking.ts";
export type { PierSide, TrackingMode, TrackingRate } from "../lib/astro/tracking.ts";
import type { PierSide, TrackingMode, TrackingRate } from "../lib/astro/tracking.ts";
export type GuideDirection = "north" | "south" | "east" | "west";

export interface EquatorialTarget {
  raHours: number;
  decDeg: number;
}

export interface MountCapabilities {
  /** "germanPolar" mounts flip at the meridian; "polar" forks and "altAz" do not. */
  alignment: "germanPolar" | "polar" | "altAz";
  /** Epoch of the coordinates this driver reads and writes. */
  epoch: "J2000" | "JNow";
  canPark: boolean;
  canSync: boolean;
  canPulseGuide: boolean;
  /** Tracking rates the driver accepts (ASCOM TrackingRates). */
  trackingRates: readonly TrackingRate[];
  /** Fastest slew, degrees per second per axis (informative; used for ETAs). */
  maxSlewRateDegPerS: number;
}

export interface MountStatus extends BaseStatus {
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
  /** Last goto target, in the driver's epoch; null after abort or park. */
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
