/**
 * The sequencer centres through the box's hook: a sequence with `center_on_target` slews, centres
 * (the `mount.centered` event, a success, comes before its first frame) and then images; when
 * centring fails the sequence says so in an alert and images where the mount points, because an
 * off-centre frame is still a frame. The sequence frames are announced by `camera.frame_ready`
 * before their star figures, which `sequencer.frame_saved` then carries (HFR and star count, as
 * the API reference says); the centring frames carry the target's name.
 */
import { assert, assertEquals } from "../_assert.ts";
import { eastTarget, installCentering, truthSolve, useErrorSimulators } from "./_centering.ts";
import { type TestServer, withServer } from "./_server.ts";

async function runSequence(t: TestServer, target: { ra: number; dec: number }): Promise<void> {
  const sequence = await t.json<{ id: string }>("POST", "/sequences", {
    name: "centred",
    targets: [{
      name: "Field",
      ...target,
      groups: [{ filter: "L", exposure_s: 0.05, count: 2 }],
    }],
    options: { slew: true, center_on_target: true },
  });
  assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: sequence.id }), 202);
}

async function finished(t: TestServer): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { state } = await t.json<{ state: string }>("GET", "/sequencer/status");
    if (state !== "running") return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the sequence did not finish within 30 s");
}

Deno.test("a sequence with center_on_target centres before its first frame", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    installCentering(t, truthSolve(t));
    const ws = await t.events(
      "mount.centering,mount.centered,sequencer.frame_saved,camera.frame_ready,alert",
    );
    await runSequence(t, await eastTarget(t));
    assertEquals(await finished(t), "completed");
    await ws.waitFor("sequencer.frame_saved", (d) => d.frame_index === 1);
    const order = ws.events.map((e) => e.type);
    const centred = order.indexOf("mount.centered");
    assert(centred >= 0, `events: ${order.join(", ")}`);
    assert(centred < order.indexOf("sequencer.frame_saved"), `events: ${order.join(", ")}`);
    const end = ws.ofType("mount.centered")[0]!.data;
    assertEquals(end.success, true, JSON.stringify(end));
    assertEquals(ws.ofType("sequencer.frame_saved").length, 2);
    assert(ws.ofType("mount.centering").length >= 2, "the mount was off: at least one correction");
    const warnings = ws.ofType("alert").filter((a) => /[Cc]entring/.test(a.data.message as string));
    assertEquals(warnings, []);
    for (const saved of ws.ofType("sequencer.frame_saved")) {
      const { id, stars, hfr, object } = saved.data;
      assert((stars as number) > 0 && (hfr as number) > 0, `figures: ${stars} stars, HFR ${hfr}`);
      assertEquals(object, "Field");
      const ready = ws.events.findIndex((e) => e.type === "camera.frame_ready" && e.data.id === id);
      assert(ready >= 0 && ready < ws.events.indexOf(saved), "frame_ready came first");
    }
    const { frames } = await t.json<{ frames: { object: string | null }[] }>(
      "GET",
      "/camera/frames?limit=50",
    );
    assert(frames.some((f) => f.object === "centring Field"), "centring frames are named");
  });
});

Deno.test("a sequence whose centring fails warns and images anyway", async () => {
  await withServer(async (t) => {
    await useErrorSimulators(t);
    installCentering(t, () => Promise.reject(new Error("no stars found")));
    const ws = await t.events("mount.centered,sequencer.frame_saved,alert");
    await runSequence(t, await eastTarget(t));
    assertEquals(await finished(t), "completed");
    await ws.waitFor("sequencer.frame_saved", (d) => d.frame_index === 1);
    assertEquals(ws.ofType("mount.centered")[0]?.data.success, false);
    const alert = await ws.waitFor(
      "alert",
      (d) => d.source === "sequencer" && /Centring on Field failed/.test(d.message as string),
    );
    assert(/imaging where the mount points/.test(alert.data.message as string));
    assertEquals(ws.ofType("sequencer.frame_saved").length, 2);
  });
});
