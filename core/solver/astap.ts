/**
 * ASTAP's command-line solver as the first backend. It is fast on a small box but Debian ships it
 * without a star database, in which case it exits 32 and the service moves on to solve-field.
 * Its answer is the `.ini` it always writes (PLTSOLVD, CRVAL/CRPIX, CD matrix); the output base
 * is put in a scratch directory so nothing is written beside the user's frame.
 */
import { join } from "node:path";
import { firstExisting, runProcess } from "./run_process.ts";
import { solverVersion } from "./solver_version.ts";
import type { BackendOutcome, SolveRequest } from "./types.ts";

export const ASTAP_CANDIDATES = [
  "/usr/bin/astap_cli",
  "/usr/local/bin/astap_cli",
  "/opt/astap/astap_cli",
];
export const ASTAP_DATABASE_DIR = "/usr/share/astap/data";

/** ASTAP's documented exit codes (han-k59/astap, command-line version). */
const EXIT_REASONS: Record<number, string> = {
  1: "no solution",
  2: "not enough stars",
  16: "image read error",
  32: "no star database",
  33: "star database read error",
  34: "header update failed",
};

/** KEY=VALUE lines of an ASTAP `.ini`. */
export function parseAstapIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) out.set(line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1).trim());
  }
  return out;
}

/** The solution of a parsed `.ini`, or null when PLTSOLVD is not T. */
export function astapSolution(
  ini: Map<string, string>,
  version: string | null = null,
): BackendOutcome {
  if (ini.get("PLTSOLVD") !== "T") {
    return { kind: "failed", reason: `ASTAP: ${ini.get("ERROR") || "no solution"}` };
  }
  const n = (key: string) => {
    const v = Number(ini.get(key));
    if (!Number.isFinite(v)) throw new Error(`ASTAP's .ini lacks a number for ${key}`);
    return v;
  };
  return {
    kind: "solved",
    wcs: {
      crval1Deg: n("CRVAL1"),
      crval2Deg: n("CRVAL2"),
      crpix1Px: n("CRPIX1"),
      crpix2Px: n("CRPIX2"),
      cd11: n("CD1_1"),
      cd12: n("CD1_2"),
      cd21: n("CD2_1"),
      cd22: n("CD2_2"),
    },
    version,
  };
}

export function astapArgs(req: SolveRequest, outBase: string, blind: boolean): string[] {
  const args = ["-f", req.imagePath, "-o", outBase, "-z", "0"];
  if (req.pixelScaleArcsec) {
    args.push("-fov", (req.heightPx * req.pixelScaleArcsec / 3600).toFixed(4));
  }
  if (!blind && req.raHintDeg !== null && req.decHintDeg !== null) {
    // -spd is the south-pole distance, so ASTAP never parses a negative number.
    args.push("-ra", (req.raHintDeg / 15).toFixed(6), "-spd", (req.decHintDeg + 90).toFixed(6));
    args.push("-r", String(req.searchRadiusDeg));
  } else {
    args.push("-r", "180");
  }
  const db = req.astapDatabaseDir ?? ASTAP_DATABASE_DIR;
  args.push("-d", db);
  return args;
}

export async function runAstap(
  req: SolveRequest,
  blind: boolean,
  signal: AbortSignal,
): Promise<BackendOutcome> {
  const exe = req.astapPath === undefined ? firstExisting(ASTAP_CANDIDATES) : req.astapPath;
  if (!exe) return { kind: "unavailable", reason: "astap_cli is not installed" };
  const db = req.astapDatabaseDir ?? ASTAP_DATABASE_DIR;
  // Starting ASTAP only to hear "no database" costs ~0.2 s per solve (Debian ships none).
  if (!(await hasDatabase(db))) {
    return { kind: "unavailable", reason: `ASTAP: no star database in ${db}` };
  }
  const outDir = await Deno.makeTempDir({ prefix: "openskylab-astap-" });
  try {
    const base = join(outDir, "solution");
    const r = await runProcess(exe, astapArgs(req, base, blind), {
      timeoutMs: req.timeoutMs,
      signal,
    });
    if (r.killed) return { kind: "killed", reason: "ASTAP was stopped (timeout or abort)" };
    // Debian's 2022 build exits 1, not 32, when it has no database; its message says so.
    if (r.code === 32 || r.code === 33 || /no star database/i.test(r.stdout + r.stderr)) {
      return { kind: "unavailable", reason: `ASTAP: ${EXIT_REASONS[r.code] ?? EXIT_REASONS[32]}` };
    }
    const ini = await Deno.readTextFile(`${base}.ini`).catch(() => null);
    if (r.code === 0 && ini) {
      return astapSolution(parseAstapIni(ini), await solverVersion("astap", exe));
    }
    return {
      kind: "failed",
      reason: `ASTAP exited with ${r.code}: ${EXIT_REASONS[r.code] ?? "unknown error"}`,
    };
  } finally {
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
}

/** Any ASTAP database file (`d50_0101.1476`, `h18_1801.1476` …) in `dir`. */
async function hasDatabase(dir: string): Promise<boolean> {
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && /^[a-z]\d{2}_\d{4}\.\d+$/i.test(e.name)) return true;
    }
  } catch { /* no folder: no database */ }
  return false;
}
