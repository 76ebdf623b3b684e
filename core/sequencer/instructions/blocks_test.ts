/**
 * The structure kinds on the simulated rig: `target` (both coordinates or a name the catalog
 * resolves, at validation and when the block starts), `loop` (its repetitions, each announced as
 * a round), `until` (its block ends when a limit is met, the run goes on after it; an altitude or
 * darkness limit needs a site) and `wait` (exactly one of a duration and an instant, estimated
 * and waited on the run's clock).
 */
import { assert, assertEquals } from "../../../tests/_assert.ts";
import { DeviceHub } from "../../../devices/hub.ts";
import { defaultRegistry } from "../../../devices/registry.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { LogSink } from "../../../lib/log.ts";
import { EventBus } from "../../event_bus.ts";
import { testRig } from "../_test_rig.ts";
import { until } from "./until.ts";
import { wait } from "./wait.ts";
import { estimateEnv, issuesOf, runProgram } from "./_test_kit.ts";

const ONE = { kind: "capture", exposure_s: 10, count: 1 };
const M42 = { ra: 5.588, dec: -5.39 };
const resolveTarget = (name: string) => name === "M 42" ? M42 : null;

Deno.test("target: both coordinates, or a name the catalog knows", async () => {
  const rig = await testRig({ resolveTarget });
  try {
    const body = (target: Record<string, unknown>) => ({
      name: "x",
      instructions: [{ kind: "target", ...target, instructions: [ONE] }],
    });
    assertEquals(await issuesOf(rig, body({ name: "A", ra: 1 })), [
      "body.instructions.0.dec: give both ra and dec",
    ]);
    assertEquals(await issuesOf(rig, body({ name: "Nowhere" })), [
      'body.instructions.0.ra: "Nowhere" is not in the catalog: give ra and dec',
    ]);
  } finally {
    await rig.close();
  }
});

Deno.test("target: a name is resolved when the block starts; its frames carry it", async () => {
  const centred: unknown[] = [];
  const rig = await testRig({
    resolveTarget,
    centerOnTarget: (target) => Promise.resolve(void centred.push(target)),
  });
  try {
    const program = [{ kind: "target", name: "M 42", instructions: [{ kind: "center" }, ONE] }];
    assertEquals(await runProgram(rig, program), "completed");
    assertEquals(centred, [{ raHours: M42.ra, decDeg: M42.dec, name: "M 42" }]);
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.object), ["M 42"]);
  } finally {
    await rig.close();
  }
});

Deno.test("loop: repeats its instructions in order, each round announced", async () => {
  const rig = await testRig();
  try {
    assertEquals(
      await issuesOf(rig, {
        name: "x",
        instructions: [{ kind: "loop", repeat: 0, instructions: [] }],
      }),
      [
        "body.instructions.0.repeat: must be at least 1",
        "body.instructions.0.instructions: needs at least one instruction",
      ],
    );
    const loop = {
      kind: "loop",
      repeat: 3,
      instructions: [
        { kind: "switch_filter", filter: "R" },
        ONE,
        { kind: "switch_filter", filter: "G" },
        ONE,
      ],
    };
    assertEquals(await runProgram(rig, [loop]), "completed");
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.filter).join(""), "RGRGRG");
    const steps = rig.of("sequencer.step_changed");
    assertEquals(steps.map((s) => s.step), [0, 1, 2, 3, 4, 5]);
    assertEquals(steps[2]!.description, "1 × 10 s R (round 2/3)");
  } finally {
    await rig.close();
  }
});

Deno.test("until: a met limit ends its block, the run goes on after it", async () => {
  const rig = await testRig();
  try {
    const limit = new Date(rig.clock.now() + 25_000).toISOString();
    const program = [
      {
        kind: "target",
        name: "A",
        ...M42,
        instructions: [
          { kind: "until", until_time: limit },
          { kind: "capture", exposure_s: 10, count: 5 },
        ],
      },
      { kind: "target", name: "B", ...M42, instructions: [ONE] },
    ];
    assertEquals(await runProgram(rig, program), "completed");
    // Frames start at 0, ~10.1 and ~20.2 s; the 4th would start after the limit.
    assertEquals(rig.of("sequencer.frame_saved").map((f) => f.object).join(","), "A,A,A,B");
    const ended = rig.of("alert").find((a) => /^A: the time limit .* moving on$/.test(a.message));
    assert(ended, "the block's end is said");
    assertEquals(rig.service.status().frame, { n: 4, of: 4 });
  } finally {
    await rig.close();
  }
});

Deno.test("until: altitude and darkness limits need a site", async () => {
  const clock = new ManualClock();
  const hub = new DeviceHub({
    registry: defaultRegistry(),
    bus: new EventBus({ clock }),
    clock,
    log: new LogSink({ consoleLevel: "silent" }).logger("hub"),
  });
  try {
    const p = { kind: "until" as const, until_altitude_deg: 30, while_dark: "nautical" as const };
    assertEquals((await until.check!(p, { hub })).map((i) => i.field), [
      "until_altitude_deg",
      "while_dark",
    ]);
  } finally {
    await hub.close();
  }
});

Deno.test("wait: one of seconds and until_time; estimated and waited on the clock", async () => {
  const rig = await testRig();
  try {
    assertEquals(await issuesOf(rig, { name: "x", instructions: [{ kind: "wait" }] }), [
      "body.instructions.0.seconds: give exactly one of seconds and until_time",
    ]);
    const est = estimateEnv();
    const inOneMinute = new Date(est.atMs + 60_000).toISOString();
    assertEquals(wait.estimateS!({ kind: "wait", seconds: 30 }, est), 30);
    assertEquals(wait.estimateS!({ kind: "wait", until_time: inOneMinute }, est), 60);
    assertEquals(wait.estimateS!({ kind: "wait", until_time: "2020-01-01T00:00:00Z" }, est), 0);
    const startMs = rig.clock.now();
    assertEquals(await runProgram(rig, [{ kind: "wait", seconds: 120 }, ONE]), "completed");
    const frameStartMs = Date.parse(rig.of("sequencer.frame_saved")[0]!.started_at);
    assert(frameStartMs - startMs >= 120_000, `${frameStartMs - startMs} ms`);
  } finally {
    await rig.close();
  }
});
