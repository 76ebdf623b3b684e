/**
 * The rig as the layers above the device layer see it: the device filling each role, the site
 * and optics of the active profile, and status changes. Core services and routes take these
 * interfaces, never the hub class, so they can be given any implementation (the hub, a test rig)
 * and never learn which driver fills a role. `Rig` is what services that use devices need;
 * `RigControl` adds what profile activation and the devices API need.
 *
 * The events the device layer publishes (a device connected, disconnected or faulted) are
 * defined here too, and `core/events.ts` takes these schemas into its catalogue unchanged.
 */
import { z } from "zod";
import type { AnyDevice, ContractOf } from "./contracts.ts";
import { DEVICE_KINDS } from "./device.ts";
import type { DeviceKind, Optics, Site } from "./device.ts";
import type { FaultInjection } from "./faults.ts";

export type StatusListener = (kind: DeviceKind, device: AnyDevice) => void;

export interface Rig {
  /** The guarded device in `kind`'s role; throws a 503 AppError when unassigned or not connected. */
  device<K extends DeviceKind>(kind: K): ContractOf[K];
  /** The device in the role whatever its state (for status reads), or null when unassigned. */
  peek<K extends DeviceKind>(kind: K): ContractOf[K] | null;
  /** The active profile's site and optics, or null before a profile is applied. */
  readonly site: Site | null;
  readonly optics: Optics | null;
  /** Called after every change of any role's status snapshot. Returns the unsubscriber. */
  onStatus(listener: StatusListener): () => void;
}

export interface RoleAssignment {
  driver: string;
  options: Record<string, unknown>;
}

/** What a profile asks of the rig: the site, the optics and a driver per role. */
export interface RigPlan {
  site: Site;
  optics: Optics;
  roles: Partial<Record<DeviceKind, RoleAssignment | null>>;
}

export const ROLE_STATES = [
  "unassigned",
  "connecting",
  "connected",
  "reconnecting",
  "disconnected",
] as const;

/** API shape of a device role: which driver fills it and in what state. */
export const RoleStatusDto = z.object({
  role: z.enum(DEVICE_KINDS),
  driver: z.string().nullable(),
  name: z.string().nullable(),
  state: z.enum(ROLE_STATES),
  last_error: z.string().nullable(),
  simulated: z.boolean(),
});
export type RoleStatus = z.infer<typeof RoleStatusDto>;
export type RoleState = RoleStatus["state"];

export interface RigControl extends Rig {
  /** Replaces the rig: disconnects every current driver, then builds and connects the new one. */
  apply(plan: RigPlan): Promise<void>;
  roles(): RoleStatus[];
  connect(kind: DeviceKind): Promise<void>;
  disconnect(kind: DeviceKind): Promise<void>;
  /** The role's fault switchboard when its driver has one (simulators), else null. */
  faults(kind: DeviceKind): FaultInjection | null;
  close(): Promise<void>;
}

export const ALERT_LEVELS = ["info", "warning", "error", "critical"] as const;
export type AlertLevel = typeof ALERT_LEVELS[number];

const DeviceKindSchema = z.enum(DEVICE_KINDS);

/** Payload schemas of the events the device layer publishes. */
export const RIG_EVENT_SCHEMAS = {
  "device.connected": z.object({ role: DeviceKindSchema, driver: z.string(), name: z.string() }),
  "device.disconnected": z.object({
    role: DeviceKindSchema,
    driver: z.string(),
    name: z.string(),
    reason: z.string(),
    expected: z.boolean().describe("false when the connection was lost"),
  }),
  "alert": z.object({
    level: z.enum(ALERT_LEVELS),
    source: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
};
type RigEventMap = { [T in keyof typeof RIG_EVENT_SCHEMAS]: z.infer<typeof RIG_EVENT_SCHEMAS[T]> };

/** Where the device layer publishes its events: the box's event bus satisfies it. */
export interface RigEvents {
  publish<T extends keyof RigEventMap>(type: T, data: RigEventMap[T]): void;
}
