/**
 * A sequence given as explicit instructions, over a real socket: every problem in one 400, each
 * named by its nested field (a kind's schema, a kind's rig check, an unknown kind); targets and
 * instructions together refused; a template cannot be taken from it; it runs, its steps named by
 * the kinds (rounds of a loop); and the OpenAPI document describes every kind. Apart from
 * sequencer_routes_test.ts, and on the random sky, so no sky catalogue build another test started
 * (memoised per process) can outlive a test here.
 */
import { assert, assertEquals } from "../_assert.ts";
import { useFastSimulators, withServer } from "./_server.ts";

const PLAN = {
  name: "plan",
  targets: [{ name: "M 31", ra: 0.712, dec: 41.27, groups: [{ exposure_s: 30, count: 1 }] }],
  options: { slew: false },
};

const INSTRUCTIONS = [
  { kind: "cool_down", target_c: 0, timeout_s: 60 },
  {
    kind: "target",
    name: "M 31",
    ra: 0.712,
    dec: 41.27,
    instructions: [
      { kind: "switch_filter", filter: "R" },
      { kind: "loop", repeat: 2, instructions: [{ kind: "capture", exposure_s: 0.5, count: 1 }] },
    ],
  },
  { kind: "warm_up" },
];

Deno.test("a sequence given as instructions: per-kind 400s, the OpenAPI schema, a run", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random" });
    const bad = await t.api("POST", "/sequences", {
      name: "bad",
      instructions: [
        { kind: "slew", speed: "fast" },
        {
          kind: "target",
          name: "X",
          ra: 1,
          dec: 2,
          instructions: [
            { kind: "switch_filter", filter: "Nope" },
            { kind: "capture", exposure_s: -1, count: 1 },
          ],
        },
        { kind: "teleport" },
      ],
    });
    assertEquals(bad.status, 400);
    const issues = (await bad.json()).error.details.issues as { field: string; reason: string }[];
    assertEquals(issues.map((i) => i.field).sort(), [
      "body.instructions.0",
      "body.instructions.1.instructions.0.filter",
      "body.instructions.1.instructions.1.exposure_s",
      "body.instructions.2.kind",
    ]);
    assert(
      issues.some((i) => /no filter "Nope"; known: L, R/.test(i.reason)),
      JSON.stringify(issues),
    );
    assertEquals(
      await t.status("POST", "/sequences", { ...PLAN, instructions: INSTRUCTIONS }),
      400,
      "targets and instructions together",
    );
    const seq = await t.json<{ id: string; instructions: unknown[]; targets: unknown[] }>(
      "POST",
      "/sequences",
      { name: "explicit", instructions: INSTRUCTIONS },
    );
    assertEquals([seq.instructions.length, seq.targets.length], [3, 0]);
    assertEquals(
      await t.status("POST", "/templates", { name: "from instructions", sequence_id: seq.id }),
      400,
    );
    const ws = await t.events("sequencer.*");
    try {
      assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: seq.id }), 202);
      await ws.waitFor("sequencer.frame_saved", (d) => d.frame_index === 1, 30_000);
      const steps = ws.ofType("sequencer.step_changed").map((e) => e.data.description);
      assertEquals(steps, ["M 31: 1 × 0.5 s R (round 1/2)", "M 31: 1 × 0.5 s R (round 2/2)"]);
    } finally {
      await ws.close();
    }
    const deadline = Date.now() + 30_000;
    let status = await t.json<{ state: string; frame: unknown }>("GET", "/sequencer/status");
    while (status.state === "running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = await t.json("GET", "/sequencer/status");
    }
    assertEquals([status.state, status.frame], ["completed", { n: 2, of: 2 }]);

    const doc = await t.json<{ components: { schemas: Record<string, { oneOf?: unknown[] }> } }>(
      "GET",
      "/openapi.json",
    );
    const kinds = JSON.stringify(doc.components.schemas.SequenceInstruction);
    for (const kind of ["target", "loop", "capture", "switch_filter", "dither", "meridian_flip"]) {
      assert(kinds.includes(`"${kind}"`), `${kind} is documented`);
    }
  });
});
