/**
 * The serial-port section of discovery: the ports udev lists under /dev/serial/by-id, each with
 * the drivers it probably needs. A USB serial adapter does not say which protocol the mount or
 * focuser behind it speaks, so the suggestions come from a small table of what is usually behind
 * a given vendor or chip (SERIAL_HINTS); they are hints to try, ordered from the most specific,
 * and a port nothing matches simply has none. Every suggestion carries the profile assignment.
 */
import { listSerialPorts, type SerialPortInfo } from "./list_ports.ts";
import type { DeviceKind } from "../device.ts";
import type { SerialPortDto, SerialSection } from "../discovery.ts";

export interface SerialHint {
  /** Tested against "<vendor> <product>" as list_ports.ts spells them (underscores as spaces). */
  pattern: RegExp;
  drivers: { role: DeviceKind; driver: string }[];
  reason: string;
}

/**
 * What is usually behind a USB serial chip or vendor name. Named devices first (a controller that
 * reports its own name), then the bridge chips their makers are known to use.
 */
export const SERIAL_HINTS: readonly SerialHint[] = [
  {
    pattern: /onstep|teensy/i,
    drivers: [{ role: "mount", driver: "onstep" }],
    reason: "OnStep controllers run on Teensy boards and often name themselves",
  },
  {
    pattern: /celestron|nexstar/i,
    drivers: [{ role: "mount", driver: "nexstar" }],
    reason: "a Celestron hand controller or mount",
  },
  {
    pattern: /sky-?watcher|synscan/i,
    drivers: [{ role: "mount", driver: "synscan" }],
    reason: "a Sky-Watcher SynScan hand controller or mount",
  },
  {
    pattern: /meade|autostar|lx200/i,
    drivers: [{ role: "mount", driver: "lx200" }],
    reason: "a Meade Autostar/LX200 controller",
  },
  {
    pattern: /moonlite/i,
    drivers: [{ role: "focuser", driver: "moonlite" }],
    reason: "a Moonlite focuser controller",
  },
  {
    pattern: /alnitak|flip.?flat|flat.?man/i,
    drivers: [{ role: "flatpanel", driver: "alnitak" }],
    reason: "an Alnitak (Optec) flat panel",
  },
  {
    pattern: /prolific|pl2303/i,
    drivers: [{ role: "mount", driver: "synscan" }, { role: "mount", driver: "nexstar" }],
    reason: "Sky-Watcher and Celestron hand-controller cables carry a Prolific PL2303",
  },
  {
    pattern: /ftdi|ft232/i,
    drivers: [
      { role: "focuser", driver: "moonlite" },
      { role: "flatpanel", driver: "alnitak" },
      { role: "mount", driver: "lx200" },
    ],
    reason: "Moonlite and Alnitak controllers and many LX200 cables are FTDI adapters",
  },
  {
    pattern: /1a86|qinheng|ch34[01]|silicon labs|cp210\d|arduino|esp32|wch/i,
    drivers: [{ role: "mount", driver: "onstep" }, { role: "mount", driver: "lx200" }],
    reason: "OnStep and other LX200-speaking DIY controllers use CH340 or CP210x bridges",
  },
];

/** The suggestions for one port: every matching hint's drivers, each pair once, in table order. */
export function suggestDrivers(
  port: Pick<SerialPortInfo, "path" | "vendor" | "product">,
  hints: readonly SerialHint[] = SERIAL_HINTS,
): SerialPortDto["suggested_drivers"] {
  const text = `${port.vendor} ${port.product}`;
  const seen = new Set<string>();
  const suggestions: SerialPortDto["suggested_drivers"] = [];
  for (const hint of hints) {
    if (!hint.pattern.test(text)) continue;
    for (const { role, driver } of hint.drivers) {
      const key = `${role}/${driver}`;
      if (seen.has(key)) continue;
      seen.add(key);
      suggestions.push({
        role,
        driver,
        reason: hint.reason,
        assignment: { driver, options: { path: port.path } },
      });
    }
  }
  return suggestions;
}

/** Lists the ports under `dir` (the by-id folder unless a test says otherwise). */
export async function serialSection(dir?: string): Promise<Omit<SerialSection, "elapsed_ms">> {
  const ports = await listSerialPorts(dir);
  return {
    error: null,
    ports: ports.map((port) => ({
      path: port.path,
      device_path: port.devicePath,
      vendor: port.vendor,
      product: port.product,
      serial: port.serialNumber,
      suggested_drivers: suggestDrivers(port),
    })),
  };
}
