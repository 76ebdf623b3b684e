/**
 * Shapes shared by the solver backends and the job service: what one attempt is asked and what
 * it answers. Positions inside the solver are degrees (RA too); the API converts RA to hours.
 */
import type { TanWcs } from "../../lib/astro/wcs.ts";

export interface SolveRequest {
  /** Absolute path of an existing FITS file (already checked against the data directory). */
  imagePath: string;
  widthPx: number;
  heightPx: number;
  raHintDeg: number | null;
  decHintDeg: number | null;
  /** Expected pixel scale from the profile's optics; null searches every scale. */
  pixelScaleArcsec: number | null;
  searchRadiusDeg: number;
  timeoutMs: number;
  /** Overrides for tests and unusual installs. */
  astapPath?: string | null;
  astapDatabaseDir?: string | null;
  solveFieldPath?: string | null;
  indexDir?: string | null;
}

export type BackendOutcome =
  /** `version`: the solver program's own, when it says (for the frame's HISTORY). */
  | { kind: "solved"; wcs: TanWcs; version: string | null }
  | { kind: "failed"; reason: string }
  /** The backend cannot run at all (not installed, no database): go to the next one. */
  | { kind: "unavailable"; reason: string }
  | { kind: "killed"; reason: string };

export const SOLVER_NAMES = ["astap", "astrometry.net"] as const;
export type SolverName = typeof SOLVER_NAMES[number];
