/**
 * Pier side and time to flip. There is no published table for these, so the checks follow from
 * the definitions: ASCOM SideOfPier (pierEast = looking west, for hour angle ≥ 0; the INDI
 * Celestron driver's `hourAngle <= 0 ? PIER_WEST : PIER_EAST` agrees away from HA 0) and the
 * sidereal rate of 15.0411″/s, with each expected value worked out in the test.
 */
import assert from "node:assert/strict";
import {
  hourAngleRateHoursPerS,
  pierSideForHourAngle,
  timeToFlipS,
  TRACKING_RATE_ARCSEC_PER_S,
} from "./meridian.ts";
import { SIDEREAL_RATE_ARCSEC_PER_S } from "./time.ts";

/** Seconds a sidereally tracking mount takes to move through `hours` of hour angle. */
function siderealSecondsFor(hours: number): number {
  return hours * 54_000 / SIDEREAL_RATE_ARCSEC_PER_S;
}

Deno.test("pier side follows the hour angle (ASCOM convention)", () => {
  const cases: [number, "east" | "west"][] = [
    [-11.9, "west"],
    [-6, "west"],
    [-0.001, "west"],
    [0, "east"],
    [0.001, "east"],
    [6, "east"],
    [11.99, "east"],
    [-12, "west"],
    // Hour angles outside [-12, 12) wrap first: 13 h is −11 h, rising.
    [13, "west"],
    [-13, "east"],
  ];
  for (const [haHours, side] of cases) {
    assert.equal(pierSideForHourAngle(haHours), side, `HA ${haHours} h`);
  }
  assert.throws(() => pierSideForHourAngle(Number.NaN), RangeError);
});

Deno.test("time to flip on the west side runs to the flip limit past the meridian", () => {
  // One hour east of the meridian with a 5° (20 min) limit: 1 h 20 min of hour angle to go.
  const flipS = timeToFlipS({ haHours: -1, pierSide: "west", tracking: "sidereal" });
  const expectedS = siderealSecondsFor(1 + 5 / 15);
  assert.ok(Math.abs(flipS! - expectedS) < 1e-9, `${flipS} vs ${expectedS}`);
  assert.ok(Math.abs(expectedS - 4786.9) < 0.1, "4800 s less the sidereal gain of 13 s");
  // Past the limit the flip is due now, not a day away.
  assert.equal(timeToFlipS({ haHours: 0.5, pierSide: "west", tracking: "sidereal" }), 0);
  const custom = timeToFlipS({
    haHours: 0,
    pierSide: "west",
    tracking: "sidereal",
    flipLimitDeg: 15,
  });
  assert.ok(Math.abs(custom! - siderealSecondsFor(1)) < 1e-9);
});

Deno.test("time to flip on the east side runs to the lower meridian plus the limit", () => {
  const flipS = timeToFlipS({ haHours: 1, pierSide: "east", tracking: "sidereal" });
  assert.ok(Math.abs(flipS! - siderealSecondsFor(12 + 5 / 15 - 1)) < 1e-9);
  // Just east of the meridian but already on the east side (counterweight up): still 12 h away.
  const early = timeToFlipS({ haHours: -0.1, pierSide: "east", tracking: "sidereal" });
  assert.ok(Math.abs(early! - siderealSecondsFor(12 + 5 / 15 + 0.1)) < 1e-9);
});

Deno.test("time to flip scales with the tracking rate and is null when it cannot apply", () => {
  const lunar = timeToFlipS({ haHours: -1, pierSide: "west", tracking: "lunar" });
  assert.ok(Math.abs(lunar! - (1 + 5 / 15) * 54_000 / TRACKING_RATE_ARCSEC_PER_S.lunar) < 1e-9);
  assert.ok(lunar! > timeToFlipS({ haHours: -1, pierSide: "west", tracking: "sidereal" })!);
  assert.equal(timeToFlipS({ haHours: -1, pierSide: "west", tracking: "off" }), null);
  assert.equal(timeToFlipS({ haHours: -1, pierSide: "unknown", tracking: "sidereal" }), null);
  assert.equal(hourAngleRateHoursPerS("off"), 0);
  assert.throws(
    () => timeToFlipS({ haHours: 0, pierSide: "west", tracking: "sidereal", flipLimitDeg: -1 }),
    /flipLimitDeg/,
  );
  assert.throws(
    () => timeToFlipS({ haHours: Number.NaN, pierSide: "west", tracking: "sidereal" }),
    RangeError,
  );
});
