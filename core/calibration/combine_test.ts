/**
 * Sigma clipping against values worked by hand (the arithmetic is in the comments), and the
 * band combination against the same per-pixel rule.
 */
import { assertAlmostEquals, assertEquals, assertThrows } from "../../tests/_assert.ts";
import { clippedCombine, combineBand, medianOf } from "./combine.ts";

function combine(values: number[], method: "median" | "mean", kappa = 3): number {
  return clippedCombine(Float64Array.from(values), values.length, { method, kappa });
}

// Twelve values with one cosmic ray: sorted 9 10 10 10 11 11 11 12 12 12 13 100.
// Pass 1: median 11; mean 221/12 = 18.4167; Σv² = 11345, var = 11345/12 − 18.4167² = 606.243,
// σ = 24.622, 3σ = 73.87 → 100 (|100 − 11| = 89) is rejected.
// Pass 2: 11 values, mean 11, Σ(v − 11)² = 14, σ = √(14/11) = 1.128, 3σ = 3.38: nothing more.
// Result: median 11, mean 121/11 = 11.
const COSMIC = [10, 11, 12, 13, 9, 10, 11, 12, 10, 11, 12, 100];

Deno.test("clipped median and mean reject a cosmic ray (hand-computed)", () => {
  assertEquals(combine(COSMIC, "median"), 11);
  assertAlmostEquals(combine(COSMIC, "mean"), 11, 1e-12);
  // Without clipping (κ = 10) the mean is 221/12: the rejection is what brings it to 11.
  assertAlmostEquals(combine(COSMIC, "mean", 10), 221 / 12, 1e-12);
});

// 1 2 3 4 5 6 7 8 9 10 60 with κ = 2.
// Pass 1: median 6; mean 115/11 = 10.4545; Σv² = 385 + 3600 = 3985, var = 3985/11 − 10.4545² =
// 362.273 − 109.298 = 252.975, σ = 15.905, 2σ = 31.81 → 60 (54 away) rejected.
// Pass 2: 1..10, median 5.5, mean 5.5, σ = √8.25 = 2.872, 2σ = 5.745: |1 − 5.5| = 4.5 kept.
// Result: median 5.5, mean 5.5. With an asymmetric survivor set the two differ:
// 0 0 0 1 9 (κ = 1.5): median 0, mean 2, σ = √(82/5 − 4) = 3.521, 1.5σ = 5.28 → 9 rejected;
// pass 2: 0 0 0 1: median 0, mean 0.25, σ = 0.433, 1.5σ = 0.65 → 1 rejected; pass 3: 0 0 0, σ 0.
// Result: median 0, mean 0.
Deno.test("clipping iterates until nothing more is rejected (hand-computed)", () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 60];
  assertEquals(combine(values, "median", 2), 5.5);
  assertAlmostEquals(combine(values, "mean", 2), 5.5, 1e-12);
  assertEquals(combine([9, 0, 1, 0, 0], "mean", 1.5), 0);
  // One pass only (maxIterations 1) keeps the 1: mean of 0 0 0 1 = 0.25.
  assertAlmostEquals(
    clippedCombine(Float64Array.from([9, 0, 1, 0, 0]), 5, {
      method: "mean",
      kappa: 1.5,
      maxIterations: 1,
    }),
    0.25,
    1e-12,
  );
});

Deno.test("small sets: one value, two values, all equal", () => {
  assertEquals(combine([7], "median"), 7);
  assertEquals(combine([4, 8], "median"), 6);
  assertEquals(combine([4, 8], "mean", 1), 6);
  assertEquals(combine([5, 5, 5, 5], "mean"), 5);
  assertThrows(() => clippedCombine(new Float64Array(0), 0, { method: "median", kappa: 3 }));
});

Deno.test("combineBand applies the rule per pixel", () => {
  const frames = COSMIC.map((v, k) => Float32Array.from([v, k, 2 * k]));
  const out = new Float32Array(3);
  combineBand(frames, out, { method: "mean", kappa: 3 });
  assertAlmostEquals(out[0]!, 11, 1e-6);
  assertAlmostEquals(out[1]!, 5.5, 1e-6); // 0..11 has no outlier: plain mean
  assertAlmostEquals(out[2]!, 11, 1e-6);
  assertEquals(medianOf(Float32Array.from([3, 1, 2, 10])), 2.5);
});
