/**
 * Sun and Moon positions against the worked examples of Meeus, "Astronomical Algorithms" (2nd
 * ed.): 25.a (the Sun, 1992 Oct 13.0 TD), 47.a (the Moon, 1992 Apr 12.0 TD) and 48.a (the Moon's
 * illuminated fraction, same date). Tolerances are the book's printed precision or the method's
 * stated accuracy, whichever is looser. UT is used for TD here as in the module, so the dates are
 * the book's JDEs read as UT.
 */
import { assert, assertAlmostEquals } from "../../tests/_assert.ts";
import {
  isDark,
  moonEcliptic,
  moonEquatorial,
  moonIlluminatedFraction,
  sunAltitudeDeg,
  sunEquatorial,
} from "./sun.ts";
import { unixMsFromJulianDate } from "./time.ts";

const GREENWICH = { latitudeDeg: 51.4769, longitudeDeg: -0.0005 };

Deno.test("sun: Meeus example 25.a, apparent RA 13h13m31.4s, Dec −7°47′06″", () => {
  const sun = sunEquatorial(unixMsFromJulianDate(2448908.5));
  // The book prints α = 198.38083°, δ = −7.78507°; its low-accuracy method is good to 0.01°.
  assertAlmostEquals(sun.raHours * 15, 198.38083, 0.0005);
  assertAlmostEquals(sun.decDeg, -7.78507, 0.0005);
});

Deno.test("moon: Meeus example 47.a, λ 133.167265°, β −3.229126°, Δ 368409.7 km, α, δ", () => {
  const t = unixMsFromJulianDate(2448724.5);
  const ecl = moonEcliptic(t);
  assertAlmostEquals(ecl.lonDeg, 133.167265, 0.00005);
  assertAlmostEquals(ecl.latDeg, -3.229126, 0.00001);
  assertAlmostEquals(ecl.distanceKm, 368409.7, 0.1);
  const eq = moonEquatorial(t);
  assertAlmostEquals(eq.raHours * 15, 134.688470, 0.00005);
  assertAlmostEquals(eq.decDeg, 13.768368, 0.00005);
});

Deno.test("moon: Meeus example 48.a, illuminated fraction 0.6786", () => {
  assertAlmostEquals(moonIlluminatedFraction(unixMsFromJulianDate(2448724.5)), 0.6786, 0.0005);
});

Deno.test("sun altitude: noon at the June solstice at Greenwich is 90° − φ + ε", () => {
  // Analytic truth: δ☉ = +23.44° at the solstice, transit near 12:00 UT at longitude 0 (the
  // equation of time is −1.7 min, which changes the altitude by far less than 0.01°).
  const alt = sunAltitudeDeg(Date.UTC(2024, 5, 20, 12, 2), GREENWICH);
  assertAlmostEquals(alt, 90 - 51.4769 + 23.44, 0.02);
});

Deno.test("isDark: midnight in January is astronomically dark at Greenwich, noon is not", () => {
  assert(isDark(Date.UTC(2026, 0, 15, 0, 0), GREENWICH, "astronomical"));
  assert(!isDark(Date.UTC(2026, 0, 15, 12, 0), GREENWICH, "nautical"));
  // Midsummer midnight: the Sun is 90° − φ − ε ≈ 15° below the northern horizon, so the sky is
  // nautically dark but never astronomically dark in London.
  assert(isDark(Date.UTC(2026, 5, 21, 0, 0), GREENWICH, "nautical"));
  assert(!isDark(Date.UTC(2026, 5, 21, 0, 0), GREENWICH, "astronomical"));
});
