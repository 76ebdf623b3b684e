/**
 * The equatorial frame a mount device itself speaks, and the conversions a driver makes at its
 * own edge so that the contract stays J2000 (devices/mount.ts). "JNow" is the true equator and
 * equinox of the instant (IAU 1976 precession and IAU 1980 nutation, lib/astro/precession.ts):
 * what LX200/OnStep and NexStar controllers, INDI's EQUATORIAL_EOD_COORD and ASCOM's
 * equTopocentric expect. "J2000" devices (INDI's EQUATORIAL_COORD, SynScan) pass through. Sky
 * geometry (hour angle, altitude, pier side) is always of date, hence `ofDate`.
 */
import type { EquatorialCoord } from "../lib/astro/coords.ts";
import { j2000ToJNow, jnowToJ2000 } from "../lib/astro/precession.ts";

export type MountFrame = "J2000" | "JNow";

/** A J2000 position as the device wants it, at `unixMs`. */
export function toDeviceFrame(
  j2000: EquatorialCoord,
  frame: MountFrame,
  unixMs: number,
): EquatorialCoord {
  const plain = { raHours: j2000.raHours, decDeg: j2000.decDeg };
  return frame === "JNow" ? j2000ToJNow(plain, unixMs) : plain;
}

/** A position the device reported, in its frame, as J2000. */
export function fromDeviceFrame(
  position: EquatorialCoord,
  frame: MountFrame,
  unixMs: number,
): EquatorialCoord {
  const plain = { raHours: position.raHours, decDeg: position.decDeg };
  return frame === "JNow" ? jnowToJ2000(plain, unixMs) : plain;
}

/** A position in the device's frame, of date: what hour angle and altitude are computed from. */
export function ofDate(position: EquatorialCoord, frame: MountFrame, unixMs: number) {
  const plain = { raHours: position.raHours, decDeg: position.decDeg };
  return frame === "J2000" ? j2000ToJNow(plain, unixMs) : plain;
}
