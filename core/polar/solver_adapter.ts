/**
 * Polar alignment's `solve` over the box's plate-solver service: submit the saved frame with the
 * mount's position as the hint, wait for the job, and turn its answer (RA in degrees) into the
 * routine's units. A failed or vanished job rejects with the solver's reason.
 */
import type { SolverService } from "../solver/solver_service.ts";
import type { SolveFn } from "./types.ts";

export function solveWithService(solver: Pick<SolverService, "submit" | "wait">): SolveFn {
  return async (frameFilePath, hint) => {
    const job = await solver.submit(frameFilePath, { raHours: hint.raHours, decDeg: hint.decDeg });
    const done = await solver.wait(job.id);
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
  };
}
