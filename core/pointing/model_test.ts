/**
 * The pointing model against analytic truth: samples synthesised from known TPOINT term values
 * (through the model's own forward equations, plus 1″ of deterministic noise) must give those
 * values back within 3 arcsec, with an RMS after the fit near the noise; the goto inverse must
 * reproduce the forward model to 0.01″; too few points and degenerate data are refused.
 */
import assert from "node:assert/strict";
import { wrapHours } from "../../lib/astro/coords.ts";
import { fitPointingModel, mountDemandFor, type PointingSample } from "./model.ts";
import { correctionArcsec, type PointingTerms } from "../../lib/astro/tpoint_terms.ts";

const LATITUDE_DEG = 48.2;
const TRUTH: PointingTerms = { IH: 120, ID: -80, CH: 45, NP: -30, MA: 300, ME: -180 };

/** A small LCG so the noise is the same on every run. */
function noise(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return state / 4294967296 - 0.5;
  };
}

function samples(terms: PointingTerms, noiseArcsec: number, latitudeDeg = LATITUDE_DEG) {
  const rand = noise(7);
  const out: PointingSample[] = [];
  const lstHours = 5;
  for (const haHours of [-4, -2, -0.5, 1, 3, 5]) {
    for (const decDeg of [-20, 10, 40, 70]) {
      const sky = { raHours: wrapHours(lstHours - haHours), decDeg };
      const pierSide = haHours < 0 ? "west" : "east";
      const mount = mountDemandFor(sky, terms, { lstHours, latitudeDeg, pierSide });
      out.push({
        mountRaHours: mount.raHours,
        mountDecDeg: mount.decDeg,
        skyRaHours: sky.raHours + rand() * noiseArcsec / 54_000,
        skyDecDeg: sky.decDeg + rand() * noiseArcsec / 3600,
        lstHours,
        pierSide,
      });
    }
  }
  return out;
}

Deno.test("fit recovers known TPOINT terms within 3″ from 24 noisy points", () => {
  const fit = fitPointingModel(samples(TRUTH, 1), LATITUDE_DEG);
  for (const term of fit.terms) {
    const truth = TRUTH[term.name] ?? 0;
    assert.ok(
      Math.abs(term.valueArcsec - truth) < 3,
      `${term.name}: fitted ${term.valueArcsec.toFixed(2)}″, truth ${truth}″`,
    );
    assert.ok(
      term.sigmaArcsec > 0 && term.sigmaArcsec < 3,
      `${term.name} sigma ${term.sigmaArcsec}`,
    );
  }
  assert.ok(fit.rmsBeforeArcsec > 200, `raw RMS ${fit.rmsBeforeArcsec}`);
  assert.ok(fit.rmsAfterArcsec < 1, `RMS after ${fit.rmsAfterArcsec}`);
  assert.equal(fit.residualsArcsec.length, 24);
});

Deno.test("fit of noise-free points is exact, in the southern hemisphere too, with TF", () => {
  const truth = { ...TRUTH, TF: 25 };
  const names = ["IH", "ID", "CH", "NP", "MA", "ME", "TF"] as const;
  const fit = fitPointingModel(samples(truth, 0, -33.9), -33.9, names);
  for (const term of fit.terms) {
    assert.ok(Math.abs(term.valueArcsec - (truth[term.name] ?? 0)) < 0.05, term.name);
  }
  assert.ok(fit.rmsAfterArcsec < 0.05);
});

Deno.test("mountDemandFor inverts mount = sky + Δ(mount) to 0.01″", () => {
  const lstHours = 2;
  for (const sky of [{ raHours: 23, decDeg: 20 }, { raHours: 4, decDeg: 75 }]) {
    const mount = mountDemandFor(sky, TRUTH, {
      lstHours,
      latitudeDeg: LATITUDE_DEG,
      pierSide: "east",
    });
    const [dhArcsec, ddArcsec] = correctionArcsec(TRUTH, {
      haRad: (lstHours - mount.raHours) * 15 * Math.PI / 180,
      decRad: mount.decDeg * Math.PI / 180,
      pierSign: 1,
      latRad: LATITUDE_DEG * Math.PI / 180,
    });
    const haDiffArcsec = ((sky.raHours - mount.raHours + 36) % 24 - 12) * 54_000;
    assert.ok(Math.abs(haDiffArcsec - dhArcsec) < 0.01, `HA ${haDiffArcsec} vs ${dhArcsec}`);
    assert.ok(Math.abs((mount.decDeg - sky.decDeg) * 3600 - ddArcsec) < 0.01);
  }
});

Deno.test("fit refuses too few points and data that cannot separate the terms", () => {
  assert.throws(() => fitPointingModel(samples(TRUTH, 1).slice(0, 6), LATITUDE_DEG), /at least 7/);
  // Every point at one declination on one pier side: IH and CH (sec δ constant) look the same.
  const flat = [0, 1, 2, 3].map((k): PointingSample => ({
    mountRaHours: k,
    mountDecDeg: 40,
    skyRaHours: k + 0.001,
    skyDecDeg: 40,
    lstHours: 3,
    pierSide: "east",
  }));
  assert.throws(() => fitPointingModel(flat, LATITUDE_DEG, ["IH", "CH"]), /singular/);
});
