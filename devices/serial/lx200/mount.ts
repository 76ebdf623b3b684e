/**
 * The "lx200" (Meade) and "onstep" mount drivers: SerialMount with the LX200 protocol adapter in
 * the matching flavour. Options: `path` (required), `baud` (default 9600), `timeoutMs`, `pollMs`,
 * `horizonLimitDeg`, `alignment`, `slewRateDegPerS` (informative).
 */
import type { DriverContext } from "../../device.ts";
import { SerialMount } from "../serial_mount.ts";
import { Lx200Protocol } from "./protocol.ts";

export function createLx200Mount(ctx: DriverContext): SerialMount {
  return new SerialMount(ctx, new Lx200Protocol("meade"));
}

export function createOnStepMount(ctx: DriverContext): SerialMount {
  return new SerialMount(ctx, new Lx200Protocol("onstep"));
}
