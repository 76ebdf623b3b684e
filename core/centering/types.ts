/**
 * What the centring loop needs from the rig, as ports: a goto that waits for arrival and the
 * settle, a sync, a capture that saves the frame, and a plate solve. The service gives it the
 * hub-backed ports (rig.ts); the unit tests give it a fake mount whose pointing error they know.
 * Coordinates are J2000 throughout: the ports convert at the contract boundary.
 */
import type { EquatorialCoord } from "../../lib/astro/coords.ts";
import type { SolvedCentre, SolveHint } from "../polar/types.ts";
import type { CenteringState } from "../schemas/centering.ts";

/** Solves the FITS file at an absolute path; rejects when it cannot or when `signal` aborts. */
export type CenteringSolveFn = (
  frameFilePath: string,
  hint: SolveHint,
  signal: AbortSignal,
) => Promise<SolvedCentre>;

export interface CapturedFrame {
  frameId: string;
  /** Relative to the data directory, as the frames API lists it. */
  relativePath: string;
  absolutePath: string;
}

export interface CenteringPorts {
  /** Whether `sync` exists on this mount (ASCOM CanSync). */
  readonly canSync: boolean;
  /** Sends the mount so that the optics land on `aim` (J2000), waits for arrival, settles. */
  goto(aim: EquatorialCoord, signal: AbortSignal): Promise<void>;
  /** Tells the mount it points at `solved` (J2000). */
  sync(solved: EquatorialCoord, signal: AbortSignal): Promise<void>;
  /** Exposes one frame and saves it durably. */
  capture(attempt: number, signal: AbortSignal): Promise<CapturedFrame>;
  solve: CenteringSolveFn;
  /** Where the mount says it points now (J2000): the solve's hint. */
  position(): EquatorialCoord;
  /** Milliseconds, to time the solve. */
  now(): number;
  /** The loop entered a phase (for the status). */
  phase(state: CenteringState): void;
}

export interface AttemptRecord {
  attempt: number;
  solved: EquatorialCoord | null;
  errorArcsec: number | null;
  raErrorArcsec: number | null;
  decErrorArcsec: number | null;
  withinTolerance: boolean;
  frame: CapturedFrame;
  solveMs: number | null;
  correction: "sync" | "offset" | null;
  failure: string | null;
}

export interface CenteringOutcome {
  success: boolean;
  attempts: number;
  finalErrorArcsec: number | null;
  reason: string | null;
}
