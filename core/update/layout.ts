/**
 * Where an update lives on a box, shared by the app (user `openskylab`) and the root-side script
 * that installs and rolls back (image/.../files/update-release, run by systemd units): the
 * releases under `<install dir>/releases/<version>/` with the atomic `current` symlink, and in
 * the data dir's `update/` folder the files through which the two talk. The app writes
 * `staged/` (a verified release, unpacked), `request.json` (apply it) and `gate.json` (the new release's
 * verdict on itself); the script writes `pending.json` (an apply under way), `last.json` (how
 * the last apply or rollback ended), `applied.json` (the last apply that was confirmed: what a
 * rollback by hand returns to) and `backups/<version>/` (the database as that release left it
 * before the next one migrated it). The script's formats are flat JSON it writes with printf, read
 * here leniently.
 */
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { writeFitsFileDurably } from "../../lib/durable_write.ts";
import { UpdateOutcomeDto } from "../schemas/update.ts";
import type { BuildInfo } from "../system/build_info.ts";

export const UPDATE_DIR = "update";

export function updatePaths(dataDir: string) {
  const dir = join(dataDir, UPDATE_DIR);
  return {
    dir,
    /** Downloads and uploads in progress; emptied at start. */
    incoming: join(dir, "incoming"),
    staged: join(dir, "staged"),
    /** The verified release, unpacked: what the root side installs. */
    stagedRelease: join(dir, "staged", "release"),
    stagedRecord: join(dir, "staged", "staged.json"),
    request: join(dir, "request.json"),
    pending: join(dir, "pending.json"),
    gate: join(dir, "gate.json"),
    last: join(dir, "last.json"),
    applied: join(dir, "applied.json"),
  };
}
export type UpdatePaths = ReturnType<typeof updatePaths>;

export const PendingSchema = z.object({
  from: z.string(),
  to: z.string(),
  phase: z.string(),
});
export type Pending = z.infer<typeof PendingSchema>;

export const GateVerdictSchema = z.object({
  version: z.string(),
  ok: z.boolean(),
  reason: z.string().nullable(),
  at_ms: z.number(),
});
export type GateVerdict = z.infer<typeof GateVerdictSchema>;

export async function readJson<T extends z.ZodType>(
  path: string,
  schema: T,
): Promise<z.infer<T> | null> {
  try {
    const parsed = schema.safeParse(JSON.parse(await Deno.readTextFile(path)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const readPending = (p: UpdatePaths) => readJson(p.pending, PendingSchema);
export const readLast = (p: UpdatePaths) => readJson(p.last, UpdateOutcomeDto);
export const readApplied = (p: UpdatePaths) => readJson(p.applied, UpdateOutcomeDto);

/** Writes `path` whole or not at all: a power cut leaves the old file or the new one. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFitsFileDurably(path, new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n"));
}

export interface Installation {
  /** Runs from `<installDir>/current`: apply and rollback can work. */
  installed: boolean;
  /** Why not, in words for the phone. */
  reason: string | null;
  /** The running release's folder, when installed. */
  releaseDir: string | null;
}

/**
 * Whether this process is the release `<installDir>/current` points at. A source checkout, a
 * release unpacked elsewhere (the release test runs one from a temporary folder) or a release
 * that is not the current one cannot be updated in place, and apply says so.
 */
export async function detectInstallation(
  build: BuildInfo,
  installDir: string,
  mainModule = Deno.mainModule,
): Promise<Installation> {
  const no = (reason: string) => ({ installed: false, reason, releaseDir: null });
  if (build.kind !== "release") {
    return no("this box runs OpenSkyLab from a source checkout, not an installed release");
  }
  // bundle: <release>/app/main.js; compiled: <release>/bin/openskylab.
  const main = mainModule.startsWith("file:") ? fileURLToPath(mainModule) : Deno.execPath();
  const own = await Deno.realPath(dirname(dirname(main))).catch(() => null);
  const current = await Deno.realPath(join(installDir, "current")).catch(() => null);
  if (current === null) return no(`${installDir}/current does not exist: not an installed box`);
  if (own === null || resolve(own) !== resolve(current)) {
    return no(`this release runs from ${own ?? main}, not from ${installDir}/current`);
  }
  if (basename(dirname(current)) !== "releases") {
    return no(`${installDir}/current points outside ${installDir}/releases`);
  }
  return { installed: true, reason: null, releaseDir: current };
}
