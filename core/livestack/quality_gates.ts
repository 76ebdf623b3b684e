/**
 * Which frames may enter the live stack. A frame is rejected when it shows too few stars (cloud,
 * dew, a wrong focus), when its stars are much fatter than usual (the running median HFR of the
 * accepted frames: seeing, wind, a focus drift), when they are elongated (trailing: a guiding
 * loss or a bumped tripod), or — after registration — when its stars do not sit where the
 * transform puts them. Each rejection has a reason code (counted in the status) and a message
 * with the figures, so the user can see why and adjust the thresholds.
 */
import type { FrameAnalysis } from "../imaging/stars/types.ts";
import type { LivestackOptions, RejectionReason } from "../schemas/livestack.ts";

export interface Rejection {
  reason: RejectionReason;
  message: string;
}

export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The gates that need only the star analysis; null when the frame passes. */
export function starGates(
  analysis: FrameAnalysis,
  options: Pick<LivestackOptions, "min_stars" | "hfr_factor" | "max_eccentricity">,
  acceptedHfrPx: readonly number[],
): Rejection | null {
  if (analysis.starCount < options.min_stars) {
    return {
      reason: "too_few_stars",
      message: `${analysis.starCount} stars detected, at least ${options.min_stars} needed`,
    };
  }
  const hfr = analysis.medianHfrPx;
  const typical = medianOf(acceptedHfrPx);
  if (hfr !== null && typical !== null && hfr > options.hfr_factor * typical) {
    return {
      reason: "hfr_too_high",
      message: `median HFR ${
        hfr.toFixed(2)
      } px is above ${options.hfr_factor} × the running median ${typical.toFixed(2)} px`,
    };
  }
  const ecc = analysis.medianEccentricity;
  if (ecc !== null && ecc > options.max_eccentricity) {
    return {
      reason: "trailed",
      message: `median eccentricity ${
        ecc.toFixed(2)
      } is above ${options.max_eccentricity}: stars are trailed`,
    };
  }
  return null;
}

/** The gate on the registration's fit. */
export function residualGate(rmsPx: number, maxResidualPx: number): Rejection | null {
  if (rmsPx <= maxResidualPx) return null;
  return {
    reason: "residual_too_large",
    message: `registration residual ${rmsPx.toFixed(2)} px is above ${maxResidualPx} px`,
  };
}
