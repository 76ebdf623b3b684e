/**
 * How one Alpaca device type is described to the server: its members as GET and PUT handlers over
 * our contract, its DeviceState, and what source the contracts come from. The server owns the
 * common members (connected, name, action …); a type module only maps its own, so each stays a
 * thin table from ASCOM names to contract calls.
 */
import type { ContractOf } from "../../devices/contracts.ts";
import type { DeviceInfo, DeviceKind, Optics, Site } from "../../devices/device.ts";
import type { RigControl } from "../../devices/rig.ts";
import type { Clock } from "../../lib/clock.ts";
import type { AlpacaParams } from "./request.ts";

/** Where the bridge finds the box's devices: the hub in production, any rig in tests. */
export interface AlpacaDeviceSource {
  /** Kinds that have a driver in the active profile. */
  assigned(): DeviceKind[];
  /** The guarded device; throws the hub's 503 when the role is empty or not connected. */
  device<K extends DeviceKind>(kind: K): ContractOf[K];
  /** Connects the role if it is not (a no-op when it is). */
  connect(kind: DeviceKind): Promise<void>;
  info(kind: DeviceKind): DeviceInfo | null;
  site(): Site | null;
  optics(): Optics | null;
  /** The box's clock: UTCDate, TimeStamp, exposure starts and slew waits read it. */
  clock: Clock;
}

export function hubSource(hub: RigControl, clock: Clock): AlpacaDeviceSource {
  return {
    assigned: () => hub.roles().filter((r) => r.driver !== null).map((r) => r.role),
    device: (kind) => hub.device(kind),
    connect: (kind) => hub.connect(kind),
    info: (kind) => hub.peek(kind)?.info ?? null,
    site: () => hub.site,
    optics: () => hub.optics,
    clock,
  };
}

/** The same source showing only the roles `exposes` allows (the bridge's chosen devices). */
export function exposedOnly(
  source: AlpacaDeviceSource,
  exposes: (kind: DeviceKind) => boolean,
): AlpacaDeviceSource {
  return { ...source, assigned: () => source.assigned().filter(exposes) };
}

export interface MemberContext<D> {
  params: AlpacaParams;
  /** The contract behind this Alpaca device; throws 0x407 when the bridge is not connected. */
  device(): D;
  source: AlpacaDeviceSource;
  /** The client sent `Accept: application/imagebytes`. */
  acceptsImageBytes: boolean;
}

export type Member<D> = (ctx: MemberContext<D>) => unknown;

export interface DeviceType<K extends DeviceKind = DeviceKind> {
  /** The lower-case path segment, e.g. "telescope". */
  type: string;
  /** As configureddevices spells it, e.g. "Telescope". */
  deviceType: string;
  kind: K;
  /** Platform 7 interface version. */
  interfaceVersion: number;
  get: Record<string, Member<ContractOf[K]>>;
  put: Record<string, Member<ContractOf[K]>>;
  /** DeviceState entries (without TimeStamp) from one status snapshot. */
  deviceState(device: ContractOf[K], nowMs: number): Record<string, unknown>;
  /** Whether a 409 from the device should read "invalid while parked" (0x408). */
  parked?(device: ContractOf[K]): boolean;
  /** Custom actions this type supports: name → handler of the Parameters string. */
  actions?: Record<string, (device: ContractOf[K], parameters: string) => Promise<string>>;
}

/** The main-parameter PUT handler helper: ASCOM booleans/numbers with the device's own checks. */
export function finite(value: number, name: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number`);
  return value;
}
