/**
 * Autofocus end to end over real sockets: a server on the fast simulators with the V-curve on,
 * `POST /focuser/autofocus` answers 202 with a run id, one `autofocus.point` per point arrives,
 * then `autofocus.completed`, and the focuser ends within a few steps of the simulator's true
 * best focus; `GET /focuser/autofocus` reports the run, a second start while one runs is 409, bad
 * tuning is 400 naming the field, and an abort restores the start position.
 */
import type { SimCamera } from "../../devices/sim/camera.ts";
import { assert, assertAlmostEquals, assertEquals } from "../_assert.ts";
import { type TestServer, useFastSimulators, withServer } from "./_server.ts";

async function withVCurve(t: TestServer, bestPosition: number): Promise<void> {
  await useFastSimulators(t);
  const active = await t.json<{ id: string; devices: Record<string, { options: object }> }>(
    "GET",
    "/profiles/active",
  );
  const camera = active.devices.camera!;
  const devices = {
    ...active.devices,
    // A random star field: the true sky where the parked mount points changes with the hour,
    // and at some hours it held too few stars bright enough for the sweep's ends.
    camera: { ...camera, options: { ...camera.options, sky: "random", focus: { bestPosition } } },
  };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
}

// Long enough for the defocused stars at the ends of the sweep to clear the detection threshold.
const TUNING = { exposure_s: 1 };

Deno.test("autofocus through the server: events, then completed near the true best focus", async () => {
  await withServer(async (t) => {
    await withVCurve(t, 25_180);
    const ws = await t.events("autofocus.*");
    const bad = await t.api("POST", "/focuser/autofocus", { steps_per_side: 50 });
    assertEquals(bad.status, 400);
    const badText = await bad.text();
    assert(badText.includes("steps_per_side"), badText);
    for (
      const [body, field] of [
        [{ filter: "Y" }, "body.filter"],
        [{ step_size: 9000 }, "body.step_size"],
      ] as const
    ) {
      const res = await t.api("POST", "/focuser/autofocus", body);
      assertEquals(res.status, 400);
      const text = await res.text();
      assert(text.includes(field), text);
    }

    const res = await t.api("POST", "/focuser/autofocus", TUNING);
    assertEquals(res.status, 202);
    const { run_id } = await res.json() as { run_id: string };
    assertEquals(await t.status("POST", "/focuser/autofocus", TUNING), 409);
    const done = await ws.waitFor("autofocus.completed", (d) => d.run_id === run_id, 60_000);
    const points = ws.ofType("autofocus.point").filter((e) => e.data.run_id === run_id);
    assertEquals(points.length, 9);
    // A point may be skipped (with its reason) when its stars are too faint; most are not.
    assert(
      points.filter((p) => typeof p.data.hfr_px === "number").length >= 7,
      JSON.stringify(points.map((p) => p.data)),
    );

    const camera = t.server.services.hub.device("camera") as unknown as SimCamera;
    const truth = (await camera.trueBestFocusSteps())!;
    const best = done.data.best_position as number;
    assertAlmostEquals(best, truth, 15, `best ${best}, truth ${truth}`);
    const focuser = await t.json<{ position: number }>("GET", "/focuser/status");
    assertEquals(focuser.position, best);

    const status = await t.json<Record<string, unknown>>("GET", "/focuser/autofocus");
    assertEquals(status.state, "completed");
    assertEquals(status.run_id, run_id);
    assertEquals((status.points as unknown[]).length, 9);
    await ws.close();
  });
});

Deno.test("autofocus through the server: abort restores the start position", async () => {
  await withServer(async (t) => {
    await withVCurve(t, 25_180);
    const ws = await t.events("autofocus.*");
    const start = (await t.json<{ position: number }>("GET", "/focuser/status")).position;
    assertEquals(await t.status("POST", "/focuser/autofocus/abort"), 409);
    const { run_id } = await t.json<{ run_id: string }>("POST", "/focuser/autofocus", TUNING);
    await ws.waitFor("autofocus.point", (d) => d.run_id === run_id, 30_000);
    assertEquals(await t.status("POST", "/focuser/autofocus/abort"), 200);
    const failed = await ws.waitFor("autofocus.failed", (d) => d.run_id === run_id, 30_000);
    assertEquals(failed.data.reason, "aborted");
    assertEquals(failed.data.restored_position, start);
    assertEquals((await t.json<{ position: number }>("GET", "/focuser/status")).position, start);
    await ws.close();
  });
});
