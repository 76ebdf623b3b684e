/**
 * astrometry.net's `solve-field` as a solver backend: builds the command line from the hints,
 * runs it in a scratch directory and reads the solution from the `.wcs` header it writes (our own
 * FITS reader). `--crpix-center` puts the reference pixel at the frame centre so CRVAL is the
 * centre itself, and `--no-plots --new-fits none` keep it from writing files we do not read.
 */
import { join } from "node:path";
import { fitsHdus } from "../../lib/fits/mod.ts";
import type { FitsValue } from "../../lib/fits/mod.ts";
import { ASTROMETRY_INDEX_DIR } from "./indexes.ts";
import { runProcess } from "./run_process.ts";
import { solverVersion } from "./solver_version.ts";
import type { TanWcs } from "../../lib/astro/wcs.ts";
import type { BackendOutcome, SolveRequest } from "./types.ts";

export const SOLVE_FIELD = "solve-field";

/** solve-field's arguments for one attempt; `blind` drops the position hint. */
export function solveFieldArgs(req: SolveRequest, outDir: string, blind: boolean): string[] {
  const args = [
    req.imagePath,
    "--dir",
    outDir,
    "--out",
    "solution",
    "--overwrite",
    "--no-plots",
    "--new-fits",
    "none",
    "--corr",
    "none",
    "--rdls",
    "none",
    "--match",
    "none",
    "--crpix-center",
    "--cpulimit",
    String(Math.max(1, Math.ceil(req.timeoutMs / 1000))),
  ];
  if (req.pixelScaleArcsec) {
    // ±20 %: focal reducers and binning guesses are rarely further off than that.
    args.push(
      "--scale-units",
      "arcsecperpix",
      "--scale-low",
      (req.pixelScaleArcsec * 0.8).toFixed(4),
      "--scale-high",
      (req.pixelScaleArcsec * 1.2).toFixed(4),
    );
  }
  if (!blind && req.raHintDeg !== null && req.decHintDeg !== null) {
    args.push(
      "--ra",
      req.raHintDeg.toFixed(6),
      "--dec",
      req.decHintDeg.toFixed(6),
      "--radius",
      String(req.searchRadiusDeg),
    );
  }
  // The default folder is in /etc/astrometry.cfg already; naming it again loads it twice.
  if (req.indexDir && req.indexDir !== ASTROMETRY_INDEX_DIR) args.push("--index-dir", req.indexDir);
  return args;
}

function num(header: Map<string, FitsValue>, key: string): number {
  const v = header.get(key);
  if (typeof v !== "number") throw new Error(`solve-field's .wcs lacks ${key}`);
  return v;
}

/** The TAN part of a `.wcs` header (SIP terms, when present, are zero at CRPIX). */
export function parseWcsHeader(bytes: Uint8Array): TanWcs {
  const first = fitsHdus(bytes).next();
  if (first.done) throw new Error("solve-field's .wcs is empty");
  const h = first.value.header;
  return {
    crval1Deg: num(h, "CRVAL1"),
    crval2Deg: num(h, "CRVAL2"),
    crpix1Px: num(h, "CRPIX1"),
    crpix2Px: num(h, "CRPIX2"),
    cd11: num(h, "CD1_1"),
    cd12: num(h, "CD1_2"),
    cd21: num(h, "CD2_1"),
    cd22: num(h, "CD2_2"),
  };
}

/** One solve-field attempt; `solved: false` with its reason when it found nothing. */
export async function runSolveField(
  req: SolveRequest,
  blind: boolean,
  signal: AbortSignal,
): Promise<BackendOutcome> {
  const outDir = await Deno.makeTempDir({ prefix: "openskylab-solve-" });
  const executable = req.solveFieldPath ?? SOLVE_FIELD;
  try {
    const r = await runProcess(
      executable,
      solveFieldArgs(req, outDir, blind),
      {
        timeoutMs: req.timeoutMs,
        signal,
      },
    );
    if (r.killed) return { kind: "killed", reason: "solve-field was stopped (timeout or abort)" };
    let wcsBytes: Uint8Array;
    try {
      await Deno.stat(join(outDir, "solution.solved"));
      wcsBytes = await Deno.readFile(join(outDir, "solution.wcs"));
    } catch {
      const tail = (r.stderr || r.stdout).trim().split("\n").slice(-2).join(" ");
      return {
        kind: "failed",
        reason: r.code === 0
          ? `solve-field found no solution${blind ? " (blind)" : ""}`
          : `solve-field exited with ${r.code}: ${tail}`,
      };
    }
    const wcs = parseWcsHeader(wcsBytes);
    return { kind: "solved", wcs, version: await solverVersion("astrometry.net", executable) };
  } finally {
    await Deno.remove(outDir, { recursive: true }).catch(() => {});
  }
}
