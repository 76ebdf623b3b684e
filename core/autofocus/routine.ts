/**
 * One V-curve autofocus run through the hub. It samples `2·stepsPerSide + 1` positions around the
 * start (shifted by the focus offset of the filter it switches to), all approached outward, and at
 * each takes `framesPerPoint` frames with at least `minStars` stars (retrying a few, then skipping
 * the point with its reason), keeping the median HFR. It fits the curve (fit.ts), refuses a poor
 * one — too few points, no minimum, R² below the threshold, a minimum outside the sampled range —
 * moves to the minimum with backlash compensation, and verifies with a final frame; if that frame
 * is worse than the start it goes back. Whenever it refuses, the focuser returns to where it
 * started and the result says why. Every point is reported through `onPoint` as it is measured.
 * With a frame sink every frame is kept (OBJECT "autofocus", its figures in the frame list).
 */
import type { Camera } from "../../devices/camera.ts";
import type { Rig } from "../../devices/rig.ts";
import { slotOfFilter } from "../../devices/filterwheel.ts";
import type { Clock } from "../../lib/clock.ts";
import { frameFigures, type TaskRunner } from "../frames/frame_figures.ts";
import type { FrameSink } from "../frames/frame_sink.ts";
import { type CurveFit, fitVCurve } from "./fit.ts";
import { FocusMover } from "./mover.ts";
import type { AutofocusSettings } from "./settings.ts";

export interface AutofocusPoint {
  index: number;
  positionSteps: number;
  /** Median over the good frames; null when the point was skipped. */
  hfrPx: number | null;
  stars: number;
  frames: number;
  skippedReason: string | null;
}

export interface AutofocusOutcome {
  ok: boolean;
  /** Why it failed (null on success). */
  reason: string | null;
  startPositionSteps: number;
  /** Where the focuser was left. */
  finalPositionSteps: number;
  startHfrPx: number | null;
  finalHfrPx: number | null;
  fit: CurveFit | null;
  points: AutofocusPoint[];
  exposures: number;
  temperatureC: number | null;
  /** Every target commanded to the focuser, in order. */
  legs: number[];
}

export interface RoutineDeps {
  hub: Rig;
  clock: Clock;
  runner: TaskRunner | null;
  /** Keeps every frame of the run (with its figures) where the user can look; absent: not kept. */
  sink?: FrameSink;
}

/** A failure the routine explains; the run restores the start position and reports it. */
class Refused extends Error {}

export async function runAutofocus(
  deps: RoutineDeps,
  settings: AutofocusSettings,
  signal: AbortSignal,
  onPoint: (point: AutofocusPoint) => void = () => {},
): Promise<AutofocusOutcome> {
  const camera = deps.hub.device("camera");
  const focuser = deps.hub.device("focuser");
  const mover = new FocusMover(focuser, {
    clock: deps.clock,
    backlashSteps: settings.backlashSteps,
    approach: settings.approach,
  });
  const startPositionSteps = mover.position();
  let exposures = 0;
  const measure = async (): Promise<{ hfrPx: number | null; stars: number; frames: number }> => {
    const hfrs: number[] = [];
    let stars = 0;
    let frames = 0;
    const budget = settings.framesPerPoint + settings.retriesPerPoint;
    while (hfrs.length < settings.framesPerPoint && frames < budget) {
      frames++;
      exposures++;
      const figures = await exposeAndMeasure(camera, deps, settings, signal);
      if (figures.hfr !== null && figures.stars >= settings.minStars) {
        hfrs.push(figures.hfr);
        stars = Math.max(stars, figures.stars);
      }
    }
    return { hfrPx: hfrs.length === settings.framesPerPoint ? median(hfrs) : null, stars, frames };
  };

  const outcome: AutofocusOutcome = {
    ok: false,
    reason: null,
    startPositionSteps,
    finalPositionSteps: startPositionSteps,
    startHfrPx: null,
    finalHfrPx: null,
    fit: null,
    points: [],
    exposures: 0,
    temperatureC: focuser.status().temperatureC,
    legs: mover.legs,
  };
  let restoreTo = startPositionSteps;
  try {
    const centre = startPositionSteps +
      await switchFilter(deps.hub, settings.filter, deps.clock, signal);
    restoreTo = centre;
    const max = focuser.capabilities.maxPosition;
    const lowest = centre - settings.stepsPerSide * settings.stepSizeSteps;
    const highest = centre + settings.stepsPerSide * settings.stepSizeSteps;
    if (lowest < 0 || highest > max) {
      throw new Refused(`the sweep ${lowest}..${highest} leaves the focuser's range 0..${max}`);
    }
    // Start below the sweep so the first point is approached outward like every other.
    if (settings.approach === "out") await mover.moveTo(lowest, signal);
    else await mover.moveTo(highest, signal);
    const count = 2 * settings.stepsPerSide + 1;
    for (let i = 0; i < count; i++) {
      const k = settings.approach === "out" ? i : count - 1 - i;
      const positionSteps = lowest + k * settings.stepSizeSteps;
      await mover.moveTo(positionSteps, signal);
      const m = await measure();
      const point: AutofocusPoint = {
        index: i,
        positionSteps,
        hfrPx: m.hfrPx,
        stars: m.stars,
        frames: m.frames,
        skippedReason: m.hfrPx === null
          ? `fewer than ${settings.minStars} stars in ${m.frames} frame(s)`
          : null,
      };
      if (positionSteps === centre) outcome.startHfrPx = m.hfrPx;
      outcome.points.push(point);
      onPoint(point);
    }
    const good = outcome.points.filter((p) => p.hfrPx !== null);
    const needed = Math.max(5, Math.ceil(count * 0.6));
    if (good.length < needed) {
      throw new Refused(`only ${good.length} of ${count} points had enough stars (need ${needed})`);
    }
    const fit = fitVCurve(good.map((p) => ({ positionSteps: p.positionSteps, hfrPx: p.hfrPx! })));
    outcome.fit = fit;
    if (!fit) throw new Refused("the curve has no minimum (flat or upside down)");
    if (fit.rSquared < settings.minRSquared) {
      throw new Refused(
        `poor fit: R² ${fit.rSquared.toFixed(3)} is below ${settings.minRSquared}`,
      );
    }
    if (fit.bestPositionSteps < lowest || fit.bestPositionSteps > highest) {
      throw new Refused(
        `the minimum (${Math.round(fit.bestPositionSteps)}) lies outside the sampled range ` +
          `${lowest}..${highest}: start closer to focus or use larger steps`,
      );
    }
    await mover.moveTo(fit.bestPositionSteps, signal);
    const final = await measure();
    outcome.finalHfrPx = final.hfrPx;
    const reference = outcome.startHfrPx ?? Math.min(...good.map((p) => p.hfrPx!));
    if (final.hfrPx === null) throw new Refused("the verification frame had too few stars");
    if (final.hfrPx > reference * (1 + settings.worseTolerance)) {
      throw new Refused(
        `the result (HFR ${final.hfrPx.toFixed(2)} px) is worse than the start ` +
          `(${reference.toFixed(2)} px)`,
      );
    }
    outcome.ok = true;
    outcome.finalPositionSteps = mover.position();
    outcome.temperatureC = focuser.status().temperatureC;
  } catch (error) {
    if (!(error instanceof Refused)) {
      // An abort or a device failure: still try to leave the focuser where it was.
      outcome.reason = signal.aborted ? "aborted" : (error as Error).message;
    } else {
      outcome.reason = error.message;
    }
    try {
      // Not the run's signal, which may be the abort that got us here; each leg has its own timeout.
      await mover.moveTo(restoreTo, new AbortController().signal);
      outcome.finalPositionSteps = mover.position();
    } catch (restoreError) {
      outcome.reason += `; restoring ${restoreTo} failed: ${(restoreError as Error).message}`;
      outcome.finalPositionSteps = mover.position();
    }
  }
  outcome.exposures = exposures;
  return outcome;
}

async function exposeAndMeasure(
  camera: Camera,
  deps: RoutineDeps,
  settings: AutofocusSettings,
  signal: AbortSignal,
): Promise<{ hfr: number | null; stars: number }> {
  const frame = await camera.expose({
    durationS: settings.exposureS,
    gain: settings.gain,
    offset: settings.offset,
    binning: settings.binning,
    frameType: "light",
  }, signal);
  const { analysis: _, pixelScaleArcsec: _scale, ...figures } = await frameFigures(
    frame,
    deps.hub,
    deps.runner,
  );
  await deps.sink?.save(frame, { object: "autofocus", figures });
  return { hfr: figures.hfr, stars: figures.stars };
}

/** Moves the wheel to the named filter; returns the focus offset change it brings (steps). */
async function switchFilter(
  hub: Rig,
  filter: string | null,
  clock: Clock,
  signal: AbortSignal,
): Promise<number> {
  if (filter === null) return 0;
  const wheel = hub.device("filterwheel");
  const status = wheel.status();
  const slot = slotOfFilter(status.slots, filter);
  if (slot === null) throw new Refused(`no filter named "${filter}" in the wheel`);
  const fromOffset = status.position === null ? 0 : status.slots[status.position]?.focusOffsetSteps;
  if (status.position !== slot) {
    await wheel.moveTo(slot);
    const startedMs = clock.now();
    while (wheel.status().moving || wheel.status().position !== slot) {
      if (clock.now() - startedMs > 60_000) throw new Error("the filter wheel did not arrive");
      await clock.sleep(25, signal);
    }
  }
  return (status.slots[slot]?.focusOffsetSteps ?? 0) - (fromOffset ?? 0);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
