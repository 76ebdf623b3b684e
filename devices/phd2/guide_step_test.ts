/**
 * GuideStep → the contract's step: every documented field (phd2.md, Events) mapped with its unit,
 * pulses only when sent and in a known direction, defaults where PHD2 leaves a field out, and a
 * step missing a required field refused rather than invented.
 */
import { assertEquals } from "../../tests/_assert.ts";
import { guideStepOf } from "./guide_step.ts";

const AT_MS = Date.UTC(2026, 0, 5, 22);

/** A GuideStep as PHD2 2.6.13 sends it, with both pulses, a star-finder warning and a limit. */
const FULL = {
  Event: "GuideStep",
  Timestamp: 1767650400.123,
  Host: "guidepc",
  Inst: 1,
  Frame: 42,
  Time: 41.87,
  Mount: "On Camera",
  dx: 0.412,
  dy: -0.207,
  RADistanceRaw: 0.316,
  DECDistanceRaw: -0.331,
  RADistanceGuide: 0.221,
  DECDistanceGuide: -0.232,
  RADuration: 64,
  RADirection: "East",
  DECDuration: 71,
  DECDirection: "North",
  StarMass: 5400.5,
  SNR: 27.93,
  HFD: 2.11,
  AvgDist: 0.37,
  ErrorCode: 2,
  RALimited: true,
};

Deno.test("guideStepOf: every field of a full GuideStep", () => {
  assertEquals(guideStepOf(FULL, AT_MS), {
    frame: 42,
    atMs: AT_MS,
    sinceStartS: 41.87,
    raPx: 0.316,
    decPx: -0.331,
    dxPx: 0.412,
    dyPx: -0.207,
    raPulse: { ms: 64, direction: "east" },
    decPulse: { ms: 71, direction: "north" },
    snr: 27.93,
    starMass: 5400.5,
    hfdPx: 2.11,
    errorCode: 2,
    raLimited: true,
    decLimited: false,
  });
});

Deno.test("guideStepOf: no pulse fields, no measurements, no error → nulls and defaults", () => {
  const {
    RADuration: _a,
    RADirection: _b,
    DECDuration: _c,
    DECDirection: _d,
    StarMass: _e,
    SNR: _f,
    HFD: _g,
    ErrorCode: _h,
    RALimited: _i,
    ...bare
  } = FULL;
  const step = guideStepOf(bare, AT_MS)!;
  assertEquals([step.raPulse, step.decPulse, step.snr, step.starMass, step.hfdPx], [
    null,
    null,
    null,
    null,
    null,
  ]);
  assertEquals([step.errorCode, step.raLimited, step.decLimited], [0, false, false]);
  // A zero duration or an unknown direction is no pulse.
  const odd = guideStepOf({ ...FULL, RADuration: 0, DECDirection: "Up" }, AT_MS)!;
  assertEquals([odd.raPulse, odd.decPulse], [null, null]);
  assertEquals(guideStepOf({ ...FULL, DECDirection: "South" }, AT_MS)!.decPulse, {
    ms: 71,
    direction: "south",
  });
});

Deno.test("guideStepOf: a step without a required field is refused", () => {
  for (const key of ["Frame", "Time", "dx", "dy", "RADistanceRaw", "DECDistanceRaw"]) {
    assertEquals(guideStepOf({ ...FULL, [key]: undefined }, AT_MS), null, key);
    assertEquals(guideStepOf({ ...FULL, [key]: "1" }, AT_MS), null, `${key} as text`);
  }
});
