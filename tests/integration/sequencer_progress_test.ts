/**
 * What the phone follows a sequence by, over a real socket on the simulators: `sequencer.progress`
 * events carrying the current instruction (kind, path, what it is doing, its frames x of y), the
 * plan's frame x of y and an ETA, from start to the completed run, matching GET /sequencer/status;
 * and the sequence's ramped cool_down really stepping the camera's set point on the way (the ramp
 * steps every second here: `[devices] cooler_ramp_step_s = 1`). On the random sky, so no sky
 * catalogue build another test started can outlive this one.
 */
import { assert, assertEquals } from "../_assert.ts";
import type { EventPayload } from "../../core/events.ts";
import { useFastSimulators, withServer } from "./_server.ts";

type Progress = EventPayload<"sequencer.progress">;
type CameraStatus = EventPayload<"camera.status">;

const INSTRUCTIONS = [
  { kind: "cool_down", target_c: 13.5, timeout_s: 60, ramp_c_per_min: 30 },
  { kind: "switch_filter", filter: "R" },
  { kind: "capture", exposure_s: 0.5, count: 3 },
  { kind: "capture", exposure_s: 0.5, count: 1 },
];

Deno.test("sequencer.progress: the phone sees the instruction, frame x of y and the ETA to the end", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random" });
    const ws = await t.events("sequencer.progress,camera.status");
    const seq = await t.json<{ id: string }>("POST", "/sequences", {
      name: "progress",
      instructions: INSTRUCTIONS,
    });
    assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: seq.id }), 202);
    // Bounded, not timed: a run of seconds here may take minutes on a loaded machine.
    const last = await ws.waitFor("sequencer.progress", (d) => d.state === "completed", 180_000)
      .catch((err) => {
        const seen = ws.ofType("sequencer.progress").at(-1)?.data;
        throw new Error(`${err.message}; the last progress: ${JSON.stringify(seen)}`);
      });
    const progress = ws.ofType("sequencer.progress").map((e) => e.data as unknown as Progress)
      .filter((p) => p.run_id === (last.data as unknown as Progress).run_id);

    assertEquals(progress[0]!.state, "running");
    assertEquals(progress[0]!.frame, { n: 0, of: 4 });
    assertEquals(progress[0]!.sequence_name, "progress");
    const end = progress.at(-1)!;
    assertEquals([end.state, end.frame, end.instruction], ["completed", { n: 4, of: 4 }, null]);

    // Each instruction as it ran, by path and kind.
    const entered: string[] = [];
    for (const p of progress) {
      const key = p.instruction && `${p.instruction.path.join(".")} ${p.instruction.kind}`;
      if (key && key !== entered.at(-1)) entered.push(key);
    }
    assertEquals(entered, ["0 cool_down", "1 switch_filter", "2 capture", "3 capture"]);
    assert(
      progress.some((p) => p.message === "cooling the camera to 13.5 °C at 30 °C/min"),
      "the cool-down says what it does",
    );
    // The first capture: its own frames x of 3 beside the plan's x of 4, the filter in its step.
    const capture = progress.filter((p) => p.instruction?.path[0] === 2);
    assertEquals(capture[0]!.instruction!.frames, { n: 0, of: 3 });
    assertEquals(capture.at(-1)!.instruction!.frames, { n: 3, of: 3 });
    assertEquals(capture.at(-1)!.frame, { n: 3, of: 4 });
    assertEquals(capture[0]!.step?.filter, "R");
    assert(capture.some((p) => p.message === "exposing frame 2 of 4"), "the exposure in hand");
    // An ETA all along the run, lower near the end than at the start.
    const running = progress.filter((p) => p.state === "running");
    assert(running.every((p) => typeof p.eta_s === "number" && p.eta_s >= 0));
    assert(running.at(-1)!.eta_s! < capture[0]!.eta_s!, `${running.map((p) => p.eta_s)}`);

    // The cool-down ramped: 15 → 13.5 °C half a degree a step.
    const setpoints: number[] = [];
    for (const e of ws.ofType("camera.status")) {
      const c = (e.data as unknown as CameraStatus).cooler.target_c;
      if (c !== null && c !== setpoints.at(-1)) setpoints.push(c);
    }
    assertEquals(setpoints, [14.5, 14, 13.5]);

    // The event is what GET /sequencer/status answers.
    const status = await t.json<Progress>("GET", "/sequencer/status");
    assertEquals({ ...status, elapsed_s: 0 }, { ...end, elapsed_s: 0 });
  }, { configToml: "[devices]\ncooler_ramp_step_s = 1\n" });
});
