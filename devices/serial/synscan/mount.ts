/**
 * The "synscan" and "nexstar" mount drivers: SerialMount with the hand-controller letter protocol
 * in the matching flavour. Options: SerialMountOptions (../options.ts); the horizon limit is
 * checked by the driver, as these controllers never refuse a low goto.
 */
import type { DriverContext } from "../../device.ts";
import type { SerialMountOptions } from "../options.ts";
import { SerialMount } from "../serial_mount.ts";
import { SynScanProtocol } from "./protocol.ts";

export function createSynScanMount(ctx: DriverContext<SerialMountOptions>): SerialMount {
  return new SerialMount(ctx, new SynScanProtocol("synscan"));
}

export function createNexStarMount(ctx: DriverContext<SerialMountOptions>): SerialMount {
  return new SerialMount(ctx, new SynScanProtocol("nexstar"));
}
