/**
 * A routine's `solve` over the box's plate-solver service, shared by polar alignment and centring:
 * submit the saved frame with the mount's position as the hint, wait for the job, and turn its
 * answer (RA in degrees) into the routines' units. A failed or vanished job rejects with the
 * solver's reason; an abort kills the solve job itself, so a stopped run leaves no solver process
 * behind.
 */
import type { SolverService } from "../solver/solver_service.ts";
import type { SolveFn } from "./types.ts";

export function solveWithService(
  solver: Pick<SolverService, "submit" | "wait" | "abort">,
): SolveFn {
  return async (frameFilePath, hint, signal) => {
    signal?.throwIfAborted();
    const job = await solver.submit(frameFilePath, { raHours: hint.raHours, decDeg: hint.decDeg });
    const onAbort = () => solver.abort(job.id);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const done = await solver.wait(job.id);
      signal?.throwIfAborted();
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
      signal?.removeEventListener("abort", onAbort);
    }
  };
}
