/**
 * `start_guiding`, `stop_guiding` and `dither` on the simulated guider: guiding starts and the
 * run stops it (but not guiding someone else started); a guider that cannot start pauses the run
 * and resume retries; a dither follows every N frames but not the last, is skipped with a warning
 * when the guider is not guiding, and costs its measured mean over its period on every frame;
 * its settle is validated field by field.
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { isSimulated } from "../../../devices/sim/faults.ts";
import { testRig } from "../_test_rig.ts";
import { dither } from "./dither.ts";
import { estimateEnv, issuesOf, runProgram, storeProgram } from "./_test_kit.ts";

const SETTLE = { pixels: 1.5, time_s: 1, timeout_s: 30 };
const frames = (count: number) => ({ kind: "capture", exposure_s: 10, count });

Deno.test("start_guiding / stop_guiding: the run stops only the guiding it started", async () => {
  const rig = await testRig();
  try {
    const program = [{ kind: "start_guiding", settle: SETTLE }, frames(1), {
      kind: "stop_guiding",
    }];
    const run = rig.service.run(await storeProgram(rig, program));
    await rig.until(() => rig.hub.device("camera").status().exposure.state === "exposing");
    assertEquals(rig.guider().status().state, "guiding", "guiding during the frame");
    assertEquals(await rig.drive(run), "completed");
    assert(rig.guider().status().state !== "guiding");
    // Guiding started by hand is left alone.
    await rig.drive(rig.hub.device("guider").startGuiding({ pixels: 1.5, timeS: 1, timeoutS: 30 }));
    assertEquals(await runProgram(rig, [frames(1), { kind: "stop_guiding" }]), "completed");
    assertEquals(rig.guider().status().state, "guiding");
  } finally {
    await rig.close();
  }
});

Deno.test("start_guiding: a guider that fails pauses the run; resume retries", async () => {
  const rig = await testRig();
  try {
    const guider = rig.hub.driverObject("guider");
    assert(isSimulated(guider));
    guider.faults.set("startGuiding", "throw");
    const run = rig.service.run(await storeProgram(rig, [{ kind: "start_guiding" }, frames(1)]));
    await rig.until(() => rig.service.status().state === "paused");
    assert(/starting guiding failed/.test(rig.service.status().paused_reason ?? ""));
    guider.faults.set("startGuiding", null);
    rig.service.resume();
    assertEquals(await rig.drive(run), "completed");
    assertEquals(rig.of("sequencer.frame_saved").length, 1);
  } finally {
    await rig.close();
  }
});

Deno.test("dither: after every 2 frames but not the last; skipped when not guiding", async () => {
  const rig = await testRig();
  try {
    const program = [
      { kind: "start_guiding", settle: SETTLE },
      { kind: "dither", every_frames: 2, pixels: 3, settle: SETTLE },
      frames(5),
      { kind: "stop_guiding" },
    ];
    assertEquals(await runProgram(rig, program), "completed");
    assertEquals(rig.guider().dithers, 2, "after frames 2 and 4");
    assertEquals(
      await runProgram(rig, [{ kind: "dither", every_frames: 1 }, frames(2)]),
      "completed",
    );
    const skipped = rig.of("alert").filter((a) =>
      /^Dither skipped: the guider is /.test(a.message)
    );
    assertEquals(skipped.length, 1, "after the first frame only (not after the last)");
    assertEquals(rig.guider().dithers, 2);
  } finally {
    await rig.close();
  }
});

Deno.test("dither: validated field by field; its cost spread over its period", async () => {
  const rig = await testRig();
  try {
    const bad = await issuesOf(rig, {
      name: "x",
      instructions: [{ kind: "dither", every_frames: 0, settle: { pixels: 99 } }, frames(1)],
    });
    assertEquals(bad.map((l) => l.split(": ")[0]).sort(), [
      "body.instructions.0.every_frames",
      "body.instructions.0.settle.pixels",
    ]);
  } finally {
    await rig.close();
  }
  const est = estimateEnv({ dither: 9 });
  const p = { kind: "dither" as const, every_frames: 3, pixels: 5, settle: { ...SETTLE } };
  assertEquals(dither.estimateS!(p, est), 0);
  assertEquals(est.perFrame, [3]);
});
