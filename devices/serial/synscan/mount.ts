/**
 * The "synscan" and "nexstar" mount drivers: SerialMount with the hand-controller letter protocol
 * in the matching flavour. Options: `path` (required), `baud` (9600), `timeoutMs`, `pollMs`,
 * `horizonLimitDeg` (checked by the driver: these controllers never refuse a low goto),
 * `alignment` (germanPolar), `slewRateDegPerS` (informative).
 */
import type { DriverContext } from "../../device.ts";
import { SerialMount } from "../serial_mount.ts";
import { SynScanProtocol } from "./protocol.ts";

export function createSynScanMount(ctx: DriverContext): SerialMount {
  return new SerialMount(ctx, new SynScanProtocol("synscan"));
}

export function createNexStarMount(ctx: DriverContext): SerialMount {
  return new SerialMount(ctx, new SynScanProtocol("nexstar"));
}
