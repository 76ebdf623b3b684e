/**
 * Whether centring can plate-solve at all on this box; the solve itself goes through the adapter
 * polar alignment uses too (core/polar/solver_adapter.ts).
 */
import type { SolverService } from "../solver/solver_service.ts";

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
