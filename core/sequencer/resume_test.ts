/**
 * Resuming an instruction list inside a loop inside a target, on the simulators: the run is
 * stopped mid-exposure in the second round (the checkpoint is what a kill -9 leaves: only
 * committed frames and cursor moves), the wheel is turned by hand meanwhile, and the resumed
 * run replays the filter of its group before going on — every planned frame exactly once, each
 * with its filter. The checkpoint endpoint shows both the cursor and the old position.
 */
import { assertEquals } from "../../tests/_assert.ts";
import { storeProgram } from "./instructions/_test_kit.ts";
import { testRig } from "./_test_rig.ts";

const PROGRAM = [
  {
    kind: "target",
    name: "A",
    ra: 5.588,
    dec: -5.39,
    instructions: [{
      kind: "loop",
      repeat: 3,
      instructions: [
        { kind: "switch_filter", filter: "R" },
        { kind: "capture", exposure_s: 10, count: 2 },
        { kind: "switch_filter", filter: "G" },
        { kind: "capture", exposure_s: 10, count: 1 },
      ],
    }],
  },
  { kind: "capture", exposure_s: 5, count: 1, frame_type: "dark" },
];

Deno.test("resume inside a loop: the group's filter is replayed, each frame taken once", async () => {
  const rig = await testRig();
  try {
    const dto = await storeProgram(rig, PROGRAM);
    const first = rig.service.run(dto);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 5);
    await rig.until(() => rig.hub.device("camera").status().exposure.state === "exposing");
    await rig.drive(rig.service.stop());
    assertEquals(await first, "interrupted");

    const checkpoint = await rig.service.checkpoint();
    assertEquals(checkpoint.frames_done, 5);
    assertEquals(checkpoint.frames_planned, 10);
    assertEquals(checkpoint.cursor, { at: [0, 0, 3], rounds: [0, 1, 0], done: 0 });
    assertEquals(checkpoint.next, {
      target_index: 0,
      loop_index: 1,
      group_index: 1,
      frame_index: 0,
    });
    assertEquals(checkpoint.done_per_group, [[4, 1], [0]]);

    const wheel = rig.hub.device("filterwheel");
    await wheel.moveTo(3); // B, by hand
    await rig.until(() => wheel.status().position === 3 && !wheel.status().moving);
    assertEquals(await rig.drive(rig.service.run(dto, { resume: true })), "completed");

    const saved = rig.of("sequencer.frame_saved");
    assertEquals(saved.map((f) => f.frame_index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assertEquals(saved.map((f) => f.filter ?? "-").join(""), "RRGRRGRRGG");
    assertEquals(saved.at(-1)?.frame_type, "dark");
    const rows = await rig.db.kysely.selectFrom("frames").select("path")
      .where("sequence_id", "=", dto.id).execute();
    assertEquals(new Set(rows.map((r) => r.path)).size, 10);
    assertEquals(rig.service.status().frame, { n: 10, of: 10 });
  } finally {
    await rig.close();
  }
});
