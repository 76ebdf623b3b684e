/**
 * Registration against analytic truth: reference star lists are random fields, frames are the
 * same stars mapped through a known transform with 0.05 px centroid noise on both lists, 10 %
 * missing and 20 % false stars. The recovered transform must agree with the truth to < 0.05 px
 * everywhere in the frame (the largest displacement over its corners); unrelated fields must be
 * refused with a reason.
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { frameStarList, jitter, randomStars, seededRandom } from "./_synthetic.ts";
import { registerStars } from "./register.ts";
import {
  fitAffine,
  fitSimilarity,
  invertTransform,
  maxTransformErrorPx,
  similarity,
} from "./transform.ts";

const W = 2000;
const H = 1500;

function scenario(seed: number, truth = similarity(1, 0, 0, 0)) {
  const random = seededRandom(seed);
  const ref = randomStars(160, W, H, random);
  const frame = frameStarList(ref, {
    truth,
    widthPx: W,
    heightPx: H,
    noisePx: 0.05,
    missing: 0.1,
    outliers: 0.2,
    random,
  });
  return { ref: jitter(ref, 0.05, random), frame };
}

const CASES: [string, ReturnType<typeof similarity>][] = [
  ["shift", similarity(1, 0, 37.4, -12.8)],
  ["rotation 7.5°", similarity(1, 7.5, 90.2, -150.6)],
  ["rotation 180° (meridian flip)", similarity(1, 180, W - 3.3, H + 5.1)],
  ["scale 1.02 and rotation −31°", similarity(1.02, -31, 400, 600)],
  ["mirror", similarity(1, 12, 15.5, 1400, true)],
];

for (const [name, truth] of CASES) {
  Deno.test(`registerStars recovers ${name} to < 0.05 px over the frame`, () => {
    const errors: number[] = [];
    for (const seed of [1, 2, 3]) {
      const { ref, frame } = scenario(seed, truth);
      const result = registerStars(frame, ref);
      assert(
        result.transform !== null,
        `seed ${seed}: refused: ${"reason" in result && result.reason}`,
      );
      if (result.transform === null) return;
      const errorPx = maxTransformErrorPx(result.transform, truth, W, H);
      errors.push(errorPx);
      assert(errorPx < 0.05, `seed ${seed}: transform off by ${errorPx.toFixed(4)} px`);
      assertEquals(result.mirrored, truth.a * truth.d - truth.b * truth.c < 0);
      // Residuals are the centroid noise of both lists: 0.05 × √2 per axis → RMS ≈ 0.1 px.
      assert(result.rmsPx < 0.15, `rms ${result.rmsPx}`);
      assert(result.matchedStars >= 80, `matched ${result.matchedStars}`);
    }
  });
}

Deno.test("registerStars with the affine model recovers a slight shear", () => {
  const truth = { a: 1.001, b: 0.004, c: -0.003, d: 0.998, tx: 20.5, ty: -8.25 };
  const { ref, frame } = scenario(9, truth);
  const result = registerStars(frame, ref, { model: "affine" });
  assert(result.transform !== null);
  if (result.transform === null) return;
  const errorPx = maxTransformErrorPx(result.transform, truth, W, H);
  assert(errorPx < 0.05, `affine off by ${errorPx} px`);
});

Deno.test("registerStars refuses unrelated fields and too few stars, with a reason", () => {
  for (const seed of [11, 12, 13, 14]) {
    const random = seededRandom(seed);
    const a = randomStars(150, W, H, random);
    const b = randomStars(150, W, H, random);
    const result = registerStars(a, b);
    assertEquals(result.transform, null, `seed ${seed} registered unrelated fields`);
    if (result.transform === null) assert(result.reason.length > 10);
  }
  const few = registerStars(
    randomStars(3, W, H, seededRandom(5)),
    randomStars(100, W, H, seededRandom(6)),
  );
  assertEquals(few.transform, null);
  if (few.transform === null) assert(/too few stars/.test(few.reason), few.reason);
});

Deno.test("registerStars without mirror refuses a mirrored field", () => {
  const truth = similarity(1, 0, 0, H, true);
  const { ref, frame } = scenario(21, truth);
  assertEquals(registerStars(frame, ref, { allowMirror: false }).transform, null);
});

Deno.test("fits: exact pairs give the exact transform; inverse composes to identity", () => {
  const truth = similarity(0.9, 33, 12, -7, true);
  const src = [{ x: 0, y: 0 }, { x: 100, y: 5 }, { x: 40, y: 80 }, { x: 7, y: 300 }];
  const dst = src.map((p) => ({
    x: truth.a * p.x + truth.b * p.y + truth.tx,
    y: truth.c * p.x + truth.d * p.y + truth.ty,
  }));
  const sim = fitSimilarity(src, dst, true)!;
  const aff = fitAffine(src, dst)!;
  assert(maxTransformErrorPx(sim, truth, 500, 500) < 1e-9);
  assert(maxTransformErrorPx(aff, truth, 500, 500) < 1e-9);
  const back = invertTransform(truth);
  const round = {
    a: back.a * truth.a + back.b * truth.c,
    b: back.a * truth.b + back.b * truth.d,
    c: back.c * truth.a + back.d * truth.c,
    d: back.c * truth.b + back.d * truth.d,
    tx: back.a * truth.tx + back.b * truth.ty + back.tx,
    ty: back.c * truth.tx + back.d * truth.ty + back.ty,
  };
  assert(maxTransformErrorPx(round, similarity(1, 0, 0, 0), 500, 500) < 1e-9);
  assertEquals(fitAffine([{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }], src.slice(0, 3)), null);
});
