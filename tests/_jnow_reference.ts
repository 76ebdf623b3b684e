/**
 * J2000 ↔ JNow by a second, independent route, for the tests and the device simulators: astronomia's
 * Meeus chapter 21 precession (its `Precessor`, the rigorous formulas 21.2–21.4) plus Meeus 23.1's
 * first-order nutation in RA and Dec — not lib/astro/precession.ts, whose matrices are what the
 * drivers use. A simulated hand controller that speaks JNow, or a test that checks what a JNow
 * device was sent, then cannot agree with a driver by sharing its bug. Accurate to a few
 * hundredths of an arcsecond away from the poles (23.1 is first order in tan δ); within half a
 * degree of a pole the nutation is left out, so positions there stay finite but lose ~20″.
 */
import * as apparent from "astronomia/apparent";
import * as precess from "astronomia/precess";
import type { EquatorialCoord } from "../lib/astro/coords.ts";

// astronomia ships no type declarations: pin the shapes used.
const precessModule = precess as unknown as {
  position(
    eq: { ra: number; dec: number },
    epochFrom: number,
    epochTo: number,
    mRa: number,
    mDec: number,
  ): { ra: number; dec: number };
};
const apparentModule = apparent as unknown as {
  nutation(raRad: number, decRad: number, jd: number): [number, number];
};

const DEG = Math.PI / 180;
const JD_UNIX_EPOCH = 2440587.5;

/** J2000 catalogue position → true equator and equinox of `unixMs` (no aberration). */
export function referenceJNow(j2000: EquatorialCoord, unixMs: number): EquatorialCoord {
  const jd = JD_UNIX_EPOCH + unixMs / 86_400_000;
  const epochTo = 2000 + (jd - 2451545.0) / 365.25;
  const mean = precessModule.position(
    { ra: j2000.raHours * 15 * DEG, dec: j2000.decDeg * DEG },
    2000,
    epochTo,
    0,
    0,
  );
  // 23.1 diverges at the poles (tan δ): there the few arcseconds of nutation are left out.
  const [dRa, dDec] = Math.abs(mean.dec) < 89.5 * DEG
    ? apparentModule.nutation(mean.ra, mean.dec, jd)
    : [0, 0];
  const raDeg = ((mean.ra + dRa) / DEG % 360 + 360) % 360;
  return { raHours: raDeg / 15, decDeg: (mean.dec + dDec) / DEG };
}

/** The inverse of `referenceJNow`, by fixed-point iteration (converges to 1e-9″ in a few steps). */
export function referenceJ2000(jnow: EquatorialCoord, unixMs: number): EquatorialCoord {
  let guess = { ...jnow };
  for (let i = 0; i < 8; i++) {
    const there = referenceJNow(guess, unixMs);
    let dRa = jnow.raHours - there.raHours;
    dRa -= 24 * Math.round(dRa / 24);
    guess = {
      raHours: ((guess.raHours + dRa) % 24 + 24) % 24,
      decDeg: guess.decDeg + jnow.decDeg - there.decDeg,
    };
  }
  return guess;
}
