/**
 * `sequencer.progress` on a ManualClock with simulators: the run's status goes out when it starts,
 * at each instruction (frame-taking or not) with its kind and path, at each activity and frame
 * (the instruction's frames n of its count, the plan's n of its total, an ETA that falls to 0),
 * at a pause and a resume, and once more when the run ends; every payload is GET
 * /sequencer/status's shape (the bus validates it against the catalogue).
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { testRig } from "./_test_rig.ts";
import { storeProgram } from "./instructions/_test_kit.ts";

const PROGRAM = [
  { kind: "cool_down", target_c: 12, timeout_s: 600, ramp_c_per_min: 6 },
  { kind: "capture", exposure_s: 10, count: 3 },
  {
    kind: "loop",
    repeat: 2,
    instructions: [{ kind: "switch_filter", filter: "R" }, {
      kind: "capture",
      exposure_s: 5,
      count: 1,
    }],
  },
];

Deno.test("sequencer.progress: every instruction, activity and frame, with frame n of m and ETA", async () => {
  const rig = await testRig();
  try {
    const dto = await storeProgram(rig, PROGRAM);
    assertEquals(await rig.drive(rig.service.run(dto)), "completed");
    const progress = rig.of("sequencer.progress");
    assertEquals(progress[0]!.state, "running");
    assertEquals(progress[0]!.frame, { n: 0, of: 5 });
    assertEquals(progress.at(-1)!.state, "completed");
    assertEquals(progress.at(-1)!.frame, { n: 5, of: 5 });
    assertEquals(progress.at(-1)!.instruction, null);

    // The instructions in the order they ran, each once per time it was entered.
    const entered: string[] = [];
    for (const p of progress) {
      const i = p.instruction;
      const key = i ? `${i.path.join(".")} ${i.kind}` : null;
      if (key !== null && key !== entered.at(-1)) entered.push(key);
    }
    assertEquals(entered, [
      "0 cool_down",
      "1 capture",
      "2.0 switch_filter",
      "2.1 capture",
      "2.0 switch_filter",
      "2.1 capture",
    ]);
    const cooling = progress.filter((p) => p.instruction?.kind === "cool_down");
    assertEquals(cooling[0]!.instruction!.frames, null);
    assertEquals(cooling.map((p) => p.message), [null, "cooling the camera to 12 °C at 6 °C/min"]);
    const filter = progress.find((p) => p.instruction?.kind === "switch_filter")!;
    assertEquals(filter.message, null, "not the capture's activity before it");

    // The first capture's frames: 0, 1, 2, 3 of 3, and the plan's frames alongside.
    const first = progress.filter((p) => p.instruction?.path.join(".") === "1");
    const figures = [...new Set(first.map((p) => `${p.instruction!.frames!.n}/3 ${p.frame.n}/5`))];
    assertEquals(figures, ["0/3 0/5", "1/3 1/5", "2/3 2/5", "3/3 3/5"]);
    assertEquals(first[0]!.step?.index, 0);

    // The ETA is a number while running and falls as the frames are taken, to 0 at the end.
    const running = progress.filter((p) => p.state === "running");
    assert(running.every((p) => typeof p.eta_s === "number" && p.eta_s >= 0));
    const byFrame = running.filter((p, i) => i === 0 || p.frame.n !== running[i - 1]!.frame.n);
    for (let i = 1; i < byFrame.length; i++) {
      assert(
        byFrame[i]!.eta_s! < byFrame[i - 1]!.eta_s!,
        `ETA falls: ${byFrame.map((p) => p.eta_s)}`,
      );
    }
    assertEquals(running.at(-1)!.eta_s, 0);
    // The same figures as the status the API serves.
    const status = rig.service.status();
    assertEquals({ ...progress.at(-1)!, elapsed_s: 0 }, { ...status, elapsed_s: 0 });
  } finally {
    await rig.close();
  }
});

Deno.test("sequencer.progress: a pause and a resume go out as they take effect", async () => {
  const rig = await testRig();
  try {
    const dto = await storeProgram(rig, [{ kind: "capture", exposure_s: 10, count: 3 }]);
    const run = rig.service.run(dto);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    rig.service.pause();
    await rig.until(() => rig.service.status().state === "paused");
    const paused = rig.of("sequencer.progress").at(-1)!;
    assertEquals([paused.state, paused.paused_reason, paused.frame.n], [
      "paused",
      "paused by request",
      2,
    ]);
    assertEquals(paused.instruction?.frames, { n: 2, of: 3 });
    rig.service.resume();
    assertEquals(await rig.drive(run), "completed");
    const states = rig.of("sequencer.progress").map((p) => p.state);
    const afterPause = states.slice(states.lastIndexOf("paused") + 1);
    assertEquals([afterPause[0], afterPause.at(-1)], ["running", "completed"]);
  } finally {
    await rig.close();
  }
});
