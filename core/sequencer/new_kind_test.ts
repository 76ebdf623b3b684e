/**
 * Adding an instruction kind touches one new file and a registry, nothing else: here a kind that
 * moves the focuser to an absolute position is written in this test, put in a registry with the
 * box's kinds, and given to the sequencer. Without any change to the engine, the validator or
 * the estimates, it is validated (its own field named in the 400, its own rig check), counted in
 * the ETA by its own estimate, replayed on resume, and run on the simulators. The box's registry
 * refuses it.
 */
import { z } from "zod";
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { defineKind, type Issue } from "./instructions/kind.ts";
import { INSTRUCTION_KINDS, InstructionRegistry } from "./instructions/registry.ts";
import { issuesOf, runProgram, storeProgram } from "./instructions/_test_kit.ts";
import { testRig } from "./_test_rig.ts";

const moveFocuser = defineKind({
  kind: "move_focuser",
  summary: "Moves the focuser to `position_steps` and waits",
  fields: { position_steps: z.number().int().min(0) },
  replay: "focuser",
  check(p, ctx): Issue[] {
    const focuser = ctx.hub.peek("focuser");
    const max = focuser?.capabilities.maxPosition ?? 0;
    return p.position_steps > max
      ? [{ field: "position_steps", reason: `beyond this focuser's travel 0..${max}` }]
      : [];
  },
  estimateS: () => 7,
  async run(p, env) {
    const focuser = env.ctx.hub.device("focuser");
    env.describe(`focuser to ${p.position_steps}`);
    await focuser.moveTo(p.position_steps);
    await env.rig.waitUntil("focuser.moveTo", () => !focuser.status().moving, 60_000, env.signal);
  },
});

const registry = new InstructionRegistry([...INSTRUCTION_KINDS, moveFocuser]);

const PROGRAM = [{
  kind: "target",
  name: "M 42",
  ra: 5.588,
  dec: -5.39,
  instructions: [
    { kind: "move_focuser", position_steps: 24_000 },
    { kind: "capture", exposure_s: 10, count: 3 },
  ],
}];

Deno.test("a kind from a test registry is validated by its own schema and check", async () => {
  const rig = await testRig({}, {}, registry);
  try {
    const body = (position: Record<string, unknown>) => ({
      name: "bad",
      instructions: [{ ...PROGRAM[0], instructions: [{ kind: "move_focuser", ...position }] }],
    });
    assertEquals(await issuesOf(rig, body({ position_steps: 1e9 })), [
      "body.instructions.0.instructions.0.position_steps: beyond this focuser's travel 0..50000",
    ]);
    const typed = await issuesOf(rig, body({ position_steps: -1 }));
    assertEquals(typed.length, 1);
    assert(typed[0]!.startsWith("body.instructions.0.instructions.0.position_steps: "), typed[0]);
  } finally {
    await rig.close();
  }
  const plain = await testRig();
  try {
    const refused = await issuesOf(plain, { name: "x", instructions: PROGRAM });
    assertEquals(refused.length, 1);
    assert(refused[0]!.startsWith("body.instructions.0.instructions.0.kind: "), refused[0]);
  } finally {
    await plain.close();
  }
});

Deno.test("a kind from a test registry runs, counts in the ETA and is replayed on resume", async () => {
  const rig = await testRig({}, {}, registry);
  try {
    const dto = await storeProgram(rig, PROGRAM);
    const run = rig.service.run(dto);
    await rig.until(() => rig.of("sequencer.frame_saved").length === 1);
    assertEquals(rig.hub.device("focuser").status().position, 24_000);
    // Interrupted as at shutdown (the checkpoint is what a kill -9 leaves), then resumed.
    await rig.clock.advance(2000);
    await rig.drive(rig.service.stop());
    assertEquals(await run, "interrupted");
    await rig.hub.device("focuser").moveTo(20_000);
    await rig.until(() => !rig.hub.device("focuser").status().moving);
    const resumed = rig.service.run(dto, { resume: true });
    await rig.until(() => rig.service.status().state === "running");
    // 2 frames of 10 s left; move_focuser is behind the cursor (replayed, not counted again).
    assertAlmostEquals(rig.service.status().eta_s!, 20, 0.5);
    assertEquals(await rig.drive(resumed), "completed");
    assertEquals(rig.hub.device("focuser").status().position, 24_000, "replayed on resume");
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.frame_index), [0, 1, 2]);
  } finally {
    await rig.close();
  }
});

Deno.test("a kind from a test registry is estimated before it runs", async () => {
  const rig = await testRig({}, {}, registry);
  try {
    const dto = await storeProgram(rig, PROGRAM);
    const run = rig.service.run(dto);
    await rig.until(() => rig.service.status().state === "running");
    // Not yet past move_focuser: its own 7 s plus 3 × 10 s of frames.
    assertAlmostEquals(rig.service.status().eta_s!, 37, 0.5);
    assertEquals(await rig.drive(run), "completed");
    assertEquals(await runProgram(rig, PROGRAM), "completed");
  } finally {
    await rig.close();
  }
});
