/**
 * The installed INDI drivers, read from INDI's own catalogue (/usr/share/indi/drivers.xml, plus
 * any third-party `*.xml` beside it with the same `<driversList>` root) and checked against the
 * binaries in /usr/bin. The catalogue is small, machine-written XML of one fixed shape, so a few
 * regular expressions read it; anything that does not fit that shape is skipped rather than
 * fatal. Catalogue groups map onto our roles (Telescopes → mount, CCDs → camera …). Two cases
 * need more than the group: INDI 1.9 files rotators under Focusers, so a `*_rotator` binary is a
 * rotator wherever it is listed, and Auxiliary mixes light boxes with GPS units and dew heaters,
 * so only entries whose names say flat/light/cover/cap become flat panels.
 */
import { join } from "node:path";
import type { DeviceKind } from "../device.ts";
import type { IndiDriverDto, IndiSection } from "../discovery.ts";

export const INDI_CATALOGUE_DIR = "/usr/share/indi";
export const INDI_BIN_DIR = "/usr/bin";

const GROUP_ROLES: Record<string, DeviceKind> = {
  "Telescopes": "mount",
  "CCDs": "camera",
  "Focusers": "focuser",
  "Filter Wheels": "filterwheel",
  "Domes": "dome",
  "Weather": "weather",
  "Rotators": "rotator",
};

const LIGHT_BOX = /flat|light ?panel|light ?box|cover|snap ?cap|dust ?cap/i;

/** Parses one catalogue file; [] when it is not a `<driversList>` (e.g. a driver's skeleton). */
export function parseDriversXml(text: string): IndiDriverDto[] {
  const body = text.replace(/<!--[\s\S]*?-->/g, "");
  if (!/<driversList\b/.test(body)) return [];
  const drivers: IndiDriverDto[] = [];
  for (const group of body.matchAll(/<devGroup\b([^>]*)>([\s\S]*?)<\/devGroup>/g)) {
    const groupName = attributes(group[1]!).group ?? "";
    for (const device of group[2]!.matchAll(/<device\b([^>]*)>([\s\S]*?)<\/device>/g)) {
      const attrs = attributes(device[1]!);
      const driver = /<driver\b([^>]*)>([^<]*)<\/driver>/.exec(device[2]!);
      const executable = driver ? decode(driver[2]!).trim() : "";
      if (attrs.label === undefined || !/^[\w.+-]+$/.test(executable)) continue;
      const version = /<version>([^<]*)<\/version>/.exec(device[2]!);
      drivers.push({
        label: attrs.label,
        manufacturer: attrs.manufacturer ?? "",
        driver_name: attributes(driver![1]!).name ?? attrs.label,
        executable,
        version: version ? decode(version[1]!).trim() : null,
        group: groupName,
      });
    }
  }
  return drivers;
}

/** The role an entry fills, or null for groups we have no contract for (Agent, GPS …). */
export function indiRole(entry: IndiDriverDto): DeviceKind | null {
  if (/_rotator$/.test(entry.executable)) return "rotator";
  const role = GROUP_ROLES[entry.group];
  if (role) return role;
  if (entry.group === "Auxiliary") {
    const names = `${entry.label} ${entry.driver_name} ${entry.executable}`;
    return LIGHT_BOX.test(names) ? "flatpanel" : null;
  }
  return null;
}

/** Groups entries by role, roles in the order they first appear in the catalogue. */
export function groupByRole(entries: IndiDriverDto[]): IndiSection["groups"] {
  const groups = new Map<DeviceKind, IndiDriverDto[]>();
  for (const entry of entries) {
    const role = indiRole(entry);
    if (role === null) continue;
    const list = groups.get(role) ?? [];
    list.push(entry);
    groups.set(role, list);
  }
  return [...groups].map(([role, drivers]) => ({ role, drivers }));
}

/**
 * Reads every catalogue in `catalogueDir` and keeps the entries whose binary is in `binDir`.
 * A missing drivers.xml means INDI is not installed: a normal answer, said in `reason`.
 */
export async function indiSection(
  catalogueDir = INDI_CATALOGUE_DIR,
  binDir = INDI_BIN_DIR,
): Promise<Omit<IndiSection, "elapsed_ms">> {
  const catalogue = join(catalogueDir, "drivers.xml");
  let main: string;
  try {
    main = await Deno.readTextFile(catalogue);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return {
      error: null,
      found: false,
      reason: `INDI is not installed: ${catalogue} does not exist (Debian: apt install indi-bin)`,
      catalogue,
      groups: [],
      not_installed_count: 0,
    };
  }
  const entries = parseDriversXml(main);
  for await (const file of Deno.readDir(catalogueDir)) {
    if (!file.isFile || !file.name.endsWith(".xml") || file.name === "drivers.xml") continue;
    entries.push(...parseDriversXml(await Deno.readTextFile(join(catalogueDir, file.name))));
  }
  const executables = [...new Set(entries.map((entry) => entry.executable))];
  const present = await Promise.all(executables.map((exe) => isFile(join(binDir, exe))));
  const installed = new Set(executables.filter((_, i) => present[i]));
  const seen = new Set<string>();
  const kept: IndiDriverDto[] = [];
  let missing = 0;
  for (const entry of entries) {
    const key = `${entry.label}\n${entry.executable}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (installed.has(entry.executable)) kept.push(entry);
    else missing++;
  }
  return {
    error: null,
    found: true,
    reason: null,
    catalogue,
    groups: groupByRole(kept),
    not_installed_count: missing,
  };
}

function attributes(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (
    const [, name, double, single] of text.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)
  ) {
    found[name!] = decode(double ?? single ?? "");
  }
  return found;
}

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (entity[0] !== "#") return named[entity.toLowerCase()]!;
    const hex = entity[1] === "x" || entity[1] === "X";
    return String.fromCodePoint(parseInt(entity.slice(hex ? 2 : 1), hex ? 16 : 10));
  });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}
