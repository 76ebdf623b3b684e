/**
 * The sequencer engine on a ManualClock with simulators: several filters with dithers and
 * autofocus triggers give exactly the planned frames and the right events; pause waits for the
 * exposure, resume continues, abort stops the exposure and discards the rest; a failing device
 * pauses the run and resume retakes the frame; the ETA follows the plan; validation lists every
 * problem at once.
 */
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { AppError } from "../../lib/errors.ts";
import type { SequenceInput } from "../schemas/sequence.ts";
import { isSimulated } from "../../devices/sim/faults.ts";
import { type TestRig, testRig } from "./_test_rig.ts";

async function stored(rig: TestRig, input: SequenceInput) {
  return await rig.service.sequences.create(await rig.service.validate(input));
}

async function rows(rig: TestRig, sequenceId: string) {
  return await rig.db.kysely.selectFrom("frames").selectAll().where("sequence_id", "=", sequenceId)
    .orderBy("started_at").execute();
}

const LRHA: SequenceInput = {
  name: "LRHa",
  targets: [{
    name: "M 42",
    ra: 5.588,
    dec: -5.39,
    groups: [
      { filter: "L", exposure_s: 2, count: 2 },
      { filter: "R", exposure_s: 2, count: 2 },
      { filter: "Ha", exposure_s: 5, count: 2 },
    ],
  }],
  options: {
    slew: false,
    guiding: { enabled: true, settle: { pixels: 1.5, time_s: 1, timeout_s: 30 } },
    dither: { every_frames: 2, pixels: 3, settle: { pixels: 1.5, time_s: 1, timeout_s: 30 } },
    autofocus: { at_start: true, on_filter_change: true, every_frames: 3 },
  },
};

Deno.test("engine: 3 filters with dithers and autofocus complete with exactly the plan", async () => {
  let focusRuns = 0;
  const rig = await testRig({ autofocus: () => Promise.resolve(void focusRuns++) });
  try {
    const focuserStart = rig.hub.device("focuser").status().position;
    const dto = await stored(rig, LRHA);
    assertEquals(await rig.drive(rig.service.run(dto)), "completed");
    const saved = rig.of("sequencer.frame_saved");
    assertEquals(saved.map((f) => f.frame_index), [0, 1, 2, 3, 4, 5]);
    assertEquals(saved.map((f) => f.filter), ["L", "L", "R", "R", "Ha", "Ha"]);
    assertEquals(saved.map((f) => f.hfr), [null, null, null, null, null, null]);
    const steps = rig.of("sequencer.step_changed");
    assertEquals(steps.map((s) => [s.step, s.filter]), [[0, "L"], [1, "R"], [2, "Ha"]]);
    const db = await rows(rig, dto.id);
    assertEquals(db.length, 6);
    assertEquals(new Set(db.map((r) => r.path)).size, 6);
    // Dither after frames 2 and 4, not after the last one.
    assertEquals(rig.guider().dithers, 2);
    // At start, then on each filter change (which also restarts the every-3-frames count).
    assertEquals(focusRuns, 3);
    // The focuser followed the filter offsets: L 0 → R 10 → Ha 40 steps.
    assertEquals(rig.hub.device("focuser").status().position, focuserStart + 40);
    const status = rig.service.status();
    assertEquals([status.state, status.frame.n, status.frame.of], ["completed", 6, 6]);
  } finally {
    await rig.close();
  }
});

Deno.test("engine: without an autofocus hook each trigger raises a warning and the run goes on", async () => {
  const rig = await testRig();
  try {
    const dto = await stored(rig, LRHA);
    assertEquals(await rig.drive(rig.service.run(dto)), "completed");
    const warnings = rig.of("alert").filter((a) => /autofocus requested/.test(a.message));
    assertEquals(warnings.map((a) => a.message.match(/"(.*)"/)?.[1]), [
      "at start",
      "filter change",
      "filter change",
    ]);
    assert(warnings.every((a) => a.level === "warning"));
    assertEquals((await rows(rig, dto.id)).length, 6);
  } finally {
    await rig.close();
  }
});

const FIVE_LONG: SequenceInput = {
  name: "five",
  targets: [{ name: "T", ra: 1, dec: 10, groups: [{ filter: "L", exposure_s: 10, count: 5 }] }],
  options: { slew: false },
};

Deno.test("engine: pause waits for the exposure, resume continues, abort stops now", async () => {
  const rig = await testRig();
  try {
    const dto = await stored(rig, FIVE_LONG);
    const done = rig.service.run(dto);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    // ETA sanity right after frame 1: 4 × 10 s left plus 4 × the measured 0.1 s readout.
    assertAlmostEquals(rig.service.status().eta_s!, 40.4, 0.3);
    await rig.clock.advance(3000); // into the 2nd exposure
    rig.service.pause();
    await rig.until(() => rig.service.status().state === "paused");
    assertEquals(rig.of("sequencer.frame_saved").length, 2, "the running exposure finished");
    await rig.clock.advance(60_000);
    assertEquals(rig.of("sequencer.frame_saved").length, 2, "nothing is taken while paused");
    assertEquals((await rig.service.checkpoint()).state, "paused");
    rig.service.resume();
    await rig.until(() => rig.of("sequencer.frame_saved").length === 3);
    await rig.clock.advance(4000); // into the 4th exposure
    assertEquals(rig.hub.device("camera").status().exposure.state, "exposing");
    const aborting = rig.service.abort();
    assertEquals(await rig.drive(done), "aborted");
    await aborting;
    assertEquals(rig.hub.device("camera").status().exposure.state, "idle");
    assertEquals((await rows(rig, dto.id)).length, 3, "the aborted exposure is not saved");
    assertEquals(rig.service.status().state, "aborted");
    await assertRejects(() => rig.service.checkpoint(), AppError, "No interrupted");
    await assertRejects(
      () => rig.service.start(dto.id, { resume: true }),
      AppError,
      "no interrupted run",
    );
  } finally {
    await rig.close();
  }
});

Deno.test("engine: a failing camera pauses the run with an alert; resume retakes the frame", async () => {
  const rig = await testRig();
  try {
    const dto = await stored(rig, {
      ...FIVE_LONG,
      targets: [{ ...FIVE_LONG.targets![0]!, groups: [{ filter: "L", exposure_s: 10, count: 3 }] }],
    });
    const done = rig.service.run(dto);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    const camera = rig.hub.driverObject("camera");
    assert(isSimulated(camera));
    camera.faults.set("expose", "throw");
    await rig.until(() => rig.service.status().state === "paused");
    const alert = rig.of("alert").find((a) => a.source === "sequencer" && a.level === "error");
    assert(alert && /paused/.test(alert.message), JSON.stringify(alert));
    camera.faults.set("expose", null);
    rig.service.resume();
    assertEquals(await rig.drive(done), "completed");
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.frame_index), [0, 1, 2]);
    assertEquals((await rows(rig, dto.id)).length, 3);
  } finally {
    await rig.close();
  }
});

Deno.test("engine: a time limit ends the target early and the plan shrinks", async () => {
  const rig = await testRig();
  try {
    const until = new Date(rig.clock.now() + 25_000).toISOString();
    const dto = await stored(rig, {
      ...FIVE_LONG,
      targets: [{ ...FIVE_LONG.targets![0]!, loop: { repeat: 2, until_time: until } }],
    });
    assertEquals(await rig.drive(rig.service.run(dto)), "completed");
    // Frames start at 0, ~10.1 and ~20.2 s; the 4th would start after the limit.
    assertEquals(rig.of("sequencer.frame_saved").length, 3);
    assertEquals(rig.service.status().frame, { n: 3, of: 3 });
  } finally {
    await rig.close();
  }
});

Deno.test("validation: every problem is listed in one 400", async () => {
  const rig = await testRig();
  try {
    const err = await assertRejects(() =>
      rig.service.validate({
        name: "bad",
        targets: [
          { name: "A", ra: 25, dec: 10, groups: [{ filter: "Hb", exposure_s: 1, count: 0 }] },
          {
            name: "B",
            ra: 3,
            groups: [{ filter: "L", exposure_s: 1, count: 1, binning: 4, gain: 900 }],
          },
          { name: "C", groups: [{ exposure_s: 1, count: 1 }] },
        ],
      }), AppError);
    assertEquals((err as AppError).status, 400);
    const fields = ((err as AppError).details as { issues: { field: string }[] }).issues.map((i) =>
      i.field
    );
    for (
      const field of [
        "body.targets.0.ra",
        "body.targets.0.groups.0.count",
        "body.targets.0.groups.0.filter",
        "body.targets.1.dec",
        "body.targets.1.groups.0.gain",
        "body.targets.2.ra",
      ]
    ) {
      assert(fields.includes(field), `${field} in ${fields.join(", ")}`);
    }
  } finally {
    await rig.close();
  }
});
