/**
 * `cool_down` and `warm_up` on the simulated camera: a camera without a cooler is refused where
 * the user asked for cooling (an instruction, or `options.cool_down`); cooling waits for the
 * sensor, a cooler too slow for the timeout is a warning and the frames are taken anyway; the
 * warm-up switches the cooler off; both are estimated by their measured means.
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { testRig } from "../_test_rig.ts";
import { coolDown } from "./cool_down.ts";
import { warmUp } from "./warm_up.ts";
import { estimateEnv, issuesOf, runProgram, storeProgram } from "./_test_kit.ts";

const NO_COOLER = {
  camera: {
    driver: "sim",
    options: { widthPx: 64, heightPx: 48, readoutMs: 100, sky: "random", hasCooler: false },
  },
};
const ONE = { kind: "capture", exposure_s: 10, count: 1 };

Deno.test("cool_down: a camera without a cooler is refused where cooling was asked", async () => {
  const rig = await testRig({}, NO_COOLER);
  try {
    assertEquals(
      await issuesOf(rig, { name: "x", instructions: [{ kind: "cool_down", target_c: -10 }, ONE] }),
      ["body.instructions.0: this camera has no cooler"],
    );
    const targets = {
      name: "x",
      targets: [{ name: "A", ra: 1, dec: 2, groups: [{ exposure_s: 1, count: 1 }] }],
      options: { slew: false, cool_down: { target_c: -10 } },
    };
    assertEquals(await issuesOf(rig, targets), [
      "body.options.cool_down: this camera has no cooler",
    ]);
  } finally {
    await rig.close();
  }
});

Deno.test("cool_down and warm_up: estimated by what they took so far", () => {
  const est = estimateEnv({ cool_down: 300, warm_up: 200 });
  assertEquals(coolDown.estimateS!({ kind: "cool_down", target_c: -10, timeout_s: 600 }, est), 300);
  assertEquals(warmUp.estimateS!({ kind: "warm_up", target_c: 15, timeout_s: 600 }, est), 200);
});

Deno.test("cool_down waits for the sensor; warm_up switches the cooler off", async () => {
  const rig = await testRig();
  try {
    const program = [
      { kind: "cool_down", target_c: -5, timeout_s: 1800 },
      ONE,
      { kind: "warm_up", target_c: 10, timeout_s: 1800 },
    ];
    assertEquals(await runProgram(rig, program, 4 * 3_600_000), "completed");
    const frame = rig.of("sequencer.frame_saved")[0]!;
    assert(frame.sensor_temp_c !== null && frame.sensor_temp_c <= -4, `${frame.sensor_temp_c}`);
    const cooler = rig.hub.device("camera").status().cooler;
    assertEquals(cooler.enabled, false);
    assert((cooler.tempC ?? -99) >= 9, `${cooler.tempC}`);
  } finally {
    await rig.close();
  }
});

Deno.test("cool_down: a cooler too slow for the timeout is a warning, not a stop", async () => {
  const rig = await testRig();
  try {
    const program = [{ kind: "cool_down", target_c: -30, timeout_s: 5 }, ONE];
    assertEquals(await runProgram(rig, program), "completed");
    const warning = rig.of("alert").find((a) => /did not reach -30 °C within 5 s/.test(a.message));
    assertEquals(warning?.level, "warning");
    assertEquals(rig.of("sequencer.frame_saved").length, 1);
  } finally {
    await rig.close();
  }
});

Deno.test("cool_down and warm_up with a rate ramp through the box's cooler service, step by step", async () => {
  const rig = await testRig();
  try {
    // The camera's set point at each change of the ramp (a step, or its end).
    const setpoints: number[] = [];
    rig.cooler.onChange(() => {
      const t = rig.hub.device("camera").status().cooler.targetC;
      if (t !== null && t !== setpoints.at(-1)) setpoints.push(t);
    });
    const program = [
      { kind: "cool_down", target_c: -5, timeout_s: 1800, ramp_c_per_min: 3 },
      ONE,
      { kind: "warm_up", target_c: 10, timeout_s: 1800, ramp_c_per_min: 6 },
    ];
    assertEquals(await runProgram(rig, program, 4 * 3_600_000), "completed");
    // 3 °C/min in the service's 10 s steps: 0.5 °C a step from the sensor's 15 °C down to -5.
    const cooling = setpoints.filter((t, i) => i === 0 || t < setpoints[i - 1]!);
    assertEquals(cooling.slice(0, 3), [14.5, 14, 13.5]);
    assertEquals(cooling.at(-1), -5);
    const warming = setpoints.slice(setpoints.indexOf(-5) + 1);
    assert(warming.length > 5 && warming.every((t, i) => i === 0 || t > warming[i - 1]!));
    assert(warming.every((t, i) => i === 0 || t - warming[i - 1]! <= 1.0001), `${warming}`);
    const frame = rig.of("sequencer.frame_saved")[0]!;
    assert(frame.sensor_temp_c !== null && frame.sensor_temp_c <= -4, `${frame.sensor_temp_c}`);
    const cooler = rig.hub.device("camera").status().cooler;
    assertEquals(cooler.enabled, false);
    assert((cooler.tempC ?? -99) >= 9, `${cooler.tempC}`);
    assertEquals(rig.cooler.ramp(), null);
  } finally {
    await rig.close();
  }
});

Deno.test("a cooler request from the phone ends a sequence's cool_down ramp: one ramp at a time", async () => {
  const rig = await testRig();
  try {
    const program = [
      { kind: "cool_down", target_c: -20, timeout_s: 120, ramp_c_per_min: 3 },
      ONE,
    ];
    const dto = await storeProgram(rig, program);
    const run = rig.service.run(dto);
    await rig.until(() => rig.cooler.ramp() !== null && rig.cooler.ramp()!.setpoint_c <= 13);
    await rig.cooler.set({ enabled: true, targetC: 0 }); // what POST /camera/cooler does
    assertEquals(rig.cooler.ramp(), null);
    assertEquals(await rig.drive(run), "completed");
    assertEquals(rig.hub.device("camera").status().cooler.targetC, 0, "no sequence step after");
    const warning = rig.of("alert").find((a) =>
      /did not reach -20 °C within 120 s/.test(a.message)
    );
    assertEquals(warning?.level, "warning");
    assertEquals(rig.of("sequencer.frame_saved").length, 1);
  } finally {
    await rig.close();
  }
});
