/**
 * The centring loop, over ports so it can be tested without a rig: goto the aim point, expose,
 * solve, measure the error against the target; done when it is within tolerance; otherwise
 * correct and go again, at most `maxAttempts` rounds. The correction is a sync of the mount to
 * the solved position, so its own coordinates become right (and the next target's goto benefits);
 * when the mount cannot sync, or a sync did not make the next goto better (a mount that ignores
 * syncs, or one whose goto does not follow its synced coordinates), it aims off instead: the aim
 * point moves by the measured error, which cancels any error that is locally constant. A failed
 * solve counts as an attempt; two in a row end the run, since the sky is probably not there.
 */
import type { EquatorialCoord } from "../../lib/astro/coords.ts";
import { offsetAim, pointingError } from "./offsets.ts";
import type { AttemptRecord, CenteringOutcome, CenteringPorts } from "./types.ts";

export interface CenteringParams {
  target: EquatorialCoord;
  toleranceArcsec: number;
  maxAttempts: number;
}

/**
 * A sync counts as working when the next error is at most this fraction of the one it corrected;
 * goto repeatability and a tracking drift leave a residual, a sync that did nothing leaves it all.
 */
export const SYNC_EFFECT_RATIO = 0.5;
/** Consecutive failed solves that end the run. */
export const MAX_SOLVE_FAILURES_IN_A_ROW = 2;

export async function runCentering(
  ports: CenteringPorts,
  params: CenteringParams,
  signal: AbortSignal,
  onAttempt: (record: AttemptRecord) => void,
  note: (message: string) => void = () => {},
): Promise<CenteringOutcome> {
  const { target, toleranceArcsec, maxAttempts } = params;
  let aim: EquatorialCoord = { ...target };
  let mode: "sync" | "offset" = ports.canSync ? "sync" : "offset";
  /** The error a sync was made to correct, until the next solve judges it. */
  let syncedErrorArcsec: number | null = null;
  let failuresInARow = 0;
  let lastError: number | null = null;
  let lastFailure: string | null = null;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    ports.phase("slewing");
    await ports.goto(aim, signal);
    ports.phase("exposing");
    const frame = await ports.capture(attempt, signal);
    ports.phase("solving");
    const startMs = ports.now();
    let solved: EquatorialCoord;
    try {
      const answer = await ports.solve(frame.absolutePath, ports.position(), signal);
      solved = { raHours: answer.raHours, decDeg: answer.decDeg };
    } catch (err) {
      if (signal.aborted) throw err;
      lastFailure = err instanceof Error ? err.message : String(err);
      failuresInARow++;
      onAttempt({
        attempt,
        solved: null,
        errorArcsec: null,
        raErrorArcsec: null,
        decErrorArcsec: null,
        withinTolerance: false,
        frame,
        solveMs: ports.now() - startMs,
        correction: null,
        failure: lastFailure,
      });
      if (failuresInARow >= MAX_SOLVE_FAILURES_IN_A_ROW) {
        return {
          success: false,
          attempts: attempt,
          finalErrorArcsec: lastError,
          reason: `${failuresInARow} plate solves in a row failed (clouds, or no stars in the ` +
            `frame?): ${lastFailure}`,
        };
      }
      continue;
    }
    const solveMs = ports.now() - startMs;
    failuresInARow = 0;
    lastFailure = null;
    const error = pointingError(solved, target);
    lastError = error.errorArcsec;
    const within = error.errorArcsec <= toleranceArcsec;
    const last = attempt === maxAttempts;
    if (
      !within && mode === "sync" && syncedErrorArcsec !== null &&
      error.errorArcsec > SYNC_EFFECT_RATIO * syncedErrorArcsec
    ) {
      mode = "offset";
      note(
        `the sync did not improve the goto (${syncedErrorArcsec.toFixed(1)}″ → ` +
          `${error.errorArcsec.toFixed(1)}″): aiming off by the measured error instead`,
      );
    }
    syncedErrorArcsec = null;
    const correction = within || last ? null : mode;
    onAttempt({
      attempt,
      solved,
      errorArcsec: error.errorArcsec,
      raErrorArcsec: finiteOrNull(error.raErrorArcsec),
      decErrorArcsec: finiteOrNull(error.decErrorArcsec),
      withinTolerance: within,
      frame,
      solveMs,
      correction,
      failure: null,
    });
    if (within) {
      return { success: true, attempts: attempt, finalErrorArcsec: lastError, reason: null };
    }
    if (correction === "sync") {
      ports.phase("syncing");
      await ports.sync(solved, signal);
      syncedErrorArcsec = error.errorArcsec;
      aim = { ...target };
    } else if (correction === "offset") {
      aim = offsetAim(aim, target, solved);
    }
  }
  const reason = lastFailure !== null
    ? `the last plate solve failed: ${lastFailure}`
    : `still ${lastError?.toFixed(1)}″ from the target after ${maxAttempts} attempts ` +
      `(tolerance ${toleranceArcsec}″)`;
  return { success: false, attempts: maxAttempts, finalErrorArcsec: lastError, reason };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
