/**
 * The parts of tonight's score against figures an imager can check by hand, for a 2.1° × 1.4°
 * field (126′ × 84′, diagonal 151′): a 66′ nebula frames well, a 2.5′ planetary is a speck
 * (√(2.5/84/0.1) = 0.55), the 178′ Andromeda galaxy does not fit but nearly does (√(151/178) =
 * 0.92), a 600′ cloud complex needs a mosaic (√(151/600) = 0.50); the surface brightness of M 42
 * over a 66′ disc is 4 + 2.5·log10(π/4·3960²) = 21.73 mag/arcsec²; a full Moon 10° away costs
 * far more than one 120° away, and none at all once it has set.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import {
  brightnessPart,
  framingPart,
  moonPart,
  scoreTarget,
  surfaceBrightness,
  visibilityPart,
} from "./score.ts";

const FIELD = { widthDeg: 2.1, heightDeg: 1.4 };

Deno.test("score: framing rewards what fills the field, not a speck or a mosaic", () => {
  assertEquals(framingPart(66, FIELD), { framing: 1, fitsField: true });
  assertAlmostEquals(framingPart(2.5, FIELD).framing, Math.sqrt(2.5 / 84 / 0.1), 1e-9);
  assertEquals(framingPart(2.5, FIELD).fitsField, true);
  assertEquals(framingPart(178, FIELD).fitsField, false);
  const diagonal = Math.hypot(126, 84);
  assertAlmostEquals(framingPart(178, FIELD).framing, Math.sqrt(diagonal / 178), 1e-9);
  assertAlmostEquals(framingPart(600, FIELD).framing, Math.sqrt(diagonal / 600), 1e-9);
  assert(framingPart(600, FIELD).framing < framingPart(178, FIELD).framing);
  // Up to the long side it fits (rotate the camera); unknown size or field is never a winner.
  assertEquals(framingPart(120, FIELD), { framing: 1, fitsField: true });
  assertEquals(framingPart(null, FIELD), { framing: 0.5, fitsField: null });
  assertEquals(framingPart(30, null), { framing: 1, fitsField: null });
});

Deno.test("score: brightness from magnitude and surface brightness; no magnitude is 0.15", () => {
  assertAlmostEquals(surfaceBrightness(4, 66), 21.73, 0.01);
  // Bright and not diffuse: M 42 is as bright as it gets; M 33 (5.7, 73′: 23.7 mag/arcsec²)
  // loses for its faint disc, a 12th-magnitude 2′ galaxy for its magnitude.
  assertEquals(brightnessPart(4, 66).brightness, 1);
  assertAlmostEquals(
    brightnessPart(5.7, 73).brightness,
    (25.5 - surfaceBrightness(5.7, 73)) / 3,
    1e-9,
  );
  assertAlmostEquals(brightnessPart(12, 2).brightness, 3 / 9, 1e-9);
  // A 13th-magnitude 1′ galaxy is faint; M 45 (mag 1.6 over 110′) is as bright as it gets.
  assert(brightnessPart(13, 1).brightness < 0.5);
  assertEquals(brightnessPart(1.6, 110).brightness, 1);
  assertEquals(brightnessPart(null, 60), { brightness: 0.15, surfaceBrightness: null });
  assertEquals(brightnessPart(8, null).surfaceBrightness, null);
  assertAlmostEquals(brightnessPart(8, null).brightness, 0.8 * 7 / 9, 1e-9);
});

Deno.test("score: the Moon costs with phase and nearness, nothing when set or new", () => {
  const full = (sepDeg: number, altDeg = 40) => moonPart({ sepDeg, altDeg, illumination: 1 });
  assert(full(10) < 0.5 && full(120) > 0.8, `${full(10)} ${full(120)}`);
  assertEquals(full(10, -5), 1);
  assertEquals(moonPart({ sepDeg: 10, altDeg: 40, illumination: 0 }), 1);
  assertEquals(moonPart(null), 1);
});

Deno.test("score: more good hours is better, saturating", () => {
  assertEquals(visibilityPart(0), 0);
  assertAlmostEquals(visibilityPart(2.5), 1 - Math.exp(-1), 1e-9);
  assert(visibilityPart(6) > 0.9 && visibilityPart(6) < visibilityPart(8));
});

Deno.test("score: a catalogued showpiece beats an object the catalogue says nothing about", () => {
  const showpiece = scoreTarget({ magnitude: 4, sizeArcmin: 66 }, 4, FIELD, null);
  // The unknown cloud gets every advantage of place: the whole night, overhead, no Moon.
  const cloud = scoreTarget({ magnitude: null, sizeArcmin: null }, 12, FIELD, null);
  assert(showpiece.score > 2 * cloud.score, `${showpiece.score} vs ${cloud.score}`);
  assertAlmostEquals(
    showpiece.score,
    100 * showpiece.visibility * showpiece.framing * showpiece.brightness * showpiece.moon,
    1e-9,
  );
});
