/**
 * The V-curve routine on the simulators: it ends within a few steps of the true best focus,
 * approaches every sample and the final position outward (inward moves overshoot and come back),
 * refuses a curve sampled far from focus and one without stars, and restores the start position.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { afRig } from "./_test_rig.ts";
import { runAutofocus } from "./routine.ts";
import { DEFAULT_AUTOFOCUS_SETTINGS } from "./settings.ts";

const SETTINGS = { ...DEFAULT_AUTOFOCUS_SETTINGS };

Deno.test("routine: ends within a few steps of the simulator's true best focus", async () => {
  const rig = await afRig();
  try {
    const points: number[] = [];
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        SETTINGS,
        new AbortController().signal,
        (p) => points.push(p.positionSteps),
      ),
    );
    assert(outcome.ok, outcome.reason ?? "");
    assertEquals(points, Array.from({ length: 9 }, (_, i) => 24_600 + i * 100));
    const truth = await rig.trueBest();
    assertAlmostEquals(outcome.finalPositionSteps, truth, 10, `truth ${truth}`);
    assert(outcome.fit!.rSquared > 0.9, `R² ${outcome.fit!.rSquared}`);
    assert(outcome.finalHfrPx! < outcome.startHfrPx!, "focus improved");
    assertEquals(outcome.exposures, 10);
  } finally {
    await rig.close();
  }
});

Deno.test("routine: every position is reached moving outward; inward moves overshoot first", async () => {
  const rig = await afRig({ bestPosition: 24_820 });
  try {
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        SETTINGS,
        new AbortController().signal,
      ),
    );
    assert(outcome.ok, outcome.reason ?? "");
    // legs: overshoot 24500, 24600 (first point), the 8 other points, overshoot, final.
    const legs = outcome.legs;
    assertEquals(legs.slice(0, 2), [24_500, 24_600]);
    const best = Math.round(outcome.fit!.bestPositionSteps);
    assertEquals(legs.slice(-2), [best - 100, best]);
    assertEquals(rig.hub.device("focuser").status().position, best);
    assertAlmostEquals(best, await rig.trueBest(), 15);
    // Never a final approach inward: each commanded target after an overshoot is above it.
    for (let i = 1; i < legs.length; i++) {
      if (legs[i]! < legs[i - 1]!) assertEquals(legs[i + 1], legs[i]! + 100);
    }
  } finally {
    await rig.close();
  }
});

Deno.test("routine: far out of focus the curve is refused and the start position restored", async () => {
  const rig = await afRig({ bestPosition: 32_000 });
  try {
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        SETTINGS,
        new AbortController().signal,
      ),
    );
    assertEquals(outcome.ok, false);
    assert(
      /outside the sampled range|poor fit|no minimum|points had enough stars/.test(outcome.reason!),
      outcome.reason!,
    );
    assertEquals(outcome.finalPositionSteps, 25_000);
    assertEquals(rig.hub.device("focuser").status().position, 25_000);
  } finally {
    await rig.close();
  }
});

Deno.test("routine: no stars (dark frames) skips every point with a reason and restores", async () => {
  const rig = await afRig();
  try {
    const reasons: (string | null)[] = [];
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        // So short an exposure that no star clears the detection threshold.
        { ...SETTINGS, exposureS: 0, retriesPerPoint: 1 },
        new AbortController().signal,
        (p) => reasons.push(p.skippedReason),
      ),
    );
    assertEquals(outcome.ok, false);
    assert(/points had enough stars/.test(outcome.reason!), outcome.reason!);
    assertEquals(reasons.length, 9);
    assert(reasons.every((r) => r !== null && /fewer than 5 stars in 2 frame/.test(r)));
    assertEquals(outcome.exposures, 18);
    assertEquals(rig.hub.device("focuser").status().position, 25_000);
  } finally {
    await rig.close();
  }
});

Deno.test("routine: an abort stops the run and still restores the start position", async () => {
  const rig = await afRig();
  try {
    const abort = new AbortController();
    const run = runAutofocus(
      { hub: rig.hub, clock: rig.clock, runner: null },
      SETTINGS,
      abort.signal,
      (p) => {
        if (p.index === 2) abort.abort(new Error("stop"));
      },
    );
    const outcome = await rig.drive(run);
    assertEquals(outcome.ok, false);
    assertEquals(outcome.reason, "aborted");
    assertEquals(rig.hub.device("focuser").status().position, 25_000);
  } finally {
    await rig.close();
  }
});

Deno.test("routine: a one-sided curve (minimum beyond the sweep) is refused and restored", async () => {
  // Sweep 24800..25200 in 50-step strides; best focus 250 steps beyond its outer end.
  const rig = await afRig({ bestPosition: 25_450 });
  try {
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        { ...SETTINGS, stepSizeSteps: 50 },
        new AbortController().signal,
      ),
    );
    assertEquals(outcome.ok, false);
    assert(/outside the sampled range/.test(outcome.reason!), outcome.reason!);
    assertEquals(outcome.points.filter((p) => p.hfrPx !== null).length, 9);
    assertEquals(rig.hub.device("focuser").status().position, 25_000);
  } finally {
    await rig.close();
  }
});

Deno.test("routine: focusing through a filter centres the sweep on its focus offset", async () => {
  const rig = await afRig();
  try {
    const points: number[] = [];
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        { ...SETTINGS, filter: "ha" },
        new AbortController().signal,
        (p) => points.push(p.positionSteps),
      ),
    );
    assert(outcome.ok, outcome.reason ?? "");
    // The wheel starts on L (offset 0); Ha is 40 steps further out.
    assertEquals(rig.hub.device("filterwheel").status().position, 4);
    assertEquals(points[0], 24_640);
    assertEquals(points[8], 25_440);
    assertAlmostEquals(outcome.finalPositionSteps, await rig.trueBest(), 10);
  } finally {
    await rig.close();
  }
});

Deno.test("routine: an unknown filter is refused before the focuser moves", async () => {
  const rig = await afRig();
  try {
    const outcome = await rig.drive(
      runAutofocus(
        { hub: rig.hub, clock: rig.clock, runner: null },
        { ...SETTINGS, filter: "Y" },
        new AbortController().signal,
      ),
    );
    assertEquals(outcome.ok, false);
    assertEquals(outcome.reason, 'no filter named "Y" in the wheel');
    assertEquals(outcome.exposures, 0);
    assertEquals(rig.hub.device("focuser").status().position, 25_000);
  } finally {
    await rig.close();
  }
});
