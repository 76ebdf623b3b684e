/**
 * `capture` on the simulated rig: its schema names a misspelt or missing field, its rig check
 * names the field outside the camera's range (nested in a target), its estimate counts what is
 * left of the group with the download and the triggers' cost per frame, and its run takes the
 * frames with the target's name as OBJECT (outside a target a calibration frame is named by its
 * type), announcing the step and each frame.
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { testRig } from "../_test_rig.ts";
import { capture } from "./capture.ts";
import { estimateEnv, issuesOf, runProgram } from "./_test_kit.ts";

const M42 = { kind: "target", name: "M 42", ra: 5.588, dec: -5.39 };

Deno.test("capture: validation names the field, in a nested list too", async () => {
  const rig = await testRig();
  try {
    const typo = await issuesOf(rig, {
      name: "typo",
      instructions: [{ kind: "capture", exposure: 5, count: 0 }],
    });
    const fields = typo.map((line) => line.split(": ")[0]);
    assertEquals(fields.sort(), [
      "body.instructions.0",
      "body.instructions.0.count",
      "body.instructions.0.exposure_s",
    ]);
    assert(typo.some((l) => /Unrecognized key.*"exposure"/.test(l)), typo.join("\n"));
    assert(typo.some((l) => /count: must be at least 1 frame/.test(l)), typo.join("\n"));
    const gain = await issuesOf(rig, {
      name: "gain",
      instructions: [{
        ...M42,
        instructions: [{ kind: "capture", exposure_s: 1, count: 1, gain: 900 }],
      }],
    });
    assertEquals(gain.length, 1);
    assert(
      /^body\.instructions\.0\.instructions\.0\.gain: 900 is outside this camera's 0\.\.\d+$/
        .test(gain[0]!),
      gain[0],
    );
  } finally {
    await rig.close();
  }
});

Deno.test("capture: the estimate is what is left of the group, frame by frame", () => {
  const p = {
    kind: "capture" as const,
    exposure_s: 10,
    count: 3,
    binning: 1,
    frame_type: "light" as const,
  };
  assertEquals(capture.estimateS!(p, estimateEnv()), 30);
  // One frame done, 0.5 s download measured, triggers adding 2 s a frame.
  assertEquals(
    capture.estimateS!(p, estimateEnv({ download: 0.5 }, { progress: 1, perFrame: [2] })),
    25,
  );
  assertEquals(capture.frames!(p), 3);
});

Deno.test("capture: frames carry the target's name; step and frames are announced", async () => {
  const rig = await testRig();
  try {
    const outcome = await runProgram(rig, [
      { ...M42, instructions: [{ kind: "capture", exposure_s: 5, count: 2 }] },
      { kind: "capture", exposure_s: 0, count: 1, frame_type: "bias" },
    ]);
    assertEquals(outcome, "completed");
    const saved = rig.of("sequencer.frame_saved");
    assertEquals(saved.map((f) => [f.frame_index, f.object, f.frame_type]), [
      [0, "M 42", "light"],
      [1, "M 42", "light"],
      [2, "bias", "bias"], // no target: a calibration frame is named by its type
    ]);
    const shortestS = rig.hub.device("camera").capabilities.exposureMinS;
    assertEquals(saved[2]!.duration_s, shortestS, "a bias is the camera's shortest exposure");
    assertEquals(rig.of("sequencer.step_changed").map((s) => [s.step, s.description]), [
      [0, "M 42: 2 × 5 s L"],
      [1, "1 × 0 s L"],
    ]);
    assertEquals(rig.service.status().frame, { n: 3, of: 3 });
  } finally {
    await rig.close();
  }
});
