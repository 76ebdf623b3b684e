/**
 * Rain during a sequence, end to end: the run is interrupted with its checkpoint kept, nothing
 * new may start while it is unsafe, and once it has been safe for the configured delay the box
 * reopens and the sequence resumes — finishing with every planned frame exactly once.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { useFastSimulators, withServer } from "./_server.ts";

const PLAN = {
  name: "rain test",
  targets: [{
    name: "Zenith-ish",
    ra: 0,
    dec: 45,
    groups: [{ filter: "L", exposure_s: 0.5, count: 6 }],
  }],
  options: { slew: false },
};

Deno.test("unsafe weather interrupts a sequence; safe again resumes it to exactly the plan", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    const ws = await t.events("sequencer.*,scheduler.*");
    const seq = await t.json<{ id: string }>("POST", "/sequences", PLAN);
    assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: seq.id }), 202);
    await ws.waitFor("sequencer.frame_saved", (d) => d.frame_index === 1, 15_000);

    await t.json("POST", "/weather/override", { safe: false });
    const unsafe = await ws.waitFor("scheduler.safety_alert", (d) => d.safe === false, 10_000);
    assertMatch(unsafe.data.action as string, /stop sequencer/);
    const checkpoint = await t.json<{ state: string; frames_done: number }>(
      "GET",
      "/sequencer/checkpoint",
    );
    assertEquals(checkpoint.state, "interrupted");
    const refused = await t.api("POST", "/sequencer/start", { sequence_id: seq.id, resume: true });
    assertEquals(refused.status, 409);
    assertMatch((await refused.json()).error.message, /unsafe/);

    await t.json("POST", "/weather/override", { safe: null });
    const safe = await ws.waitFor("scheduler.safety_alert", (d) => d.safe === true, 15_000);
    assertMatch(safe.data.action as string, /resume sequencer/);
    const deadline = Date.now() + 30_000;
    while ((await t.json<{ state: string }>("GET", "/sequencer/status")).state !== "completed") {
      assert(
        Date.now() < deadline,
        `the resumed sequence completes: ${
          JSON.stringify(await t.json("GET", "/sequencer/status"))
        } ${JSON.stringify(await t.json("GET", "/safety/status"))}`,
      );
      await new Promise((r) => setTimeout(r, 200));
    }
    const saved = ws.ofType("sequencer.frame_saved").map((e) => e.data.frame_index as number);
    assertEquals([...new Set(saved)].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
    assertEquals(saved.length, 6, `each planned frame saved exactly once: ${saved}`);
  }, { configToml: "[safety]\nresume_after_safe_s = 1\n" });
});
