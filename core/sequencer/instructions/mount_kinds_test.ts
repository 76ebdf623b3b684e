/**
 * The kinds that move the mount and the rotator, on the simulators: `unpark`, `slew` (to the
 * enclosing target, stopping this run's guiding first), `rotate`, `park` (a failure is an alert
 * and the steps after it still run), `center` (without a solver it says so and images anyway)
 * and `meridian_flip` (only light frames wait for the flip). Each is estimated by its measured
 * mean.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../../tests/_assert.ts";
import { isSimulated } from "../../../devices/sim/faults.ts";
import { lstHours } from "../../../lib/astro/time.ts";
import { testRig } from "../_test_rig.ts";
import { center } from "./center.ts";
import { park } from "./park.ts";
import { rotate } from "./rotate.ts";
import { slew } from "./slew.ts";
import { unpark } from "./unpark.ts";
import { estimateEnv, runProgram, storeProgram } from "./_test_kit.ts";

const MOUNT = { mount: { driver: "sim", options: { slewRateDegPerS: 10 } } };
const ROTATOR = { rotator: { driver: "sim", options: { speedDegPerS: 30 } } };
const ONE = { kind: "capture", exposure_s: 10, count: 1 };
const M81 = { kind: "target", name: "M 81", ra: 9.926, dec: 69.07 };

Deno.test("mount kinds: each is estimated by the mean measured for it", () => {
  const est = estimateEnv({ unpark: 5, slew: 40, rotate: 12, park: 30, center: 25 });
  assertEquals(unpark.estimateS!({ kind: "unpark" }, est), 5);
  assertEquals(slew.estimateS!({ kind: "slew" }, est), 40);
  assertEquals(rotate.estimateS!({ kind: "rotate", rotation_deg: 90 }, est), 12);
  assertEquals(park.estimateS!({ kind: "park" }, est), 30);
  assertEquals(center.estimateS!({ kind: "center" }, est), 25);
  assertEquals(slew.estimateS!({ kind: "slew" }, estimateEnv()), 0, "never measured: zero");
});

Deno.test("unpark, slew to the target, rotate, image, park", async () => {
  const rig = await testRig({}, { ...MOUNT, ...ROTATOR });
  try {
    const mount = rig.hub.device("mount");
    await mount.park();
    await rig.until(() => mount.status().parked);
    const program = [
      { kind: "unpark" },
      { ...M81, instructions: [{ kind: "slew" }, { kind: "rotate", rotation_deg: 45 }, ONE] },
      { kind: "park" },
    ];
    const run = rig.service.run(await storeProgram(rig, program));
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    assertEquals(mount.status().parked, false, "unparked for the frame");
    assertEquals(await rig.drive(run, 6 * 3_600_000), "completed");
    assertEquals(mount.status().parked, true);
    assertAlmostEquals(rig.hub.device("rotator").status().positionDeg, 45, 0.5);
    const saved = rig.of("sequencer.frame_saved");
    assertEquals(saved.map((f) => f.object), ["M 81"]);
  } finally {
    await rig.close();
  }
});

Deno.test("slew: guiding this run started is stopped before the mount moves", async () => {
  const rig = await testRig({}, MOUNT);
  try {
    await rig.hub.device("mount").unpark();
    const program = [{ kind: "start_guiding" }, { ...M81, instructions: [{ kind: "slew" }, ONE] }];
    assertEquals(await runProgram(rig, program, 3_600_000), "completed");
    assert(rig.guider().status().state !== "guiding", rig.guider().status().state);
  } finally {
    await rig.close();
  }
});

Deno.test("park: a failure is an alert and the run goes on to its end", async () => {
  const rig = await testRig({}, MOUNT);
  try {
    const mount = rig.hub.driverObject("mount");
    assert(isSimulated(mount));
    await rig.hub.device("mount").unpark();
    mount.faults.set("park", "throw");
    assertEquals(await runProgram(rig, [{ kind: "park" }, ONE]), "completed");
    const alert = rig.of("alert").find((a) => /^Parking the mount failed: /.test(a.message));
    assert(alert?.level === "error", JSON.stringify(alert));
    assertEquals(rig.of("sequencer.frame_saved").length, 1);
  } finally {
    await rig.close();
  }
});

Deno.test("center: without a plate solver it says so and images where the mount points", async () => {
  const rig = await testRig();
  try {
    const program = [{ ...M81, instructions: [{ kind: "center" }, ONE] }];
    assertEquals(await runProgram(rig, program), "completed");
    const alert = rig.of("alert").find((a) => /no plate solver is available/.test(a.message));
    assertEquals(alert?.message, "Centring on M 81 was requested but no plate solver is available");
    assertEquals(rig.of("sequencer.frame_saved").length, 1);
  } finally {
    await rig.close();
  }
});

Deno.test("meridian_flip: dark frames across the meridian do not wait for a flip", async () => {
  const rig = await testRig({}, {
    mount: { driver: "sim", options: { slewRateDegPerS: 5, flipLimitDeg: 0 } },
  });
  try {
    await rig.hub.device("mount").unpark();
    const raHours = (lstHours(rig.clock.now(), -0.0005) + 0.02) % 24;
    const program = [
      { kind: "meridian_flip", minutes_after: 0, settle_s: 0 },
      {
        kind: "target",
        name: "near meridian",
        ra: raHours,
        dec: 30,
        instructions: [{ kind: "slew" }, {
          kind: "capture",
          exposure_s: 60,
          count: 3,
          frame_type: "dark",
        }],
      },
    ];
    assertEquals(await runProgram(rig, program, 3_600_000), "completed");
    assertEquals(rig.of("alert").filter((a) => /[Mm]eridian flip/.test(a.message)), []);
    assertEquals(rig.of("sequencer.frame_saved").length, 3);
  } finally {
    await rig.close();
  }
});
