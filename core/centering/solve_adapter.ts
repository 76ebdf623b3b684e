/**
 * Centring's plate solve over the box's solver service: submit the saved frame with the mount's
 * position as the hint, wait for the job, and answer in the loop's units (RA in hours). Unlike
 * polar alignment's adapter, an abort kills the solve job itself, so a stopped centring run leaves
 * no solver process behind.
 */
import type { SolverService } from "../solver/solver_service.ts";
import type { CenteringSolveFn } from "./types.ts";

export function centeringSolve(
  solver: Pick<SolverService, "submit" | "wait" | "abort">,
): CenteringSolveFn {
  return async (frameFilePath, hint, signal) => {
    signal.throwIfAborted();
    const job = await solver.submit(frameFilePath, { raHours: hint.raHours, decDeg: hint.decDeg });
    const onAbort = () => solver.abort(job.id);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const done = await solver.wait(job.id);
      signal.throwIfAborted();
      const solution = done?.solution;
      if (!done || done.status !== "solved" || !solution) {
        throw new Error(`plate solve of ${frameFilePath} failed: ${done?.error ?? "job lost"}`);
      }
      return {
        raHours: solution.raDeg / 15,
        decDeg: solution.decDeg,
        positionAngleDeg: solution.positionAngleDeg,
        pixelScaleArcsec: solution.pixelScaleArcsec,
      };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  };
}

/**
 * Why no plate solve can work on this box (no ASTAP database and no astrometry.net index file
 * installed), or null: checked before a run, so centring says so at once instead of after two
 * wasted exposures.
 */
export function solverMissing(
  solver: Pick<SolverService, "indexes">,
): () => Promise<string | null> {
  return async () => {
    const installed = await solver.indexes();
    if (installed.astap.length > 0 || installed.astrometryNet.length > 0) return null;
    return "no plate solver is available: install an ASTAP star database or astrometry.net " +
      "index files (GET /api/v1/solver/indexes)";
  };
}
