/**
 * Warping against analytic truth: bilinear interpolation reproduces a linear ramp exactly, so a
 * ramp warped through a similarity must equal the ramp evaluated at the inverse-mapped position
 * (to Float32 rounding); an integer shift is exact for both methods; a star's flux centroid
 * lands where the transform sends it (< 0.02 px); pixels outside the source are NaN.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { makeStar, renderField, seededRandom } from "./register/_synthetic.ts";
import { applyTransform, invertTransform, similarity } from "./register/transform.ts";
import { warpPlane } from "./warp.ts";

const W = 200;
const H = 150;

function ramp(x: number, y: number): number {
  return 1000 + 3.5 * x - 2.25 * y;
}

function rampImage(): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = ramp(x, y);
  return out;
}

Deno.test("warpPlane bilinear reproduces a linear ramp under rotation and scale", () => {
  const t = similarity(1.03, 11, -6.3, 14.7);
  const inv = invertTransform(t);
  const out = warpPlane(rampImage(), W, H, t);
  let worst = 0;
  let covered = 0;
  let uncovered = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = applyTransform(inv, { x, y });
      const v = out[y * W + x]!;
      const inside = p.x >= 0 && p.y >= 0 && p.x <= W - 1 && p.y <= H - 1;
      if (!inside) {
        assert(Number.isNaN(v), `(${x}, ${y}) is outside the source but got ${v}`);
        uncovered++;
        continue;
      }
      covered++;
      worst = Math.max(worst, Math.abs(v - ramp(p.x, p.y)));
    }
  }
  assert(worst < 2e-3, `ramp error ${worst} ADU`);
  assert(covered > 0.7 * W * H && uncovered > 0);
});

Deno.test("warpPlane: an integer shift is exact for bilinear and Lanczos-3", () => {
  const src = renderField([makeStar(80, 60, 5e4)], {
    widthPx: W,
    heightPx: H,
    sigmaPx: 1.5,
    skyAdu: 500,
    noiseAdu: 10,
  }, seededRandom(1));
  for (const method of ["bilinear", "lanczos3"] as const) {
    const out = warpPlane(src, W, H, similarity(1, 0, 7, -4), { method });
    for (let y = 10; y < H - 10; y++) {
      for (let x = 10; x < W - 10; x++) {
        const expected = src[(y + 4) * W + (x - 7)]!;
        assert(Math.abs(out[y * W + x]! - expected) < 1e-2, `${method} at (${x}, ${y})`);
      }
    }
  }
});

function centroid(
  img: Float32Array,
  cx: number,
  cy: number,
  sky: number,
): { x: number; y: number } {
  let sx = 0, sy = 0, sw = 0;
  for (let y = Math.round(cy) - 8; y <= Math.round(cy) + 8; y++) {
    for (let x = Math.round(cx) - 8; x <= Math.round(cx) + 8; x++) {
      const w = img[y * W + x]! - sky;
      sx += w * x;
      sy += w * y;
      sw += w;
    }
  }
  return { x: sx / sw, y: sy / sw };
}

Deno.test("warpPlane moves a star's centroid where the transform says (< 0.02 px)", () => {
  const star = makeStar(90.3, 70.6, 2e5);
  const src = renderField([star], {
    widthPx: W,
    heightPx: H,
    sigmaPx: 1.8,
    skyAdu: 0,
    noiseAdu: 0,
  }, seededRandom(2));
  const t = similarity(1, 23, 12.25, -20.5);
  const expected = applyTransform(t, star);
  for (const method of ["bilinear", "lanczos3"] as const) {
    const out = warpPlane(src, W, H, t, { method });
    const c = centroid(out, expected.x, expected.y, 0);
    const error = Math.hypot(c.x - expected.x, c.y - expected.y);
    assert(error < 0.02, `${method}: centroid off by ${error} px`);
  }
});

Deno.test("warpPlane refuses a source that does not match its size", () => {
  let message = "";
  try {
    warpPlane(new Float32Array(10), 4, 4, similarity(1, 0, 0, 0));
  } catch (err) {
    message = (err as Error).message;
  }
  assertEquals(message.includes("10 samples for 4×4"), true, message);
});
