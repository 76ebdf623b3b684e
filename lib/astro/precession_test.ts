/**
 * J2000 ↔ JNow against Meeus, "Astronomical Algorithms" (2nd ed.): example 21.b precesses
 * θ Persei from J2000.0 to 2028 November 13.19 TD, and example 23.a gives the nutation terms for
 * the same star and date. Proper motion is a property of the star, not of the frame, so it is
 * applied here before precessing, exactly as Meeus does. A grid over the sky is also compared with
 * astronomia (an independent implementation of the same chapters). Each check reports its
 * maximum error.
 */
import assert from "node:assert/strict";
import { angularSeparationDeg, wrapHours12 } from "./coords.ts";
import { j2000ToJNow, jnowToJ2000, precessFromJ2000, precessToJ2000 } from "./precession.ts";
import { unixMsFromJulianDate } from "./time.ts";

/** 2028 November 13.19 TD (JDE 2462088.69); UT stands in for TD, a 70 s shift worth 1e-6″. */
const EPOCH_UNIX_MS = unixMsFromJulianDate(2462088.69);
const YEARS_SINCE_J2000 = (2462088.69 - 2451545.0) / 365.25;

// θ Persei, J2000.0 (FK5), with its proper motion per Julian year.
const THETA_PER_J2000 = {
  raHours: 2 + 44 / 60 + 11.986 / 3600,
  decDeg: 49 + 13 / 60 + 42.48 / 3600,
};
const PM_RA_S_PER_YEAR = 0.03425;
const PM_DEC_ARCSEC_PER_YEAR = -0.0895;
const THETA_PER_MOVED = {
  raHours: THETA_PER_J2000.raHours + PM_RA_S_PER_YEAR * YEARS_SINCE_J2000 / 3600,
  decDeg: THETA_PER_J2000.decDeg + PM_DEC_ARCSEC_PER_YEAR * YEARS_SINCE_J2000 / 3600,
};
/** Example 21.b result: mean place of date. */
const MEAN_OF_DATE = { raHours: 2 + 46 / 60 + 11.331 / 3600, decDeg: 49 + 20 / 60 + 54.54 / 3600 };
/** Example 23.a: nutation in RA and Dec for that place and date, arcseconds. */
const NUTATION_RA_ARCSEC = 15.843;
const NUTATION_DEC_ARCSEC = 6.217;

function raErrorS(actualHours: number, expectedHours: number): number {
  return Math.abs(wrapHours12(actualHours - expectedHours)) * 3600;
}

function report(what: string, maxError: number, unit: string, tolerance: number): void {
  console.log(`${what}: max error ${maxError.toExponential(2)} ${unit} (tolerance ${tolerance})`);
  assert.ok(maxError <= tolerance, `${what}: max error ${maxError} ${unit} > ${tolerance}`);
}

Deno.test("precession matches Meeus example 21.b (θ Persei to 2028 Nov 13.19)", () => {
  const ofDate = precessFromJ2000(THETA_PER_MOVED, EPOCH_UNIX_MS);
  const raS = raErrorS(ofDate.raHours, MEAN_OF_DATE.raHours);
  const decArcsec = Math.abs(ofDate.decDeg - MEAN_OF_DATE.decDeg) * 3600;
  // Meeus prints 0.001 s and 0.01″: one unit of each.
  report("precession RA (Meeus 21.b)", raS, "s", 0.001);
  report("precession Dec (Meeus 21.b)", decArcsec, "arcsec", 0.01);
  const back = precessToJ2000(ofDate, EPOCH_UNIX_MS);
  assert.ok(angularSeparationDeg(back, THETA_PER_MOVED) < 1e-12, "precession round trip");
});

Deno.test("J2000 → JNow adds Meeus 23.a's nutation to 21.b's precession", () => {
  const jnow = j2000ToJNow(THETA_PER_MOVED, EPOCH_UNIX_MS);
  const expected = {
    // Meeus's Δα1 is in arcseconds of arc along RA (15″ per second of time).
    raHours: MEAN_OF_DATE.raHours + NUTATION_RA_ARCSEC / 15 / 3600,
    decDeg: MEAN_OF_DATE.decDeg + NUTATION_DEC_ARCSEC / 3600,
  };
  const raS = raErrorS(jnow.raHours, expected.raHours);
  const decArcsec = Math.abs(jnow.decDeg - expected.decDeg) * 3600;
  // Reference rounding (0.001 s, 0.01″, 0.001″) plus Meeus's first-order nutation formula (23.1).
  report("J2000 → JNow RA (Meeus 21.b + 23.a)", raS, "s", 0.001);
  report("J2000 → JNow Dec (Meeus 21.b + 23.a)", decArcsec, "arcsec", 0.01);
});

Deno.test("JNow → J2000 inverts J2000 → JNow everywhere, poles included", () => {
  let maxErrorDeg = 0;
  const instants = [EPOCH_UNIX_MS, Date.UTC(2026, 5, 21, 23), Date.UTC(1990, 0, 1)];
  for (const unixMs of instants) {
    for (let raHours = 0; raHours < 24; raHours += 0.75) {
      for (const decDeg of [-90, -89.999, -60, -1, 0, 23.4, 45, 89.99, 90]) {
        const position = { raHours, decDeg };
        const back = jnowToJ2000(j2000ToJNow(position, unixMs), unixMs);
        maxErrorDeg = Math.max(maxErrorDeg, angularSeparationDeg(position, back));
      }
    }
  }
  report("J2000 → JNow → J2000 round trip", maxErrorDeg, "deg", 1e-10);
  // At J2000.0 itself only nutation separates the frames: < 20″.
  const atJ2000 = j2000ToJNow({ raHours: 6, decDeg: 20 }, Date.UTC(2000, 0, 1, 12));
  assert.ok(angularSeparationDeg(atJ2000, { raHours: 6, decDeg: 20 }) < 20 / 3600);
});

Deno.test("precession refuses impossible positions with RangeError", () => {
  assert.throws(() => j2000ToJNow({ raHours: 25, decDeg: 0 }, EPOCH_UNIX_MS), /raHours.*25/);
  assert.throws(() => jnowToJ2000({ raHours: 1, decDeg: 91 }, EPOCH_UNIX_MS), /decDeg.*91/);
  assert.throws(() => j2000ToJNow({ raHours: 1, decDeg: 0 }, Number.NaN), RangeError);
});

Deno.test("J2000 → JNow agrees with astronomia's Meeus 21 + 23.1 over the sky, 1990–2050", async () => {
  // A second implementation (astronomia's Precessor with the first-order nutation 23.1), over a
  // grid of positions away from the poles, where 23.1's tan δ is good to a few milliarcseconds.
  const precess = await import("astronomia/precess") as unknown as {
    position(
      eq: { ra: number; dec: number },
      from: number,
      to: number,
      mRa: number,
      mDec: number,
    ): {
      ra: number;
      dec: number;
    };
  };
  const apparent = await import("astronomia/apparent") as unknown as {
    nutation(raRad: number, decRad: number, jd: number): [number, number];
  };
  const DEG = Math.PI / 180;
  let maxArcsec = 0;
  let sumSquares = 0;
  let count = 0;
  for (const year of [1990, 2026, 2050]) {
    const unixMs = Date.UTC(year, 5, 1);
    const jd = 2440587.5 + unixMs / 86_400_000;
    for (let raHours = 0; raHours < 24; raHours += 1.5) {
      for (const decDeg of [-75, -40, -10, 0, 15, 50, 75]) {
        const mean = precess.position(
          { ra: raHours * 15 * DEG, dec: decDeg * DEG },
          2000,
          2000 + (jd - 2451545) / 365.25,
          0,
          0,
        );
        const [dRa, dDec] = apparent.nutation(mean.ra, mean.dec, jd);
        const reference = {
          raHours: ((mean.ra + dRa) / DEG / 15 % 24 + 24) % 24,
          decDeg: (mean.dec + dDec) / DEG,
        };
        const ours = j2000ToJNow({ raHours, decDeg }, unixMs);
        const arcsec = angularSeparationDeg(ours, reference) * 3600;
        maxArcsec = Math.max(maxArcsec, arcsec);
        sumSquares += arcsec * arcsec;
        count++;
      }
    }
  }
  console.log(`astronomia comparison: RMS ${Math.sqrt(sumSquares / count).toExponential(2)}″`);
  // Meeus 23.1 is first order in the nutation angles: below 0.01″ at |δ| ≤ 75° (measured 0.001″).
  report("J2000 → JNow vs astronomia (grid)", maxArcsec, "arcsec", 0.01);
});
