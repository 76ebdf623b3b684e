/**
 * The intermediate quantities of Meeus, "Astronomical Algorithms" (2nd ed.), example 25.a (the Sun
 * on 1992 October 13.0 TD, JDE 2448908.5), each to 1e-5° (one unit in the last digit the book prints; its own rounding of
 * intermediate steps moves the true longitude by 7e-6°).
 */
import { assertAlmostEquals } from "../../tests/_assert.ts";
import { solarTheory } from "./sun.ts";

Deno.test("sun: Meeus example 25.a step by step", () => {
  const s = solarTheory(2448908.5);
  assertAlmostEquals(s.t, -0.072183436, 1e-9);
  assertAlmostEquals(s.meanLongitudeDeg, 201.8072, 0.00005);
  assertAlmostEquals(s.meanAnomalyDeg, 278.99397, 0.00001);
  assertAlmostEquals(s.eccentricity, 0.016711668, 1e-9);
  assertAlmostEquals(s.centreDeg, -1.89732, 0.00001);
  assertAlmostEquals(s.trueLongitudeDeg, 199.90988, 0.00001);
  assertAlmostEquals(s.radiusAu, 0.99766, 0.00001);
  assertAlmostEquals(s.apparentLongitudeDeg, 199.90895, 0.00001);
  assertAlmostEquals(s.obliquityDeg, 23.43999, 0.00001);
  // α = 13h13m31.4s = 198.38083°, δ = −7°47′06″ = −7.78507°.
  assertAlmostEquals(s.apparent.raHours * 15, 198.38083, 0.00005);
  assertAlmostEquals(s.apparent.decDeg, -7.78507, 0.00005);
});
