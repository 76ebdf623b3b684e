/**
 * Options every INDI driver takes from the profile: where the indiserver listens and which of
 * its devices fills the role. The default port is 7625, not INDI's 7624, because OpenSkyLab's
 * own API owns 7624 on the box (indi.md "Transport").
 */

export interface IndiOptions {
  host: string;
  port: number;
  /** The INDI device name, e.g. "Telescope Simulator" or "ZWO CCD ASI2600MC Pro". */
  device: string;
  /**
   * The driver binary (e.g. "indi_simulator_telescope") the box's own indiserver should run for
   * this role; absent when the device is served by an indiserver the user runs.
   */
  driver: string | null;
}

export const DEFAULT_INDI_HOST = "127.0.0.1";
export const DEFAULT_INDI_PORT = 7625;

const KNOWN = new Set(["host", "port", "device", "driver"]);

/** Validates the profile's options; the error names the field and what was wrong with it. */
export function parseIndiOptions(options: Record<string, unknown>): IndiOptions {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new TypeError(
        `options.${key} is not an INDI driver option (host, port, device, driver)`,
      );
    }
  }
  const host = options.host ?? DEFAULT_INDI_HOST;
  if (typeof host !== "string" || host.trim() === "") {
    throw new TypeError(`options.host must be a non-empty string, got ${JSON.stringify(host)}`);
  }
  const port = options.port ?? DEFAULT_INDI_PORT;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`options.port must be an integer 1..65535, got ${JSON.stringify(port)}`);
  }
  const device = options.device;
  if (typeof device !== "string" || device.trim() === "") {
    throw new TypeError(
      `options.device must name the INDI device (e.g. "Telescope Simulator"), got ${
        JSON.stringify(device)
      }`,
    );
  }
  const driver = options.driver ?? null;
  if (driver !== null && (typeof driver !== "string" || !/^indi_[A-Za-z0-9_]+$/.test(driver))) {
    throw new TypeError(
      `options.driver must name an INDI driver binary like "indi_simulator_telescope", got ${
        JSON.stringify(driver)
      }`,
    );
  }
  return { host: host.trim(), port, device, driver };
}
