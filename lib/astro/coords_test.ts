/**
 * Equatorial ↔ horizontal conversions and angular separations against published worked examples:
 * Meeus, "Astronomical Algorithms" (2nd ed.) examples 13.b (Venus from Washington) and 17.a
 * (Arcturus–Spica), and Keith Burnett's M13 example ("Converting RA and DEC to ALT and AZ",
 * stargazing.net/kepler/altaz.html). Meeus measures azimuth from the south; we from the north, so
 * his A is shifted by 180°. Each table reports its maximum error against its stated tolerance.
 */
import assert from "node:assert/strict";
import {
  angularSeparationDeg,
  assertEquatorial,
  equatorialToHorizontal,
  horizontalToEquatorial,
  hourAngleHours,
  wrapDeg180,
  wrapDeg360,
  wrapHours,
  wrapHours12,
} from "./coords.ts";
import { lstHours } from "./time.ts";

function report(what: string, maxErrorDeg: number, toleranceDeg: number): void {
  console.log(`${what}: max error ${maxErrorDeg.toExponential(2)}° (tolerance ${toleranceDeg}°)`);
  assert.ok(maxErrorDeg <= toleranceDeg, `${what}: max error ${maxErrorDeg}° > ${toleranceDeg}°`);
}

function dms(deg: number, min: number, sec: number): number {
  const sign = deg < 0 || Object.is(deg, -0) ? -1 : 1;
  return sign * (Math.abs(deg) + min / 60 + sec / 3600);
}

// Meeus example 13.b: Venus, 1987 April 10, 19h21m00s UT, from the US Naval Observatory.
const VENUS = { raHours: 23 + 9 / 60 + 16.641 / 3600, decDeg: dms(-6, 43, 11.61) };
const WASHINGTON_LAT_DEG = dms(38, 55, 17);
// Meeus gives L = 77°03′56″ W but computes with its time form 5h08m15.7s (77°03′55.5″); using
// the latter reproduces his H = 64.352133° exactly, the rounded arc form misses by 0.5″.
const WASHINGTON_LON_DEG = -(5 + 8 / 60 + 15.7 / 3600) * 15;
const VENUS_UNIX_MS = Date.UTC(1987, 3, 10, 19, 21, 0);
/** θ0 (apparent) − L, as Meeus uses it. */
const VENUS_LST_HOURS = 8 + 34 / 60 + 56.853 / 3600 + WASHINGTON_LON_DEG / 15;
const VENUS_EXPECTED = { altDeg: 15.1249, azDeg: 68.0337 + 180, haDeg: 64.352133 };

// Burnett's M13 example: 1998 August 10, 23:10 UT, from Birmingham (52°30′ N, 1°55′ W).
const M13 = { raHours: 16 + 41.7 / 60, decDeg: dms(36, 28, 0) };
const BIRMINGHAM_LAT_DEG = 52.5;
const BIRMINGHAM_LON_DEG = -(1 + 55 / 60);
const M13_UNIX_MS = Date.UTC(1998, 7, 10, 23, 10);
const M13_LST_HOURS = 304.80762 / 15;
const M13_EXPECTED = { altDeg: 49.169122, azDeg: 269.14634, haDeg: 54.382617 };

Deno.test("equatorialToHorizontal matches Meeus 13.b and the M13 example (given LST)", () => {
  const venus = equatorialToHorizontal(VENUS, VENUS_LST_HOURS, WASHINGTON_LAT_DEG);
  const m13 = equatorialToHorizontal(M13, M13_LST_HOURS, BIRMINGHAM_LAT_DEG);
  const errorsDeg = [
    Math.abs(venus.altDeg - VENUS_EXPECTED.altDeg),
    Math.abs(wrapDeg180(venus.azDeg - VENUS_EXPECTED.azDeg)),
    Math.abs(hourAngleHours(VENUS.raHours, VENUS_LST_HOURS) * 15 - VENUS_EXPECTED.haDeg),
    Math.abs(m13.altDeg - M13_EXPECTED.altDeg),
    Math.abs(wrapDeg180(m13.azDeg - M13_EXPECTED.azDeg)),
    Math.abs(hourAngleHours(M13.raHours, M13_LST_HOURS) * 15 - M13_EXPECTED.haDeg),
  ];
  // Both sources print 4–6 decimals of a degree: 1e-4° is their resolution.
  report("alt/az with the published LST (Meeus 13.b, M13)", Math.max(...errorsDeg), 1e-4);
});

Deno.test("alt/az from the instant and site, through our own sidereal time", () => {
  const venus = equatorialToHorizontal(
    VENUS,
    lstHours(VENUS_UNIX_MS, WASHINGTON_LON_DEG),
    WASHINGTON_LAT_DEG,
  );
  const m13 = equatorialToHorizontal(
    M13,
    lstHours(M13_UNIX_MS, BIRMINGHAM_LON_DEG),
    BIRMINGHAM_LAT_DEG,
  );
  const venusErrorDeg = Math.max(
    Math.abs(venus.altDeg - VENUS_EXPECTED.altDeg),
    Math.abs(wrapDeg180(venus.azDeg - VENUS_EXPECTED.azDeg)),
  );
  const m13ErrorDeg = Math.max(
    Math.abs(m13.altDeg - M13_EXPECTED.altDeg),
    Math.abs(wrapDeg180(m13.azDeg - M13_EXPECTED.azDeg)),
  );
  report("alt/az from instant and site (Meeus 13.b)", venusErrorDeg, 1e-4);
  // Burnett's LST comes from a simplified formula (0.33 s from the apparent one): 0.01°.
  report("alt/az from instant and site (M13 example)", m13ErrorDeg, 0.01);
});

Deno.test("horizontalToEquatorial inverts the worked examples and a whole-sky grid", () => {
  const venus = horizontalToEquatorial(
    { altDeg: VENUS_EXPECTED.altDeg, azDeg: VENUS_EXPECTED.azDeg },
    VENUS_LST_HOURS,
    WASHINGTON_LAT_DEG,
  );
  const m13 = horizontalToEquatorial(
    { altDeg: M13_EXPECTED.altDeg, azDeg: M13_EXPECTED.azDeg },
    M13_LST_HOURS,
    BIRMINGHAM_LAT_DEG,
  );
  const exampleErrorDeg = Math.max(
    angularSeparationDeg(venus, VENUS),
    angularSeparationDeg(m13, M13),
  );
  report("horizontal → equatorial (Meeus 13.b, M13)", exampleErrorDeg, 1e-4);

  let maxRoundTripDeg = 0;
  for (const latitudeDeg of [-89.5, -51.48, -10, 0, 33.3, 51.48, 89.5]) {
    for (let raHours = 0; raHours < 24; raHours += 1.7) {
      for (let decDeg = -89; decDeg <= 89; decDeg += 8.9) {
        const position = { raHours, decDeg };
        const horizontal = equatorialToHorizontal(position, 7.25, latitudeDeg);
        const back = horizontalToEquatorial(horizontal, 7.25, latitudeDeg);
        maxRoundTripDeg = Math.max(maxRoundTripDeg, angularSeparationDeg(position, back));
      }
    }
  }
  report("equatorial → horizontal → equatorial, whole sky", maxRoundTripDeg, 1e-9);
});

Deno.test("the celestial pole sits at altitude = latitude, due north", () => {
  const pole = equatorialToHorizontal({ raHours: 3, decDeg: 90 }, 17, 51.48);
  assert.ok(Math.abs(pole.altDeg - 51.48) < 1e-9);
  assert.ok(Math.abs(wrapDeg180(pole.azDeg)) < 1e-9);
  const south = equatorialToHorizontal({ raHours: 3, decDeg: -90 }, 17, -33.9);
  assert.ok(Math.abs(south.altDeg - 33.9) < 1e-9);
  assert.ok(Math.abs(south.azDeg - 180) < 1e-9);
  // Rising in the east (negative hour angle) means azimuth between 0 and 180.
  const rising = equatorialToHorizontal({ raHours: 10, decDeg: 0 }, 7, 45);
  assert.ok(rising.azDeg > 0 && rising.azDeg < 180, `az ${rising.azDeg}`);
});

Deno.test("angularSeparationDeg matches Meeus example 17.a (Arcturus–Spica)", () => {
  const arcturus = { raHours: 213.9154 / 15, decDeg: 19.1825 };
  const spica = { raHours: 201.2983 / 15, decDeg: -11.1614 };
  const errorDeg = Math.abs(angularSeparationDeg(arcturus, spica) - 32.7930);
  report("angular separation (Meeus 17.a)", errorDeg, 1e-4);
  // Tiny separations, where the cosine formula fails: 1″ in Dec must read as 1″.
  const oneArcsecDeg = angularSeparationDeg(
    { raHours: 5, decDeg: 20 },
    { raHours: 5, decDeg: 20 + 1 / 3600 },
  );
  assert.ok(Math.abs(oneArcsecDeg * 3600 - 1) < 1e-6, `1″ reads ${oneArcsecDeg * 3600}″`);
  assert.ok(
    Math.abs(angularSeparationDeg({ raHours: 0, decDeg: 0 }, { raHours: 12, decDeg: 0 }) - 180) <
      1e-12,
  );
});

Deno.test("wrapping helpers keep their half-open ranges", () => {
  assert.equal(wrapHours(24), 0);
  assert.equal(wrapHours(-1), 23);
  assert.equal(wrapHours(-1e-17), 0);
  assert.equal(wrapHours(49.5), 1.5);
  assert.equal(wrapHours12(12), -12);
  assert.equal(wrapHours12(11.5), 11.5);
  assert.equal(wrapHours12(-13), 11);
  assert.equal(wrapDeg360(-90), 270);
  assert.equal(wrapDeg360(720), 0);
  assert.equal(wrapDeg180(190), -170);
  assert.equal(wrapDeg180(180), -180);
  assert.equal(hourAngleHours(23, 1), 2);
  assert.equal(hourAngleHours(1, 23), -2);
});

Deno.test("impossible inputs throw RangeError naming the value", () => {
  assert.throws(() => equatorialToHorizontal({ raHours: 1, decDeg: 10 }, 2, 91), /latitudeDeg.*91/);
  assert.throws(() => equatorialToHorizontal({ raHours: 1, decDeg: -95 }, 2, 45), /decDeg.*-95/);
  assert.throws(
    () => equatorialToHorizontal({ raHours: Number.NaN, decDeg: 0 }, 2, 45),
    RangeError,
  );
  assert.throws(() => horizontalToEquatorial({ altDeg: 100, azDeg: 0 }, 2, 45), /altDeg/);
  assert.throws(() => horizontalToEquatorial({ altDeg: 10, azDeg: 0 }, Number.NaN, 45), RangeError);
  assert.throws(() => angularSeparationDeg({ raHours: 0, decDeg: 91 }, VENUS), RangeError);
  assert.throws(() => assertEquatorial({ raHours: 24, decDeg: 0 }), /raHours.*24/);
  assert.throws(() => assertEquatorial({ raHours: 1, decDeg: Number.NaN }), /decDeg/);
  assert.doesNotThrow(() => assertEquatorial({ raHours: 0, decDeg: -90 }));
});
