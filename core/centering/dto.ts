/**
 * The loop's records as the API shows them: one attempt (the status's list and the
 * `mount.centering` event), the end of a run (`mount.centered`) and the status before any run.
 */
import type {
  CenteredDto,
  CenteringAttemptDto,
  CenteringStatusDto,
  CenterOptions,
} from "../schemas/centering.ts";
import type { NamedTarget } from "./request.ts";
import type { AttemptRecord, CenteringOutcome } from "./types.ts";

export function attemptDto(
  runId: string,
  target: NamedTarget,
  maxAttempts: number,
  r: AttemptRecord,
): CenteringAttemptDto {
  return {
    run_id: runId,
    attempt: r.attempt,
    max_attempts: maxAttempts,
    target,
    solved_ra: r.solved?.raHours ?? null,
    solved_dec: r.solved?.decDeg ?? null,
    error_arcsec: r.errorArcsec,
    ra_error_arcsec: r.raErrorArcsec,
    dec_error_arcsec: r.decErrorArcsec,
    within_tolerance: r.withinTolerance,
    frame_id: r.frame.frameId,
    frame_path: r.frame.relativePath,
    solve_ms: r.solveMs,
    correction: r.correction,
    failure: r.failure,
  };
}

export function centeredDto(
  runId: string,
  target: NamedTarget,
  options: Pick<CenterOptions, "tolerance_arcsec">,
  outcome: CenteringOutcome,
  state: CenteredDto["state"],
  attempts: number,
): CenteredDto {
  return {
    run_id: runId,
    success: outcome.success,
    state,
    target,
    attempts,
    tolerance_arcsec: options.tolerance_arcsec,
    final_error_arcsec: outcome.finalErrorArcsec,
    reason: outcome.reason,
  };
}

export function idleStatus(): CenteringStatusDto {
  return {
    run_id: null,
    state: "idle",
    target: null,
    tolerance_arcsec: null,
    max_attempts: null,
    attempts: [],
    final_error_arcsec: null,
    reason: null,
    started_at: null,
    finished_at: null,
  };
}
