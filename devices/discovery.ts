/**
 * API shapes of device discovery (`GET /devices/discover`): what the box found on its serial
 * ports, through the ZWO SDKs, in the installed INDI catalogue and among the Alpaca servers that
 * answered, each section with its own `error` (null when it answered) and how long it took. Where
 * a find maps onto a profile role directly, it carries a ready-to-paste `assignment` — the exact
 * `{ driver, options }` object a profile's `devices.<role>` takes.
 */
import { z } from "zod";
import { DEVICE_KINDS } from "./device.ts";

const Role = z.enum(DEVICE_KINDS);

export const Assignment = z.object({
  driver: z.string(),
  options: z.record(z.string(), z.unknown()),
}).describe("paste as a profile's devices.<role>");
export type Assignment = z.infer<typeof Assignment>;

const Section = {
  error: z.string().nullable().describe("why this section could not answer; null when it did"),
  elapsed_ms: z.number(),
};

export const SerialSuggestion = z.object({
  role: Role,
  driver: z.string(),
  reason: z.string(),
  assignment: Assignment,
});

export const SerialPortDto = z.object({
  path: z.string().describe("the stable /dev/serial/by-id path: use this one"),
  device_path: z.string().nullable(),
  vendor: z.string(),
  product: z.string(),
  serial: z.string(),
  suggested_drivers: z.array(SerialSuggestion),
});

export const SerialSection = z.object({ ...Section, ports: z.array(SerialPortDto) });

export const ZwoDeviceDto = z.object({
  index: z.number().int(),
  id: z.number().int(),
  name: z.string().nullable().describe("null when the device could not be asked (e.g. busy)"),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  assignment: Assignment,
});

export const ZwoSdkDto = z.object({
  sdk: z.enum(["asi", "eaf", "efw"]),
  role: Role,
  library: z.string().describe("the path or name that was loaded"),
  found: z.boolean(),
  reason: z.string().nullable().describe("why the library or its devices could not be read"),
  version: z.string().nullable(),
  devices: z.array(ZwoDeviceDto),
});

export const ZwoSection = z.object({ ...Section, sdks: z.array(ZwoSdkDto) });

export const IndiDriverDto = z.object({
  label: z.string(),
  manufacturer: z.string(),
  driver_name: z.string().describe("INDI's name for the driver; most drivers' device name"),
  executable: z.string(),
  version: z.string().nullable(),
  group: z.string().describe("the catalogue's devGroup"),
});

export const IndiSection = z.object({
  ...Section,
  found: z.boolean().describe("false when INDI is not installed: a normal answer"),
  reason: z.string().nullable(),
  catalogue: z.string(),
  groups: z.array(z.object({ role: Role, drivers: z.array(IndiDriverDto) })),
  not_installed_count: z.number().int().describe("catalogue entries whose binary is missing"),
});

export const AlpacaDeviceDto = z.object({
  device_type: z.string(),
  device_number: z.number().int(),
  name: z.string(),
  unique_id: z.string(),
  role: Role.nullable().describe("null: no role of its own (SafetyMonitor, Switch …)"),
  assignment: Assignment.nullable(),
});

export const AlpacaServerDto = z.object({
  host: z.string(),
  port: z.number().int(),
  error: z.string().nullable(),
  devices: z.array(AlpacaDeviceDto),
});

export const AlpacaSection = z.object({
  ...Section,
  skipped: z.boolean().describe("alpaca=false was asked"),
  address: z.string(),
  port: z.number().int(),
  servers: z.array(AlpacaServerDto),
});

export const DiscoveryResult = z.object({
  serial_ports: SerialSection,
  zwo: ZwoSection,
  indi: IndiSection,
  alpaca: AlpacaSection,
});
export type DiscoveryResult = z.infer<typeof DiscoveryResult>;
export type SerialSection = z.infer<typeof SerialSection>;
export type ZwoSection = z.infer<typeof ZwoSection>;
export type ZwoSdkDto = z.infer<typeof ZwoSdkDto>;
export type IndiSection = z.infer<typeof IndiSection>;
export type IndiDriverDto = z.infer<typeof IndiDriverDto>;
export type AlpacaSection = z.infer<typeof AlpacaSection>;
export type AlpacaServerDto = z.infer<typeof AlpacaServerDto>;
export type SerialPortDto = z.infer<typeof SerialPortDto>;

export interface DiscoverRequest {
  /** Probe the LAN for Alpaca servers (a UDP broadcast on a box). */
  alpaca: boolean;
  /** Deadline of each section. */
  timeoutMs?: number;
}

/** What could fill the profile's roles on this box; devices/discovery_service.ts implements it. */
export interface Discovery {
  discover(request: DiscoverRequest): Promise<DiscoveryResult>;
}
