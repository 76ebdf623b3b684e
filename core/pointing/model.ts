/**
 * Fitting and applying the pointing model. Each alignment point gives the mount's idea of where it
 * pointed and where a plate solve says it really pointed; the differences in hour angle (scaled by
 * cos δ so both axes weigh as on-sky arcseconds) and declination are linear in the TPOINT terms
 * (terms.ts), so one least-squares solve of the normal equations gives the term values, and the
 * covariance scaled by the residual variance gives their sigmas. Applying the model to a goto
 * inverts mount = sky + Δ(mount) by fixed-point iteration, which converges because Δ is tiny.
 */
import { wrapHours, wrapHours12 } from "../../lib/astro/coords.ts";
import { leastSquares } from "./linear.ts";
import {
  correctionArcsec,
  type PointingTerms,
  termBasis,
  type TermName,
} from "../../lib/astro/tpoint_terms.ts";

const DEG_TO_RAD = Math.PI / 180;
const ARCSEC_PER_HOUR = 54_000;

/** One measured point: J2000 RA/Dec the mount reported and the solved truth, with LST. */
export interface PointingSample {
  mountRaHours: number;
  mountDecDeg: number;
  skyRaHours: number;
  skyDecDeg: number;
  lstHours: number;
  pierSide: string;
}

export interface FittedTerm {
  name: TermName;
  valueArcsec: number;
  sigmaArcsec: number;
}

export interface PointingFit {
  terms: FittedTerm[];
  /** RMS on-sky error of the raw points, and of what the model leaves. */
  rmsBeforeArcsec: number;
  rmsAfterArcsec: number;
  /** On-sky residual of each sample after the fit, in sample order. */
  residualsArcsec: number[];
}

/** The default term set: what a portable equatorial mount's errors are mostly made of. */
export const DEFAULT_TERMS: readonly TermName[] = ["IH", "ID", "CH", "NP", "MA", "ME"];

/** Fewest points a fit of `termCount` terms accepts (the brief: at least terms + 1). */
export function minimumPoints(termCount: number): number {
  return termCount + 1;
}

/** The [ΔH·cos δ, Δδ] observed at a sample, on-sky arcseconds (mount minus sky). */
function observedArcsec(sample: PointingSample): [number, number] {
  const deltaHaHours = -wrapHours12(sample.mountRaHours - sample.skyRaHours);
  const cosDec = Math.cos(sample.mountDecDeg * DEG_TO_RAD);
  return [
    deltaHaHours * ARCSEC_PER_HOUR * cosDec,
    (sample.mountDecDeg - sample.skyDecDeg) * 3600,
  ];
}

function pointOf(sample: PointingSample, latitudeDeg: number) {
  return {
    haRad: wrapHours12(sample.lstHours - sample.mountRaHours) * 15 * DEG_TO_RAD,
    decRad: sample.mountDecDeg * DEG_TO_RAD,
    pierSign: sample.pierSide === "west" ? -1 : 1,
    latRad: latitudeDeg * DEG_TO_RAD,
  };
}

/**
 * Fits `termNames` to the samples. Throws a RangeError when there are fewer than
 * `minimumPoints(termNames.length)` samples or the samples cannot separate the terms.
 */
export function fitPointingModel(
  samples: readonly PointingSample[],
  latitudeDeg: number,
  termNames: readonly TermName[] = DEFAULT_TERMS,
): PointingFit {
  if (samples.length < minimumPoints(termNames.length)) {
    throw new RangeError(
      `a ${termNames.length}-term pointing model needs at least ` +
        `${minimumPoints(termNames.length)} points, got ${samples.length}`,
    );
  }
  const design: number[][] = [];
  const observed: number[] = [];
  for (const sample of samples) {
    const at = pointOf(sample, latitudeDeg);
    const cosDec = Math.cos(at.decRad);
    const bases = termNames.map((name) => termBasis(name, at));
    const [haArcsec, decArcsec] = observedArcsec(sample);
    design.push(bases.map(([dh]) => dh * cosDec), bases.map(([, dd]) => dd));
    observed.push(haArcsec, decArcsec);
  }
  const { solution, inverseNormal } = leastSquares(design, observed);
  const residualsArcsec: number[] = [];
  let sumSquares = 0;
  let sumSquaresBefore = 0;
  for (let i = 0; i < samples.length; i++) {
    const r = [0, 1].map((axis) => {
      const row = design[2 * i + axis]!;
      return observed[2 * i + axis]! - row.reduce((sum, v, k) => sum + v * solution[k]!, 0);
    });
    const squares = r[0]! ** 2 + r[1]! ** 2;
    residualsArcsec.push(Math.sqrt(squares));
    sumSquares += squares;
    sumSquaresBefore += observed[2 * i]! ** 2 + observed[2 * i + 1]! ** 2;
  }
  // Unit-weight variance from the degrees of freedom left (2 equations per point).
  const dof = Math.max(1, observed.length - termNames.length);
  const variance = sumSquares / dof;
  return {
    terms: termNames.map((name, k) => ({
      name,
      valueArcsec: solution[k]!,
      sigmaArcsec: Math.sqrt(Math.max(0, variance * inverseNormal[k]![k]!)),
    })),
    rmsBeforeArcsec: Math.sqrt(sumSquaresBefore / samples.length),
    rmsAfterArcsec: Math.sqrt(sumSquares / samples.length),
    residualsArcsec,
  };
}

/** The fitted values as a term map. */
export function termsOf(fit: PointingFit): PointingTerms {
  return Object.fromEntries(fit.terms.map((t) => [t.name, t.valueArcsec]));
}

/**
 * Where to send the mount (J2000, same frame as the target) so that it lands on `target`:
 * solves mount = sky + Δ(mount) by iteration. `pierSide` is the side the goto will end on.
 */
export function mountDemandFor(
  target: { raHours: number; decDeg: number },
  terms: PointingTerms,
  context: { lstHours: number; latitudeDeg: number; pierSide: string },
): { raHours: number; decDeg: number } {
  let demand = { ...target };
  for (let i = 0; i < 6; i++) {
    const [deltaHaArcsec, deltaDecArcsec] = correctionArcsec(
      terms,
      pointOf(
        {
          mountRaHours: demand.raHours,
          mountDecDeg: demand.decDeg,
          skyRaHours: target.raHours,
          skyDecDeg: target.decDeg,
          lstHours: context.lstHours,
          pierSide: context.pierSide,
        },
        context.latitudeDeg,
      ),
    );
    // H = LST − RA, so a larger mount hour angle is a smaller mount RA.
    demand = {
      raHours: wrapHours(target.raHours - deltaHaArcsec / ARCSEC_PER_HOUR),
      decDeg: Math.max(-90, Math.min(90, target.decDeg + deltaDecArcsec / 3600)),
    };
  }
  return demand;
}
