/**
 * The profile options of an Alpaca driver, validated with errors naming the option:
 * `{ host, port, device_number, poll_ms?, timeout_ms? }`; the weather role also takes
 * `safety_device_number` (its SafetyMonitor; null or absent when the server has none).
 */
export interface AlpacaOptions {
  host: string;
  port: number;
  deviceNumber: number;
  /** How often status is polled while connected. */
  pollMs: number;
  /** Deadline of one HTTP request. */
  timeoutMs: number;
  safetyDeviceNumber: number | null;
}

export function parseAlpacaOptions(options: Record<string, unknown>): AlpacaOptions {
  const host = options.host ?? "localhost";
  if (typeof host !== "string" || host.length === 0 || /[\s/]/.test(host)) {
    throw new RangeError(`option host must be a host name or address, got ${JSON.stringify(host)}`);
  }
  return {
    host,
    port: integer(options, "port", 11111, 1, 65535),
    deviceNumber: integer(options, "device_number", 0, 0, 4_294_967_295),
    pollMs: integer(options, "poll_ms", 200, 20, 60_000),
    timeoutMs: integer(options, "timeout_ms", 10_000, 100, 600_000),
    safetyDeviceNumber: options.safety_device_number === null
      ? null
      : integer(options, "safety_device_number", 0, 0, 4_294_967_295),
  };
}

function integer(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = options[name] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`option ${name} must be an integer within ${min}..${max}, got ${value}`);
  }
  return value;
}
