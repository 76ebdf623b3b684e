/** API shape of a device role: which driver fills it and in what state (hub and health share it). */
import { z } from "zod";
import { DEVICE_KINDS } from "../../devices/device.ts";

export const ROLE_STATES = [
  "unassigned",
  "connecting",
  "connected",
  "reconnecting",
  "disconnected",
] as const;

export const RoleStatusDto = z.object({
  role: z.enum(DEVICE_KINDS),
  driver: z.string().nullable(),
  name: z.string().nullable(),
  state: z.enum(ROLE_STATES),
  last_error: z.string().nullable(),
  simulated: z.boolean(),
});
export type RoleStatusDto = z.infer<typeof RoleStatusDto>;
