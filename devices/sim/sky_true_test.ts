/**
 * The true-sky scene against analytic truth: a star at a known offset from the pointing lands at
 * the pixel the gnomonic projection and the position angle put it (1e-6 px for the projection,
 * which is exact; the small-angle figure within 0.01 px at 0.1°); fluxes measured in a rendered
 * frame follow 10^(−0.4 Δm) and the exposure within 2 %; the photometric figures of the module
 * doc hold; filler stars are the same stars whichever pointing asks for their cell; a moving
 * pointing turns stars into trails of the right length and direction.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { synthesizeFrame } from "./sky.ts";
import { FILLER_STARS_PER_DEG2, fillerStarsInCone } from "./sky_filler.ts";
import {
  skyEPerSPerPx,
  type SkyView,
  starFluxEPerS,
  type StarSource,
  trueSkyScene,
  ZERO_POINT_E_PER_S_PER_CM2,
} from "./sky_true.ts";

const SCALE = 206.264806 * 3.76 / 530;
const LOOK = { seeingArcsec: 2.5, skyMagPerArcsec2: 20.5, fillerStars: false };

function view(extra: Partial<SkyView> = {}): SkyView {
  const centre = { raDeg: 150, decDeg: 30 };
  return {
    start: centre,
    end: centre,
    positionAngleDeg: 0,
    pixelScaleArcsec: SCALE,
    widthPx: 3008,
    heightPx: 2008,
    apertureMm: 106,
    ...extra,
  };
}

function source(stars: { raDeg: number; decDeg: number; magV: number }[]): StarSource {
  return { cone: () => stars };
}

/** A point `offsetDeg` from (150°, 30°) towards position angle `towardDeg` (0 = N, 90 = E). */
function offsetStar(offsetDeg: number, towardDeg: number, magV = 9) {
  const r = Math.PI / 180;
  const d0 = 30 * r;
  const c = offsetDeg * r;
  const t = towardDeg * r;
  const dec = Math.asin(Math.sin(d0) * Math.cos(c) + Math.cos(d0) * Math.sin(c) * Math.cos(t));
  const dra = Math.atan2(
    Math.sin(t) * Math.sin(c) * Math.cos(d0),
    Math.cos(c) - Math.sin(d0) * Math.sin(dec),
  );
  return { raDeg: 150 + dra / r, decDeg: dec / r, magV };
}

Deno.test("true sky: north is +y and east is −x at PA 0; PA turns the frame", () => {
  const cx = 3008 / 2;
  const cy = 2008 / 2;
  // Gnomonic: a point c from the centre lies tan(c) / scale pixels away.
  const px = Math.tan(0.1 * Math.PI / 180) * 180 / Math.PI * 3600 / SCALE;
  const cases: [number, number, number, number][] = [
    // [PA, toward, expected dx, expected dy]
    [0, 0, 0, px],
    [0, 90, -px, 0],
    [90, 0, px, 0],
    [90, 90, 0, px],
    [180, 0, 0, -px],
    [30, 30, 0, px],
  ];
  for (const [pa, toward, dx, dy] of cases) {
    const scene = trueSkyScene(
      source([offsetStar(0.1, toward)]),
      view({ positionAngleDeg: pa }),
      LOOK,
    );
    assertEquals(scene.stars.length, 1);
    const star = scene.stars[0]!;
    assertAlmostEquals(star.xPx - cx, dx, 1e-6, `PA ${pa}, toward ${toward}: x`);
    assertAlmostEquals(star.yPx - cy, dy, 1e-6, `PA ${pa}, toward ${toward}: y`);
    assertEquals(star.endXPx, undefined, "a still pointing leaves no trail");
  }
  // The centre of the sensor is the pointing itself.
  const centre = trueSkyScene(source([{ raDeg: 150, decDeg: 30, magV: 9 }]), view(), LOOK);
  assertAlmostEquals(centre.stars[0]!.xPx, cx, 1e-9);
  assertAlmostEquals(centre.stars[0]!.yPx, cy, 1e-9);
  // Off the sensor (1° north is beyond the 0.41° half-height): not drawn.
  assertEquals(trueSkyScene(source([offsetStar(1, 0)]), view(), LOOK).stars.length, 0);
});

Deno.test("true sky: the photometric zero point gives the documented figures", () => {
  const areaCm2 = Math.PI * 5.3 ** 2;
  assertAlmostEquals(starFluxEPerS(0, 106), ZERO_POINT_E_PER_S_PER_CM2 * areaCm2, 1e-6);
  // A V 9 star in 10 s on the default profile: 4.4 × 10⁵ e⁻.
  assertAlmostEquals(starFluxEPerS(9, 106) * 10, 4.434e5, 1e3);
  // The sky: 2.4 e⁻/s per 1.46″ pixel at 20.5 mag/arcsec², 24 e⁻ in 10 s.
  assertAlmostEquals(skyEPerSPerPx(20.5, 106, SCALE), 2.385, 0.005);
  assertAlmostEquals(starFluxEPerS(5, 106) / starFluxEPerS(10, 106), 100, 1e-9);
});

/** Sum of (pixel − background) within `radiusPx` of (x, y). */
function apertureAdu(pixels: Uint16Array, w: number, x: number, y: number, radiusPx: number) {
  let sum = 0;
  let n = 0;
  for (let j = Math.floor(y - radiusPx); j <= Math.ceil(y + radiusPx); j++) {
    for (let i = Math.floor(x - radiusPx); i <= Math.ceil(x + radiusPx); i++) {
      if ((i + 0.5 - x) ** 2 + (j + 0.5 - y) ** 2 <= radiusPx * radiusPx) {
        sum += pixels[j * w + i]!;
        n++;
      }
    }
  }
  return { sum, n };
}

Deno.test("true sky: measured flux follows 10^(−0.4 m) and the exposure", () => {
  const stars = [offsetStar(0.05, 0, 9), offsetStar(0.05, 180, 11.5)];
  const small = view({ widthPx: 400, heightPx: 400 });
  const scene = trueSkyScene(source(stars), small, LOOK);
  const sensor = { widthPx: 400, heightPx: 400, bayerPattern: null, seed: 7 };
  const measure = (exposureS: number, which: number) => {
    // Gain 0: 3.16 e⁻/ADU, so even the bright star stays far from full scale.
    const frame = synthesizeFrame(sensor, {
      frameType: "light",
      exposureS,
      gain: 0,
      offset: 10,
      binning: 1,
      sensorTempC: -20,
      focusBlurPx: 1.5,
      noiseSeed: 11,
    }, scene);
    const s = scene.stars[which]!;
    const star = apertureAdu(frame.pixels, 400, s.xPx, s.yPx, 10);
    const sky = apertureAdu(frame.pixels, 400, 60, 200, 20);
    return star.sum - star.n * sky.sum / sky.n;
  };
  const ratio = measure(10, 1) / measure(10, 0);
  assertAlmostEquals(ratio, 10 ** (-0.4 * 2.5), 0.02 * 0.1, `faint / bright ${ratio}`);
  const exposureRatio = measure(20, 0) / measure(10, 0);
  assertAlmostEquals(exposureRatio, 2, 0.02 * 2, `20 s / 10 s ${exposureRatio}`);
});

Deno.test("true sky: a V 9 star in 10 s is unsaturated at best focus on the default profile", () => {
  const scene = trueSkyScene(source([{ raDeg: 150, decDeg: 30, magV: 9 }]), view(), {
    ...LOOK,
    skyMagPerArcsec2: 20.5,
  });
  const frame = synthesizeFrame({ widthPx: 3008, heightPx: 2008, bayerPattern: null, seed: 1 }, {
    frameType: "light",
    exposureS: 10,
    gain: 100,
    offset: 10,
    binning: 1,
    sensorTempC: -10,
    // The default profile's focus model at best focus: its 0.8 px seeing floor.
    focusBlurPx: 0.8,
    noiseSeed: 3,
  }, scene);
  const peak = frame.pixels[1004 * 3008 + 1504]!;
  assert(peak > 40_000 && peak < 65_535, `V 9 peak ${peak} ADU`);
});

Deno.test("filler stars: fixed on the sky, the same from any pointing, at the set density", () => {
  const a = fillerStarsInCone(150, 30, 1);
  const b = fillerStarsInCone(150.8, 30.3, 1);
  const key = (s: { raDeg: number; decDeg: number }) => `${s.raDeg},${s.decDeg}`;
  const inBoth = (s: { raDeg: number; decDeg: number }) =>
    near(s, 150, 30, 1) && near(s, 150.8, 30.3, 1);
  const sharedA = a.filter(inBoth).sort((x, y) => key(x).localeCompare(key(y)));
  const sharedB = b.filter(inBoth).sort((x, y) => key(x).localeCompare(key(y)));
  assert(sharedA.length > 300, `${sharedA.length} stars in the overlap`);
  assertEquals(sharedA, sharedB);
  // Poisson: 500/deg² over a 1° cap, 2π (1 − cos 1°) sr = 3.14 deg², is 1571 ± 40.
  const expected = FILLER_STARS_PER_DEG2 * 2 * Math.PI * (1 - Math.cos(Math.PI / 180)) *
    (180 / Math.PI) ** 2;
  assert(Math.abs(a.length - expected) < 5 * Math.sqrt(expected), `${a.length} vs ${expected}`);
  // Near the pole and across RA 0 the cells still tile the sky without gaps or repeats.
  const pole = fillerStarsInCone(0, 89.9, 0.5);
  assertEquals(new Set(pole.map(key)).size, pole.length);
  const wrap = fillerStarsInCone(0.1, 0, 0.5);
  assert(wrap.some((s) => s.raDeg > 359) && wrap.some((s) => s.raDeg < 1));
});

function near(s: { raDeg: number; decDeg: number }, raDeg: number, decDeg: number, rDeg: number) {
  const r = Math.PI / 180;
  const c = Math.sin(s.decDeg * r) * Math.sin(decDeg * r) +
    Math.cos(s.decDeg * r) * Math.cos(decDeg * r) * Math.cos((s.raDeg - raDeg) * r);
  return c >= Math.cos(rDeg * r);
}

Deno.test("true sky: a pointing that moves during the exposure trails every star", () => {
  // Tracking off for 10 s at Dec 30°: the tube holds its hour angle, so its RA grows with the
  // sidereal time — 150.4″ of RA, × cos 30° on the sky — while the stars stay put.
  const start = { raDeg: 150, decDeg: 30 };
  const end = { raDeg: 150 + 10 * 15.041 / 3600, decDeg: 30 };
  const scene = trueSkyScene(source([offsetStar(0.05, 45)]), view({ start, end }), LOOK);
  const star = scene.stars[0]!;
  const lengthPx = Math.hypot(star.endXPx! - star.xPx, star.endYPx! - star.yPx);
  const expectedPx = 10 * 15.041 * Math.cos(30 * Math.PI / 180) / SCALE;
  assertAlmostEquals(lengthPx, expectedPx, 0.01 * expectedPx);
  // The pointing moves east, so the stars move west in the frame: +x at PA 0.
  assertAlmostEquals(star.endXPx! - star.xPx, expectedPx, 0.02 * expectedPx);
  assertAlmostEquals(star.endYPx! - star.yPx, 0, 0.05 * expectedPx);
  // A slew of more than MAX_TRAIL_DEG leaves only the sky.
  const slewing = trueSkyScene(
    source([offsetStar(0.05, 45)]),
    view({ start, end: { raDeg: 160, decDeg: 30 } }),
    LOOK,
  );
  assertEquals(slewing.stars.length, 0);
});
