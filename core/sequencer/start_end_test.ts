/**
 * The start and end of a run on the simulators and a ManualClock: cool down before the first
 * frame (and the frames record the cold sensor), warm up and switch the cooler off at the end,
 * park the mount; the rotator turns to the target's position angle.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import type { SequenceInput } from "../schemas/sequence.ts";
import { testRig } from "./_test_rig.ts";

Deno.test("engine: cool down, rotate, image, warm up, park", async () => {
  const rig = await testRig({}, {
    mount: { driver: "sim", options: { slewRateDegPerS: 10 } },
    rotator: { driver: "sim", options: { speedDegPerS: 30 } },
  });
  try {
    await rig.hub.device("mount").unpark();
    const input: SequenceInput = {
      name: "cold and parked",
      targets: [{
        name: "M 81",
        ra: 9.926,
        dec: 69.07,
        rotation_deg: 90,
        groups: [{ filter: "L", exposure_s: 30, count: 2 }],
      }],
      options: {
        slew: true,
        cool_down: { target_c: -10, timeout_s: 900 },
        warm_up: { target_c: 10, timeout_s: 900 },
        park_at_end: true,
      },
    };
    const dto = await rig.service.sequences.create(await rig.service.validate(input));
    assertEquals(await rig.drive(rig.service.run(dto), 6 * 3_600_000), "completed");
    const saved = rig.of("sequencer.frame_saved");
    assertEquals(saved.length, 2);
    for (const frame of saved) {
      assert(
        frame.sensor_temp_c !== null && frame.sensor_temp_c <= -9,
        `cold: ${frame.sensor_temp_c}`,
      );
    }
    const camera = rig.hub.device("camera").status().cooler;
    assertEquals(camera.enabled, false, "the cooler is off after the warm-up");
    assert((camera.tempC ?? -99) >= 9, `warmed: ${camera.tempC}`);
    assertEquals(rig.hub.device("mount").status().parked, true);
    assertAlmostEquals(rig.hub.device("rotator").status().positionDeg, 90, 0.5);
  } finally {
    await rig.close();
  }
});
