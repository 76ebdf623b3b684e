/**
 * One plate solve from start to answer: ASTAP first, solve-field when ASTAP is absent, has no
 * database or fails; each with the position hint first and blind when the hinted attempt finds
 * nothing (a wrong hint is the commonest reason a solve fails). The answer is read at the frame's
 * centre pixel so it does not depend on where a backend put its reference pixel.
 */
import { runAstap } from "./astap.ts";
import { runSolveField } from "./astrometry_net.ts";
import type { BackendOutcome, SolveRequest, SolverName } from "./types.ts";
import { pixelToSky, type TanWcs, wcsFigures } from "../../lib/astro/wcs.ts";

export interface Solution {
  /** The solution as found, in the solved file's pixels (FITS convention). */
  wcs: TanWcs;
  /** The solver program's version, when it says. */
  solverVersion: string | null;
  raDeg: number;
  decDeg: number;
  positionAngleDeg: number;
  pixelScaleArcsec: number;
  fieldWidthDeg: number;
  fieldHeightDeg: number;
  mirrored: boolean;
  solver: SolverName;
}

export class SolveFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SolveFailedError";
  }
}

type Backend = (req: SolveRequest, blind: boolean, signal: AbortSignal) => Promise<BackendOutcome>;

const BACKENDS: [SolverName, Backend][] = [["astap", runAstap], ["astrometry.net", runSolveField]];

/** Solves or throws SolveFailedError naming every attempt's reason. */
export async function plateSolve(req: SolveRequest, signal: AbortSignal): Promise<Solution> {
  const reasons: string[] = [];
  const hinted = req.raHintDeg !== null && req.decHintDeg !== null;
  for (const [name, backend] of BACKENDS) {
    for (const blind of hinted ? [false, true] : [true]) {
      if (signal.aborted) throw new SolveFailedError("the solve was cancelled");
      const out = await backend(req, blind, signal);
      if (out.kind === "solved") return solutionOf(req, out.wcs, name, out.version);
      reasons.push(out.reason);
      if (out.kind === "killed") throw new SolveFailedError(reasons.join("; "));
      if (out.kind === "unavailable") break;
    }
  }
  throw new SolveFailedError(reasons.join("; "));
}

function solutionOf(
  req: SolveRequest,
  wcs: TanWcs,
  solver: SolverName,
  solverVersion: string | null,
): Solution {
  const centre = pixelToSky(wcs, (req.widthPx + 1) / 2, (req.heightPx + 1) / 2);
  const f = wcsFigures(wcs);
  return {
    wcs,
    solverVersion,
    raDeg: centre.raDeg,
    decDeg: centre.decDeg,
    positionAngleDeg: f.positionAngleDeg,
    pixelScaleArcsec: f.pixelScaleArcsec,
    fieldWidthDeg: req.widthPx * f.pixelScaleArcsec / 3600,
    fieldHeightDeg: req.heightPx * f.pixelScaleArcsec / 3600,
    mirrored: f.mirrored,
    solver,
  };
}
