/**
 * Autofocus tuning: the defaults of a V-curve run and how a request's optional fields (the API's
 * snake_case body) override them. Nine points (four each side of the start) 100 steps apart,
 * 2 s exposures binned 2×2, at least 5 stars a frame, R² ≥ 0.8, and every position approached
 * moving outward with a 100-step overshoot when a move has to go inward.
 */
import type { ApproachDirection } from "./mover.ts";

export interface AutofocusSettings {
  stepSizeSteps: number;
  stepsPerSide: number;
  exposureS: number;
  binning: number;
  gain: number;
  offset: number;
  /** Frames averaged (median HFR) at each point; more steady a noisy curve. */
  framesPerPoint: number;
  /** A frame with fewer stars does not count; the point is retried, then skipped. */
  minStars: number;
  /** Extra frames tried at a point whose frames had too few stars. */
  retriesPerPoint: number;
  minRSquared: number;
  backlashSteps: number;
  approach: ApproachDirection;
  /** Filter (slot name) to focus through; null keeps the wheel where it is. */
  filter: string | null;
  /** The result must not be worse than the start by more than this fraction. */
  worseTolerance: number;
}

export const DEFAULT_AUTOFOCUS_SETTINGS: AutofocusSettings = {
  stepSizeSteps: 100,
  stepsPerSide: 4,
  exposureS: 2,
  binning: 2,
  gain: 100,
  offset: 10,
  framesPerPoint: 1,
  minStars: 5,
  retriesPerPoint: 2,
  minRSquared: 0.8,
  backlashSteps: 100,
  approach: "out",
  filter: null,
  worseTolerance: 0.1,
};

/** The request body's fields (see core/schemas/focuser.ts AutofocusBody). */
export interface AutofocusTuning {
  step_size?: number;
  steps_per_side?: number;
  exposure_s?: number;
  binning?: number;
  frames_per_point?: number;
  min_stars?: number;
  min_r_squared?: number;
  backlash_steps?: number;
  approach?: ApproachDirection;
  filter?: string;
}

export function resolveSettings(
  tuning: AutofocusTuning = {},
  base: AutofocusSettings = DEFAULT_AUTOFOCUS_SETTINGS,
): AutofocusSettings {
  return {
    ...base,
    stepSizeSteps: tuning.step_size ?? base.stepSizeSteps,
    stepsPerSide: tuning.steps_per_side ?? base.stepsPerSide,
    exposureS: tuning.exposure_s ?? base.exposureS,
    binning: tuning.binning ?? base.binning,
    framesPerPoint: tuning.frames_per_point ?? base.framesPerPoint,
    minStars: tuning.min_stars ?? base.minStars,
    minRSquared: tuning.min_r_squared ?? base.minRSquared,
    backlashSteps: tuning.backlash_steps ?? base.backlashSteps,
    approach: tuning.approach ?? base.approach,
    filter: tuning.filter ?? base.filter,
  };
}
