/**
 * The V-curve fit against analytic truth: exact hyperbolas give back their parameters to 1e-6,
 * noisy ones (seeded Gaussian noise of 2 % of the floor) put the minimum within a fifth of a step
 * spacing, a parabola fallback finds its vertex, and curves without a minimum are refused.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { fitVCurve, solveLinear } from "./fit.ts";

function hyperbolaPoints(a: number, b: number, c: number, xs: number[], noise = () => 0) {
  return xs.map((x) => ({
    positionSteps: x,
    hfrPx: Math.sqrt(a * a + (b * (x - c)) ** 2) + noise(),
  }));
}

/** Deterministic standard normals (Box–Muller over a linear congruential generator). */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const SWEEP = Array.from({ length: 9 }, (_, i) => 24_600 + i * 100);

Deno.test("fit: exact hyperbola gives back a, b and the best position", () => {
  const fit = fitVCurve(hyperbolaPoints(1.8, 0.023, 24_937, SWEEP));
  assert(fit);
  assertEquals(fit.model, "hyperbola");
  assertAlmostEquals(fit.bestPositionSteps, 24_937, 1e-6);
  assertAlmostEquals(fit.minHfrPx, 1.8, 1e-6);
  assertAlmostEquals(fit.params[1]!, 0.023, 1e-9);
  assertAlmostEquals(fit.rSquared, 1, 1e-12);
});

Deno.test("fit: asymmetric sweep (minimum near one end) is still exact", () => {
  const fit = fitVCurve(hyperbolaPoints(2.5, 0.01, 24_680, SWEEP));
  assert(fit);
  assertAlmostEquals(fit.bestPositionSteps, 24_680, 1e-6);
  assertAlmostEquals(fit.minHfrPx, 2.5, 1e-6);
});

Deno.test("fit: noisy hyperbolas put the minimum within 20 steps (a fifth of the spacing)", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const noise = gaussian(seed);
    const fit = fitVCurve(hyperbolaPoints(2, 0.02, 25_010, SWEEP, () => 0.04 * noise()));
    assert(fit, `seed ${seed}`);
    assertAlmostEquals(fit.bestPositionSteps, 25_010, 20, `seed ${seed}`);
    assertAlmostEquals(fit.minHfrPx, 2, 0.1, `seed ${seed}`);
    assert(fit.rSquared > 0.99, `seed ${seed}: R² ${fit.rSquared}`);
  }
});

Deno.test("fit: a parabola-shaped curve falls back to the parabola's vertex", () => {
  // hfr² would need a negative floor: y = 0.5 + 1e-5 (x − 25050)² has hfr² with no real a.
  const points = SWEEP.map((x) => ({ positionSteps: x, hfrPx: 0.5 + 1e-5 * (x - 25_050) ** 2 }));
  const fit = fitVCurve(points);
  assert(fit);
  assertAlmostEquals(fit.bestPositionSteps, 25_050, 2);
});

Deno.test("fit: flat, falling and upside-down curves have no minimum inside or are refused", () => {
  assertEquals(
    fitVCurve(SWEEP.map((x) => ({ positionSteps: x, hfrPx: 10 - 1e-4 * (x - 25_000) ** 2 }))),
    null,
  );
  assertEquals(fitVCurve(SWEEP.slice(0, 2).map((x) => ({ positionSteps: x, hfrPx: 3 }))), null);
  const flat = fitVCurve(SWEEP.map((x) => ({ positionSteps: x, hfrPx: 3 })));
  assert(flat === null || flat.rSquared < 0.5);
});

Deno.test("solveLinear: 3×3 system and a singular one", () => {
  const x = solveLinear([[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], [8, -11, -3]);
  assert(x);
  [2, 3, -1].forEach((v, i) => assertAlmostEquals(x[i]!, v, 1e-12));
  assertEquals(solveLinear([[1, 2], [2, 4]], [1, 2]), null);
});
