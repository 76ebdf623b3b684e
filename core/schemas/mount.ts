/** API shapes of the mount group, and the mapping from the contract's status. */
import { z } from "zod";
import { TRACKING_MODES } from "../../devices/mount.ts";
import type { MountStatus } from "../../devices/mount.ts";
import { decDeg, raHours } from "./common.ts";

export const TrackingModeSchema = z.enum([...TRACKING_MODES, "off"]);

export const MountStatusDto = z.object({
  connected: z.boolean(),
  ra: z.number().describe("J2000 hours"),
  dec: z.number().describe("J2000 degrees"),
  alt: z.number().describe("degrees above the horizon"),
  az: z.number().describe("degrees from north through east"),
  lst: z.number().describe("local sidereal time, hours"),
  tracking: TrackingModeSchema,
  slewing: z.boolean(),
  parked: z.boolean(),
  at_home: z.boolean(),
  pier_side: z.enum(["east", "west", "unknown"]),
  time_to_flip_s: z.number().nullable().describe("null when not tracking"),
  target: z.object({ ra: z.number(), dec: z.number() }).nullable(),
});
export type MountStatusDto = z.infer<typeof MountStatusDto>;

export const GotoBody = z.object({ ra: raHours, dec: decDeg });
export const SyncBody = GotoBody;
export const TrackingBody = z.object({ mode: TrackingModeSchema });
export const PulseGuideBody = z.object({
  direction: z.enum(["north", "south", "east", "west"]),
  duration_ms: z.number().int().min(1).max(10_000),
});

export function toMountStatusDto(s: MountStatus): MountStatusDto {
  return {
    connected: s.connected,
    ra: s.raHours,
    dec: s.decDeg,
    alt: s.altDeg,
    az: s.azDeg,
    lst: s.siderealTimeHours,
    tracking: s.tracking,
    slewing: s.slewing,
    parked: s.parked,
    at_home: s.atHome,
    pier_side: s.pierSide,
    time_to_flip_s: s.timeToFlipS,
    target: s.target ? { ra: s.target.raHours, dec: s.target.decDeg } : null,
  };
}
