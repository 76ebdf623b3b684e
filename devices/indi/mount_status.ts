/**
 * Builds the mount contract's status and capabilities from INDI telescope properties. The
 * contract is J2000; INDI's EQUATORIAL_EOD_COORD is JNow (of date), and only some drivers also
 * define EQUATORIAL_COORD (J2000). The driver uses EQUATORIAL_COORD when there is one and
 * otherwise converts EOD coordinates here and in mount.ts (devices/mount_frame.ts). Alt/Az come
 * from HORIZONTAL_COORD when the driver defines it, else from RA/Dec of date at the site;
 * sidereal time from TIME_LST when defined, else computed for the site.
 */
import { equatorialToHorizontal, hourAngleHours } from "../../lib/astro/coords.ts";
import { timeToFlipS } from "../../lib/astro/meridian.ts";
import { lstHours } from "../../lib/astro/time.ts";
import type { Site } from "../device.ts";
import { fromDeviceFrame, type MountFrame, ofDate } from "../mount_frame.ts";
import type {
  EquatorialTarget,
  MountCapabilities,
  MountStatus,
  PierSide,
  TrackingMode,
  TrackingRate,
} from "../mount.ts";
import { type IndiVector, numberValue, switchOn } from "./properties.ts";

export const EOD = "EQUATORIAL_EOD_COORD";
/** INDI's standard J2000 coordinates; few drivers define it (inditelescope.cpp defines EOD). */
export const J2000_COORD = "EQUATORIAL_COORD";

/** Contract tracking rate → TELESCOPE_TRACK_MODE member (libindi's standard names). */
export const TRACK_MEMBER: Record<TrackingRate, string> = {
  sidereal: "TRACK_SIDEREAL",
  solar: "TRACK_SOLAR",
  lunar: "TRACK_LUNAR",
  king: "TRACK_KING",
};

export type VectorLookup = (name: string) => IndiVector | undefined;

/** The property a goto, a sync and the position go through, and the frame it is in. */
export function coordinateProperty(vector: VectorLookup): { name: string; frame: MountFrame } {
  return vector(J2000_COORD) ? { name: J2000_COORD, frame: "J2000" } : { name: EOD, frame: "JNow" };
}

export function mountCapabilities(vector: VectorLookup): MountCapabilities {
  const modes = vector("TELESCOPE_TRACK_MODE");
  const trackingRates = (Object.keys(TRACK_MEMBER) as TrackingRate[]).filter((rate) =>
    modes?.members.has(TRACK_MEMBER[rate])
  );
  return {
    alignment: vector("TELESCOPE_PIER_SIDE") ? "germanPolar" : "polar",
    canPark: vector("TELESCOPE_PARK") !== undefined,
    canSync: vector("ON_COORD_SET")?.members.has("SYNC") ?? false,
    canPulseGuide: vector("TELESCOPE_TIMED_GUIDE_NS") !== undefined &&
      vector("TELESCOPE_TIMED_GUIDE_WE") !== undefined,
    trackingRates: trackingRates.length > 0 ? trackingRates : ["sidereal"],
    // INDI has no standard slew-speed property; informative only (ETAs), so a typical GoTo.
    maxSlewRateDegPerS: 3,
  };
}

export function tracking(vector: VectorLookup): TrackingMode {
  const state = vector("TELESCOPE_TRACK_STATE");
  if (state && !switchOn(state, "TRACK_ON")) return "off";
  const modes = vector("TELESCOPE_TRACK_MODE");
  for (const [rate, member] of Object.entries(TRACK_MEMBER)) {
    if (switchOn(modes, member)) return rate as TrackingRate;
  }
  return state ? "sidereal" : "off";
}

export function siderealTimeHours(vector: VectorLookup, site: Site, nowMs: number): number {
  const lst = numberValue(vector("TIME_LST"), "LST", NaN);
  return Number.isFinite(lst) ? lst : lstHours(nowMs, site.longitudeDeg);
}

export function mountStatus(
  vector: VectorLookup,
  site: Site,
  nowMs: number,
  connected: boolean,
  target: EquatorialTarget | null,
): MountStatus {
  const coords = coordinateProperty(vector);
  const eod = vector(coords.name);
  const reported = {
    raHours: ((numberValue(eod, "RA", 0) % 24) + 24) % 24,
    decDeg: Math.max(-90, Math.min(90, numberValue(eod, "DEC", 0))),
  };
  const { raHours, decDeg } = fromDeviceFrame(reported, coords.frame, nowMs);
  const here = ofDate(reported, coords.frame, nowMs);
  const lst = siderealTimeHours(vector, site, nowMs);
  const horizontal = vector("HORIZONTAL_COORD");
  const computed = equatorialToHorizontal(here, lst, site.latitudeDeg);
  const altDeg = numberValue(horizontal, "ALT", computed.altDeg);
  const azDeg = ((numberValue(horizontal, "AZ", computed.azDeg) % 360) + 360) % 360;
  const park = vector("TELESCOPE_PARK");
  const parked = switchOn(park, "PARK") && park?.state !== "Busy";
  const mode = tracking(vector);
  const pier = vector("TELESCOPE_PIER_SIDE");
  const pierSide: PierSide = switchOn(pier, "PIER_EAST")
    ? "east"
    : switchOn(pier, "PIER_WEST")
    ? "west"
    : "unknown";
  const gem = pier !== undefined;
  const pulseGuiding = vector("TELESCOPE_TIMED_GUIDE_NS")?.state === "Busy" ||
    vector("TELESCOPE_TIMED_GUIDE_WE")?.state === "Busy";
  return {
    connected,
    raHours,
    decDeg,
    altDeg,
    azDeg,
    siderealTimeHours: lst,
    tracking: parked ? "off" : mode,
    slewing: eod?.state === "Busy" && !parked,
    parked,
    atHome: false,
    pulseGuiding,
    pierSide,
    timeToFlipS: gem
      ? timeToFlipS({ haHours: hourAngleHours(here.raHours, lst), pierSide, tracking: mode })
      : null,
    target: parked ? null : target,
  };
}
