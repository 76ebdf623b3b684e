/**
 * The background mesh under a strong gradient and vignetting, against the renderer's true sky:
 * levels at every cell centre and the noise there. Tolerances: level within 0.3 σ and 2.5 % of
 * the sky in every cell, RMS under 0.1 σ; noise within 8 % in every cell, median error under 2 %
 * (a cell's ~1000 samples leave ~0.05 σ and ~2.5 % of scatter; the worst of ~450 cells is ~3×).
 */
import { assert } from "../../../tests/_assert.ts";
import { renderStarfield } from "../../../tests/fixtures/starfield.ts";
import { backgroundAt, estimateBackground } from "./background.ts";
import { clippedStats } from "./_stats.ts";

Deno.test("mesh background follows a strong gradient and vignetting", () => {
  const field = renderStarfield({
    widthPx: 1600,
    heightPx: 1200,
    seed: 21,
    starCount: 500,
    hotPixels: 200,
    skyAdu: 600,
    gradient: 1.5, // the sky triples from one side to the other…
    gradientAngleDeg: 20,
    vignetting: 0.4, // …and the corners lose 40 %
  });
  const mesh = estimateBackground(field.image, 64);
  let maxSigmas = 0, maxRelative = 0, sum2 = 0, maxNoise = 0;
  const noiseErrors: number[] = [];
  for (const y of mesh.centresYPx) {
    for (const x of mesh.centresXPx) {
      const truth = field.backgroundAt(x, y), sigma = field.noiseAt(x, y);
      const got = backgroundAt(mesh, x, y);
      const err = got.levelAdu - truth;
      maxSigmas = Math.max(maxSigmas, Math.abs(err) / sigma);
      maxRelative = Math.max(maxRelative, Math.abs(err) / (truth - 1000)); // relative to the sky
      sum2 += (err / sigma) ** 2;
      const noiseError = Math.abs(got.noiseAdu / sigma - 1);
      noiseErrors.push(noiseError);
      maxNoise = Math.max(maxNoise, noiseError);
    }
  }
  const rmsSigmas = Math.sqrt(sum2 / noiseErrors.length);
  noiseErrors.sort((a, b) => a - b);
  const medianNoise = noiseErrors[noiseErrors.length >> 1]!;
  console.log(
    `background: max ${maxSigmas.toFixed(3)} σ (${(100 * maxRelative).toFixed(2)} % of sky), RMS ${
      rmsSigmas.toFixed(3)
    } σ; noise max ${(100 * maxNoise).toFixed(2)} %, median ${(100 * medianNoise).toFixed(2)} %`,
  );
  assert(maxSigmas < 0.3 && maxRelative < 0.025 && rmsSigmas < 0.1);
  assert(maxNoise < 0.08 && medianNoise < 0.02);
});

Deno.test("clipped statistics ignore outliers and refuse a sample that is mostly outliers", () => {
  const sample = new Float32Array(1000);
  for (let i = 0; i < sample.length; i++) sample[i] = 100 + ((i * 7919) % 21) - 10; // uniform ±10
  for (let i = 0; i < 50; i++) sample[i * 20] = 60000; // 5 % stars
  const stats = clippedStats(sample)!;
  assert(Math.abs(stats.level - 100) < 1, `level ${stats.level}`);
  assert(stats.sigma > 5 && stats.sigma < 7, `sigma ${stats.sigma}`); // uniform ±10: σ ≈ 6.06
  assert(clippedStats(new Float32Array(8)) === null);
});
