/**
 * Sidereal time and Julian dates against the worked examples of Meeus, "Astronomical Algorithms"
 * (2nd ed., 1998): chapter 7 (Julian day), 12 (sidereal time), 22 (nutation). Each table states
 * its source and tolerance and reports its maximum error, so a regression shows how far it drifted.
 */
import assert from "node:assert/strict";
import {
  gastHours,
  gmstHours,
  julianDate,
  lmstHours,
  lstHours,
  nutationAngles,
  unixMsFromJulianDate,
} from "./time.ts";

const RAD_TO_ARCSEC = 180 / Math.PI * 3600;

function hms(hours: number, minutes: number, seconds: number): number {
  return hours + minutes / 60 + seconds / 3600;
}

/** Signed difference of two times of day, seconds, across midnight. */
function timeErrorS(actualHours: number, expectedHours: number): number {
  const diffHours = ((actualHours - expectedHours + 36) % 24) - 12;
  return diffHours * 3600;
}

function report(what: string, maxError: number, unit: string, tolerance: number): void {
  console.log(`${what}: max error ${maxError.toExponential(2)} ${unit} (tolerance ${tolerance})`);
  assert.ok(maxError <= tolerance, `${what}: max error ${maxError} ${unit} > ${tolerance}`);
}

Deno.test("julianDate matches Meeus chapter 7 (examples 7.a and table 7)", () => {
  const cases: [number, number][] = [
    [Date.UTC(2000, 0, 1, 12), 2451545.0],
    // Example 7.a: 1957 October 4.81 (Sputnik 1).
    [Date.UTC(1957, 9, 4) + 0.81 * 86_400_000, 2436116.31],
    [Date.UTC(1987, 0, 27), 2446822.5],
    [Date.UTC(1987, 5, 19, 12), 2446966.0],
    [Date.UTC(1988, 0, 27), 2447187.5],
    [Date.UTC(1988, 5, 19, 12), 2447332.0],
    [Date.UTC(1900, 0, 1), 2415020.5],
    [Date.UTC(1600, 0, 1), 2305447.5],
    [Date.UTC(1600, 11, 31), 2305812.5],
  ];
  let maxErrorDays = 0;
  for (const [unixMs, expected] of cases) {
    maxErrorDays = Math.max(maxErrorDays, Math.abs(julianDate(unixMs) - expected));
    assert.ok(Math.abs(unixMsFromJulianDate(expected) - unixMs) < 0.1, "inverse");
  }
  report("Julian date (Meeus ch. 7)", maxErrorDays, "days", 1e-8);
});

Deno.test("sidereal time matches Meeus examples 12.a, 12.b and 13.b", () => {
  // [instant, kind, expected hours, source]
  const cases: [number, "mean" | "apparent", number, string][] = [
    [Date.UTC(1987, 3, 10), "mean", hms(13, 10, 46.3668), "12.a"],
    [Date.UTC(1987, 3, 10), "apparent", hms(13, 10, 46.1351), "12.a"],
    [Date.UTC(1987, 3, 10, 19, 21, 0), "mean", hms(8, 34, 57.0896), "12.b"],
    [Date.UTC(1987, 3, 10, 19, 21, 0), "apparent", hms(8, 34, 56.853), "13.b"],
  ];
  let maxErrorS = 0;
  for (const [unixMs, kind, expectedHours, source] of cases) {
    const actual = kind === "mean" ? gmstHours(unixMs) : gastHours(unixMs);
    const errorS = Math.abs(timeErrorS(actual, expectedHours));
    assert.ok(errorS < 0.001, `example ${source} ${kind}: off by ${errorS} s`);
    maxErrorS = Math.max(maxErrorS, errorS);
  }
  // Meeus prints 4 decimals of a second (3 for 13.b): 1 ms is the resolution of the reference.
  report("Greenwich sidereal time (Meeus 12.a/12.b/13.b)", maxErrorS, "s", 0.001);
});

Deno.test("nutation matches Meeus example 22.a (1987 April 10, 0h TD)", () => {
  // UT stands in for TD (ΔT was 56 s): nutation changes by < 1e-5″ in that time.
  const n = nutationAngles(Date.UTC(1987, 3, 10));
  const errorsArcsec = [
    Math.abs(n.deltaPsiRad * RAD_TO_ARCSEC - -3.788),
    Math.abs(n.deltaEpsilonRad * RAD_TO_ARCSEC - 9.443),
    Math.abs(n.meanObliquityRad * RAD_TO_ARCSEC - (23 * 3600 + 26 * 60 + 27.407)),
    Math.abs(n.trueObliquityRad * RAD_TO_ARCSEC - (23 * 3600 + 26 * 60 + 36.85)),
  ];
  // Meeus rounds to 0.001″ (0.01″ for ε): half a unit plus the 1980 series truncation.
  report("nutation and obliquity (Meeus 22.a)", Math.max(...errorsArcsec), "arcsec", 0.006);
});

Deno.test("local sidereal time: Meeus 13.b site and the stargazing.net M13 example", () => {
  // Meeus 13.b: Washington (77°03′56″ W) at 1987-04-10 19:21 UT; LAST = θ0 − L.
  const washingtonLonDeg = -(77 + 3 / 60 + 56 / 3600);
  const lastHours = lstHours(Date.UTC(1987, 3, 10, 19, 21, 0), washingtonLonDeg);
  const expectedLastHours = hms(8, 34, 56.853) + washingtonLonDeg / 15;
  const meeusErrorS = Math.abs(timeErrorS(lastHours, expectedLastHours));
  // Keith Burnett, "Converting RA and DEC to ALT and AZ" (stargazing.net/kepler/altaz.html):
  // 1998-08-10 23:10 UT at 1°55′ W gives LST 304.80762°, from a simplified formula (≈0.3 s).
  const burnettLstHours = lmstHours(Date.UTC(1998, 7, 10, 23, 10), -(1 + 55 / 60));
  const burnettErrorS = Math.abs(timeErrorS(burnettLstHours, 304.80762 / 15));
  report("LAST at Washington (Meeus 13.b)", meeusErrorS, "s", 0.001);
  report("LMST, M13 example (stargazing.net)", burnettErrorS, "s", 0.5);
});

Deno.test("time functions refuse impossible input with RangeError", () => {
  assert.throws(() => julianDate(Number.NaN), RangeError);
  assert.throws(() => gmstHours(Number.POSITIVE_INFINITY), RangeError);
  assert.throws(() => lstHours(0, 400), /longitudeDeg/);
  assert.throws(() => lstHours(0, Number.NaN), RangeError);
  for (const unixMs of [0, Date.UTC(2026, 0, 1), Date.UTC(1850, 6, 1, 3)]) {
    for (const value of [gmstHours(unixMs), gastHours(unixMs), lstHours(unixMs, -179.9)]) {
      assert.ok(value >= 0 && value < 24, `${value} outside [0, 24)`);
    }
  }
});
