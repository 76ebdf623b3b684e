/**
 * Three-point polar alignment against analytic truth. Pointings are synthesised by the simulated
 * mount's own error geometry (devices/sim/mount_errors.ts: an axis tilted by rotations of the
 * horizon frame, an implementation independent of the plane fit here) for several axis errors,
 * both hemispheres and many places in the sky; the fit must recover the configured altitude and
 * azimuth error within 1 arcmin (it does to better than 0.01′), name the right knob directions,
 * follow knob turns, and refuse pointings that define no circle.
 */
import assert from "node:assert/strict";
import { parseSimMountErrors } from "../../devices/sim/mount_options.ts";
import { trueHaDec } from "../../devices/sim/mount_errors.ts";
import { ManualClock } from "../../lib/clock.ts";
import { jnowToJ2000 } from "../../lib/astro/precession.ts";
import { lstHours } from "../../lib/astro/time.ts";
import {
  adjustedAxis,
  axisFromPointings,
  earthFixedVector,
  haDecVector,
  polarError,
  trackedPointing,
  type Vec3,
} from "./three_point.ts";

function pointing(
  haHours: number,
  decDeg: number,
  altArcmin: number,
  azArcmin: number,
  lat: number,
) {
  const errors = parseSimMountErrors({
    polarAltErrorArcmin: altArcmin,
    polarAzErrorArcmin: azArcmin,
  });
  const truth = trueHaDec({ haHours, decDeg, pierSide: "east" }, errors, lat);
  return haDecVector(truth.haHours, truth.decDeg);
}

const CASES = [
  { lat: 51.5, alt: 12, az: -18 },
  { lat: 51.5, alt: -45, az: 90 },
  { lat: 35, alt: 3, az: 2 },
  { lat: -33.9, alt: 20, az: 30 },
  { lat: -20, alt: -60, az: -15 },
  { lat: 10, alt: 0.5, az: -120 },
];
const PLACES = [
  { ha: -3, dec: 10, step: 2 },
  { ha: 1, dec: 50, step: 2 },
  { ha: -1, dec: -40, step: -1.5 },
  { ha: 4, dec: 80, step: -2 },
];

Deno.test("three pointings recover the axis error within 1′ anywhere in the sky", () => {
  let maxErrorArcmin = 0;
  for (const c of CASES) {
    for (const p of PLACES) {
      const vectors = [0, 1, 2].map((k) =>
        pointing(p.ha + k * p.step, p.dec, c.alt, c.az, c.lat)
      ) as [Vec3, Vec3, Vec3];
      const error = polarError(axisFromPointings(vectors, c.lat), c.lat);
      const miss = Math.max(
        Math.abs(error.altErrorArcmin - c.alt),
        Math.abs(error.azErrorArcmin - c.az),
      );
      maxErrorArcmin = Math.max(maxErrorArcmin, miss);
      assert.ok(
        miss < 1,
        `lat ${c.lat} ${JSON.stringify(p)}: ${JSON.stringify(error)} vs ${c.alt}, ${c.az}`,
      );
      assert.equal(error.altDirection, c.alt > 0 ? "down" : "up");
      assert.equal(error.azDirection, c.az > 0 ? "left" : "right");
      // On-sky total: the azimuth error shrinks by cos(altitude of the pole).
      const onSky = Math.hypot(c.alt, c.az * Math.cos(Math.abs(c.lat) * Math.PI / 180));
      assert.ok(Math.abs(error.totalErrorArcmin - onSky) < 1, `total ${error.totalErrorArcmin}`);
    }
  }
  assert.ok(maxErrorArcmin < 0.01, `max error ${maxErrorArcmin}′`);
});

Deno.test("knob turns move the axis: the new pointing alone gives the new error", () => {
  for (const c of CASES) {
    const p = PLACES[1]!;
    const vectors = [0, 1, 2].map((k) =>
      pointing(p.ha + k * p.step, p.dec, c.alt, c.az, c.lat)
    ) as [Vec3, Vec3, Vec3];
    let axis = axisFromPointings(vectors, c.lat);
    let before = vectors[2];
    // The user halves the error, then removes it.
    for (const fraction of [0.5, 0]) {
      const after = pointing(p.ha + 2 * p.step, p.dec, c.alt * fraction, c.az * fraction, c.lat);
      axis = adjustedAxis(axis, before, after, c.lat);
      before = after;
      const error = polarError(axis, c.lat);
      assert.ok(
        Math.abs(error.altErrorArcmin - c.alt * fraction) < 0.1,
        `alt ${error.altErrorArcmin}`,
      );
      assert.ok(Math.abs(error.azErrorArcmin - c.az * fraction) < 0.1, `az ${error.azErrorArcmin}`);
    }
  }
});

Deno.test("tracking turns the pointing about the mount's axis, at the sidereal rate", () => {
  const c = CASES[0]!;
  const axis = axisFromPointings(
    [0, 1, 2].map((k) => pointing(k, 30, c.alt, c.az, c.lat)) as [Vec3, Vec3, Vec3],
    c.lat,
  );
  // One sidereal hour later the mount reads 1 h more of hour angle.
  const tracked = trackedPointing(pointing(0, 30, c.alt, c.az, c.lat), axis, 3600 / 1.00273790935);
  const truth = pointing(1, 30, c.alt, c.az, c.lat);
  const missArcsec = Math.acos(Math.min(1, tracked.reduce((s, x, i) => s + x * truth[i]!, 0))) *
    206265;
  assert.ok(missArcsec < 1, `${missArcsec}″`);
});

Deno.test("earthFixedVector: a J2000 position precessed to the pole of date", () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 20, 0, 0));
  const lst = lstHours(clock.now(), 16.4);
  // The pole of date, written in J2000, is the Earth-fixed +z.
  const poleOfDate = jnowToJ2000({ raHours: 0, decDeg: 90 }, clock.now());
  const v = earthFixedVector(poleOfDate, clock.now(), 16.4);
  assert.ok(Math.acos(Math.min(1, v[2])) * 206265 < 0.5, `${v}`);
  const meridian = jnowToJ2000({ raHours: lst, decDeg: 0 }, clock.now());
  const m = earthFixedVector(meridian, clock.now(), 16.4);
  assert.ok(Math.abs(m[0] - 1) < 1e-9);
});

Deno.test("pointings that define no circle are refused", () => {
  const v = haDecVector(1, 20);
  assert.throws(() => axisFromPointings([v, v, haDecVector(1, 20.0000001)], 50), /circle/);
});
