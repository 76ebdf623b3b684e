/**
 * The Alpaca section of discovery: sends the discovery probe (devices/alpaca/discovery.ts) to the
 * configured address, then asks every server that answered for its configured devices through
 * the management API. Each Alpaca device type maps onto one of our roles and gets the profile
 * assignment our Alpaca client takes; a SafetyMonitor has no role of its own but becomes the
 * weather assignment's `safetyDeviceNumber` when the same server has one. A server that does
 * not answer its management API keeps its entry, with the error, so the user still sees it.
 */
import { discoverAlpaca } from "./discovery.ts";
import type { DeviceKind } from "../device.ts";
import type { AlpacaSection, AlpacaServerDto } from "../discovery.ts";

/** ASCOM device type (as configureddevices spells it) → our role. */
export const ALPACA_ROLES: Readonly<Record<string, DeviceKind>> = {
  Telescope: "mount",
  Camera: "camera",
  Focuser: "focuser",
  FilterWheel: "filterwheel",
  Rotator: "rotator",
  Dome: "dome",
  ObservingConditions: "weather",
  CoverCalibrator: "flatpanel",
};

export interface AlpacaProbe {
  address: string;
  port: number;
  /** The whole section's budget: listening for answers, then the management requests. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export async function alpacaSection(
  probe: AlpacaProbe,
): Promise<Omit<AlpacaSection, "elapsed_ms">> {
  // Answers on a LAN come within milliseconds; the rest of the budget is for the HTTP requests.
  const listenMs = Math.min(1000, Math.round(probe.timeoutMs * 0.4));
  const found = await discoverAlpaca({
    address: probe.address,
    port: probe.port,
    timeoutMs: listenMs,
    signal: probe.signal,
  });
  const requestMs = Math.max(100, probe.timeoutMs - listenMs - 100);
  const servers = await Promise.all(
    found.map((server) => describeServer(server.host, server.port, requestMs, probe.signal)),
  );
  servers.sort((a, b) => a.host.localeCompare(b.host) || a.port - b.port);
  return { error: null, skipped: false, address: probe.address, port: probe.port, servers };
}

/** One server's configured devices; its `error` says why they could not be read. */
export async function describeServer(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<AlpacaServerDto> {
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}` +
    "/management/v1/configureddevices";
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const stop = () => abort.abort();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    const response = await fetch(url, { signal: abort.signal });
    const text = await response.text();
    if (!response.ok) {
      return failed(host, port, `${url} answered ${response.status}: ${text.slice(0, 200)}`);
    }
    return { host, port, error: null, devices: toDevices(host, port, JSON.parse(text)) };
  } catch (err) {
    const reason = abort.signal.aborted
      ? `no answer within ${timeoutMs} ms`
      : err instanceof Error
      ? err.message
      : String(err);
    return failed(host, port, `${url}: ${reason}`);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
}

/** The management answer's Value, each well-formed entry mapped; malformed entries are skipped. */
export function toDevices(host: string, port: number, answer: unknown): AlpacaServerDto["devices"] {
  const value = (answer as { Value?: unknown } | null)?.Value;
  if (!Array.isArray(value)) throw new TypeError("the answer has no Value list");
  const entries = value.filter(isConfiguredDevice);
  const safety = entries.find((entry) => entry.DeviceType === "SafetyMonitor");
  return entries.map((entry) => {
    const role = ALPACA_ROLES[entry.DeviceType] ?? null;
    const options: Record<string, unknown> = { host, port, deviceNumber: entry.DeviceNumber };
    if (role === "weather") options.safetyDeviceNumber = safety?.DeviceNumber ?? null;
    return {
      device_type: entry.DeviceType,
      device_number: entry.DeviceNumber,
      name: entry.DeviceName,
      unique_id: entry.UniqueID,
      role,
      assignment: role === null ? null : { driver: "alpaca", options },
    };
  });
}

interface ConfiguredDevice {
  DeviceName: string;
  DeviceType: string;
  DeviceNumber: number;
  UniqueID: string;
}

function isConfiguredDevice(entry: unknown): entry is ConfiguredDevice {
  const e = entry as Partial<ConfiguredDevice> | null;
  return typeof e?.DeviceName === "string" && typeof e.DeviceType === "string" &&
    Number.isInteger(e.DeviceNumber) && (e.DeviceNumber as number) >= 0 &&
    typeof e.UniqueID === "string";
}

function failed(host: string, port: number, error: string): AlpacaServerDto {
  return { host, port, error, devices: [] };
}
