/**
 * `autofocus` and `autofocus_trigger` with an autofocus hook on the simulated rig: an explicit
 * autofocus runs once; without a routine, or when it fails, a warning says so and the frames go
 * on; a trigger refocuses every N frames and when the frames' HFR rises (measured after the
 * last focus), and spreads the focusing time measured so far over each frame in its estimate.
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { testRig } from "../_test_rig.ts";
import { autofocusTrigger } from "./autofocus_trigger.ts";
import { estimateEnv, runProgram } from "./_test_kit.ts";
import type { TaskRunner } from "../../frames/frame_figures.ts";
import type { FrameAnalysis } from "../../imaging/stars/types.ts";

const frames = (count: number) => ({ kind: "capture", exposure_s: 10, count });

/** A star analysis of 50 stars at `hfrPx`. */
function analysisWith(hfrPx: number): FrameAnalysis {
  return {
    widthPx: 64,
    heightPx: 64,
    stars: [],
    starCount: 50,
    medianHfrPx: hfrPx,
    medianFwhmPx: hfrPx * 2,
    medianHfrArcsec: null,
    medianFwhmArcsec: null,
    medianEccentricity: 0.2,
    backgroundAdu: 1000,
    noiseAdu: 10,
    rejected: { hotPixels: 0, cosmicRays: 0, saturated: 0, edge: 0 },
    elapsedMs: 1,
  };
}

Deno.test("autofocus: runs the routine once; without one, or failing, it warns and goes on", async () => {
  let runs = 0;
  const rig = await testRig({ autofocus: () => Promise.resolve(void runs++) });
  try {
    assertEquals(await runProgram(rig, [{ kind: "autofocus" }, frames(1)]), "completed");
    assertEquals(runs, 1);
  } finally {
    await rig.close();
  }
  const without = await testRig();
  try {
    assertEquals(await runProgram(without, [{ kind: "autofocus" }, frames(1)]), "completed");
    const alert = without.of("alert").find((a) => /autofocus/.test(a.message));
    assertEquals(alert?.message, "autofocus requested but not available");
  } finally {
    await without.close();
  }
  const failing = await testRig({ autofocus: () => Promise.reject(new Error("no stars")) });
  try {
    assertEquals(await runProgram(failing, [{ kind: "autofocus" }, frames(1)]), "completed");
    const alert = failing.of("alert").find((a) => /Autofocus failed/.test(a.message));
    assertEquals(alert?.message, "Autofocus failed: no stars; continuing");
    assertEquals(failing.of("sequencer.frame_saved").length, 1);
  } finally {
    await failing.close();
  }
});

Deno.test("autofocus_trigger: every N frames, and when the HFR rises past the limit", async () => {
  const focusedAt: number[] = [];
  let hfr = 2;
  let before = 0;
  // The frame sink's analysis reports a rising HFR: the trigger is under test, not the analysis.
  const risingHfr: TaskRunner = {
    run: <T>(task: string) => {
      assertEquals(task, "analyzeFrame");
      return Promise.resolve(analysisWith(hfr += 0.3) as T);
    },
  };
  const rig = await testRig(
    {
      autofocus: () =>
        Promise.resolve(void focusedAt.push(rig.of("sequencer.frame_saved").length - before)),
    },
    {},
    undefined,
    risingHfr,
  );
  try {
    assertEquals(
      await runProgram(rig, [{ kind: "autofocus_trigger", every_frames: 3 }, frames(7)]),
      "completed",
    );
    assertEquals(focusedAt, [3, 6], "before frames 4 and 7");
    focusedAt.length = 0;
    before = 7;
    hfr = 2;
    // HFR 2.3, 2.6, 2.9 …: 20 % over the first frame after a focus is reached at the 3rd.
    assertEquals(
      await runProgram(rig, [{ kind: "autofocus_trigger", hfr_rise_pct: 20 }, frames(5)]),
      "completed",
    );
    assertEquals(focusedAt, [3], "the rise from 2.3 to 2.9 px");
    assert(rig.of("sequencer.frame_saved").every((f) => f.hfr !== null));
  } finally {
    await rig.close();
  }
});

Deno.test("autofocus_trigger: focusing time so far is spread over every frame", () => {
  const p = {
    kind: "autofocus_trigger" as const,
    at_start: true,
    on_filter_change: false,
    every_frames: null,
    every_minutes: null,
    temperature_change_c: null,
    hfr_rise_pct: null,
  };
  const none = estimateEnv();
  autofocusTrigger.estimateS!(p, none);
  assertEquals(none.perFrame, [0], "nothing measured yet");
  const est = estimateEnv({ autofocus: 120 }, { framesThisRun: 4 });
  assertEquals(autofocusTrigger.estimateS!(p, est), 0);
  assertEquals(est.perFrame, [30]);
});
