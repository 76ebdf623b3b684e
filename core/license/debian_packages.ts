/**
 * The Debian packages of the system the box runs on (a Raspberry Pi OS or Debian image): the
 * installed ones from dpkg's status database, each with the licences its
 * /usr/share/doc/<package>/copyright file declares when that file is machine-readable (DEP-5).
 * Elsewhere — another OS, a container without dpkg — the inventory says it is unavailable and
 * why. Reading ~900 copyright files takes about a second on a desktop, so the caller keeps the
 * result (see LicenseService).
 */
import { join } from "node:path";
import { parseControl } from "./control.ts";
import { readCopyright } from "./dep5.ts";

export interface DebianPaths {
  /** dpkg's status database. */
  statusPath: string;
  /** Where each package's `<name>/copyright` lives. */
  docDir: string;
  /** For the system's name (`PRETTY_NAME`). */
  osReleasePath: string;
}

export const DEBIAN_PATHS: DebianPaths = {
  statusPath: "/var/lib/dpkg/status",
  docDir: "/usr/share/doc",
  osReleasePath: "/etc/os-release",
};

export interface InstalledPackage {
  name: string;
  version: string;
  architecture: string;
}

export interface DebianPackageLicence extends InstalledPackage {
  /** The copyright file's licences as one SPDX expression; null when it cannot be read so. */
  licence: string | null;
  /** The `License:` expressions as the file writes them (DEP-5 files only). */
  declared: string[];
  machine_readable: boolean;
  /** Whether /usr/share/doc/<name>/copyright exists (minimal images may strip it). */
  has_copyright: boolean;
}

export type DebianInventory =
  | { available: true; os: string | null; packages: DebianPackageLicence[] }
  | { available: false; reason: string };

/** Debian policy's package names: nothing that could step out of the doc folder. */
export const DEBIAN_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** The packages dpkg has installed ("install ok installed"), in the database's order. */
export function parseDpkgStatus(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const p of parseControl(text)) {
    const name = p.get("package");
    const status = (p.get("status") ?? "").split(/\s+/);
    if (!name || status[2] !== "installed") continue;
    out.push({
      name,
      version: p.get("version") ?? "",
      architecture: p.get("architecture") ?? "",
    });
  }
  return out;
}

/** `PRETTY_NAME` of an os-release file, or null. */
export function prettyName(text: string): string | null {
  const m = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(text);
  return m ? (m[1] ?? m[2] ?? "").trim() || null : null;
}

/** The text of a package's copyright file, or null when it has none. */
export async function readCopyrightFile(paths: DebianPaths, name: string): Promise<string | null> {
  if (!DEBIAN_PACKAGE_NAME.test(name)) return null;
  try {
    return await Deno.readTextFile(join(paths.docDir, name, "copyright"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw err;
  }
}

/** Why the packages cannot be listed, given the error reading dpkg's database. */
export function unavailableReason(paths: DebianPaths, err: unknown): string {
  return err instanceof Deno.errors.NotFound
    ? `no dpkg database at ${paths.statusPath}: not running on a Debian-based system`
    : `cannot read ${paths.statusPath}: ${err instanceof Error ? err.message : err}`;
}

export async function readDebianInventory(paths: DebianPaths): Promise<DebianInventory> {
  let status: string;
  try {
    status = await Deno.readTextFile(paths.statusPath);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return {
        available: false,
        reason: `no dpkg database at ${paths.statusPath}: not running on a Debian-based system`,
      };
    }
    return {
      available: false,
      reason: `cannot read ${paths.statusPath}: ${(err as Error).message}`,
    };
  }
  const os = await Deno.readTextFile(paths.osReleasePath).then(prettyName, () => null);
  const installed = parseDpkgStatus(status);
  const packages: DebianPackageLicence[] = new Array(installed.length);
  // A few files at a time: enough to keep the disk busy, few enough for a Pi's SD card.
  let next = 0;
  const worker = async () => {
    while (next < installed.length) {
      const i = next++;
      const pkg = installed[i]!;
      const text = await readCopyrightFile(paths, pkg.name);
      const read = text === null ? null : readCopyright(text);
      packages[i] = {
        ...pkg,
        licence: read?.spdx ?? null,
        declared: read?.declared ?? [],
        machine_readable: read?.machineReadable ?? false,
        has_copyright: text !== null,
      };
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const key = (p: InstalledPackage) => `${p.name}:${p.architecture}`;
  packages.sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return { available: true, os, packages };
}
