/**
 * The phd2 driver's profile options, validated up front so a typo fails at profile activation
 * with the option named, not at 3 a.m. on the first guide command. PHD2's event server listens on
 * 4400 + (instance − 1) (phd2.md, Transport): `instance` picks a running PHD2 among several,
 * `port` overrides the computed port outright.
 */

export interface Phd2Options {
  host: string;
  port: number;
  requestTimeoutMs: number;
  rmsWindowSteps: number;
  /** Ask PHD2 to connect its camera and mount (set_connected) when they are not. */
  connectEquipment: boolean;
}

const KNOWN = [
  "host",
  "port",
  "instance",
  "requestTimeoutSeconds",
  "rmsWindowSteps",
  "connectEquipment",
] as const;
export const PHD2_BASE_PORT = 4400;

export function parsePhd2Options(options: Record<string, unknown>): Phd2Options {
  for (const key of Object.keys(options)) {
    if (!(KNOWN as readonly string[]).includes(key)) {
      throw new RangeError(`option ${key} is unknown; expected one of ${KNOWN.join(", ")}`);
    }
  }
  const host = options.host ?? "localhost";
  if (typeof host !== "string" || host.trim() === "") {
    throw new RangeError(`option host must be a non-empty string, got ${JSON.stringify(host)}`);
  }
  const instance = integerOption(options, "instance", 1, 1, 100);
  const port = integerOption(options, "port", PHD2_BASE_PORT + instance - 1, 1, 65_535);
  const timeoutS = options.requestTimeoutSeconds ?? 10;
  if (typeof timeoutS !== "number" || !Number.isFinite(timeoutS) || timeoutS <= 0) {
    throw new RangeError(
      `option requestTimeoutSeconds must be a number > 0, got ${JSON.stringify(timeoutS)}`,
    );
  }
  const connectEquipment = options.connectEquipment ?? true;
  if (typeof connectEquipment !== "boolean") {
    throw new RangeError(
      `option connectEquipment must be true or false, got ${JSON.stringify(connectEquipment)}`,
    );
  }
  return {
    host,
    port,
    requestTimeoutMs: timeoutS * 1000,
    // PHD2's graph and most guiding tools show RMS over the last 50 steps.
    rmsWindowSteps: integerOption(options, "rmsWindowSteps", 50, 1, 10_000),
    connectEquipment,
  };
}

function integerOption(
  options: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `option ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
