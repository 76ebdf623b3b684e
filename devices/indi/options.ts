/**
 * Options every INDI driver takes from the profile (`IndiOptions`, one schema for every role):
 * where the indiserver listens and which of its devices fills the role. The default port is
 * 7625, not INDI's 7624, because OpenSkyLab's own API owns 7624 on the box (indi.md "Transport").
 */
import { z } from "zod";

export const DEFAULT_INDI_HOST = "127.0.0.1";
export const DEFAULT_INDI_PORT = 7625;

export const IndiOptions = z.strictObject({
  host: z.string().trim().min(1).default(DEFAULT_INDI_HOST).describe("where the indiserver runs"),
  // Not filled in when a profile is saved: unset, it follows the box's own indiserver port
  // (config [indi] port), which the box sets when it starts that server for this role.
  port: z.number().int().min(1).max(65535).optional()
    .describe(
      "the indiserver's port; default: the box's own indiserver (config [indi] port, 7625)",
    ),
  device: z.string().trim().min(1)
    .describe('the INDI device name, e.g. "Telescope Simulator" or "ZWO CCD ASI2600MC Pro"'),
  driver: z.string().regex(
    /^indi_[A-Za-z0-9_]+$/,
    'must name an INDI driver binary like "indi_simulator_telescope"',
  )
    .nullable().default(null)
    .describe(
      "the driver binary the box's own indiserver runs for this role; null when you run the indiserver",
    ),
}).meta({ id: "IndiOptions" });
export type IndiOptions = z.output<typeof IndiOptions>;

/** Where the driver connects: the options with the port settled. */
export function indiEndpoint(options: IndiOptions): IndiOptions & { port: number } {
  return { ...options, port: options.port ?? DEFAULT_INDI_PORT };
}
