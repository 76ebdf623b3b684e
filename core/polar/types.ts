/**
 * What polar alignment needs from a plate solver, injected so the routine does not depend on
 * which solver is installed (or whether one is): a saved frame's path in, the J2000 centre out.
 */

export interface SolveHint {
  raHours: number;
  decDeg: number;
}

export interface SolvedCentre {
  raHours: number;
  decDeg: number;
  positionAngleDeg: number;
  pixelScaleArcsec: number;
}

/** Solves the FITS file at an absolute path; rejects when it cannot or when `signal` aborts. */
export type SolveFn = (
  frameFilePath: string,
  hint: SolveHint,
  signal?: AbortSignal,
) => Promise<SolvedCentre>;
