/**
 * The meridian flip on the simulated German mount and a ManualClock: a target just east of the
 * meridian is imaged until the flip is due, the sequencer waits for the flip time, re-slews so
 * the pier side changes, and finishes the plan with every frame exactly once.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { lstHours } from "../../lib/astro/time.ts";
import type { SequenceInput } from "../schemas/sequence.ts";
import { testRig } from "./_test_rig.ts";

Deno.test("engine: a meridian flip mid-sequence changes the pier side and loses no frame", async () => {
  const rig = await testRig({}, {
    mount: { driver: "sim", options: { slewRateDegPerS: 5, flipLimitDeg: 0 } },
  });
  try {
    const mount = rig.hub.device("mount");
    await mount.unpark();
    // Three minutes of hour angle east of the meridian: the flip falls due during the plan.
    const raHours = (lstHours(rig.clock.now(), -0.0005) + 0.05) % 24;
    const input: SequenceInput = {
      name: "across the meridian",
      targets: [{
        name: "near meridian",
        ra: raHours,
        dec: 30,
        groups: [{ filter: "L", exposure_s: 60, count: 6 }],
      }],
      options: { slew: true, meridian_flip: { enabled: true, minutes_after: 0, settle_s: 0 } },
    };
    const dto = await rig.service.sequences.create(await rig.service.validate(input));
    const run = rig.service.run(dto);
    await rig.until(() => rig.of("sequencer.frame_saved").length >= 1, 600_000);
    const sideBefore = mount.status().pierSide;
    assertEquals(await rig.drive(run, 3 * 3_600_000), "completed");
    const after = mount.status().pierSide;
    assert(sideBefore !== after, `pier side ${sideBefore} → ${after}`);
    const flip = rig.of("alert").find((a) => /Meridian flip done/.test(a.message));
    assert(flip, "the flip is announced");
    const saved = rig.of("sequencer.frame_saved").map((f) => f.frame_index);
    assertEquals(saved, [0, 1, 2, 3, 4, 5]);
  } finally {
    await rig.close();
  }
});
