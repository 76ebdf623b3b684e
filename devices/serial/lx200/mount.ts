/**
 * The "lx200" (Meade) and "onstep" mount drivers: SerialMount with the LX200 protocol adapter in
 * the matching flavour. Options: SerialMountOptions (../options.ts).
 */
import type { DriverContext } from "../../device.ts";
import type { SerialMountOptions } from "../options.ts";
import { SerialMount } from "../serial_mount.ts";
import { Lx200Protocol } from "./protocol.ts";

export function createLx200Mount(ctx: DriverContext<SerialMountOptions>): SerialMount {
  return new SerialMount(ctx, new Lx200Protocol("meade"));
}

export function createOnStepMount(ctx: DriverContext<SerialMountOptions>): SerialMount {
  return new SerialMount(ctx, new Lx200Protocol("onstep"));
}
