/**
 * The cooler ramp over a real socket, on the simulated camera, with the ramp stepping every second
 * (`[devices] cooler_ramp_step_s = 1`): a bad rate is a 400 naming the field; POST /camera/cooler
 * with a rate moves the camera's set point half a degree a step to the goal and no further, while
 * GET /camera/status and the phone's `camera.status` show the ramp (set point, goal, ETA); a
 * cooler-off with a rate warms the set point the same way and then switches the cooler off.
 */
import { assert, assertEquals } from "../_assert.ts";
import type { EventPayload } from "../../core/events.ts";
import { useFastSimulators, withServer } from "./_server.ts";

type CameraStatus = EventPayload<"camera.status">;

Deno.test("cooler ramp: POST /camera/cooler with a rate steps the simulated camera's set point", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random" });
    for (const bad of [0, 31, "fast"]) {
      const res = await t.api("POST", "/camera/cooler", {
        enabled: true,
        target_c: 13,
        ramp_c_per_min: bad,
      });
      assertEquals(res.status, 400);
      const fields = (await res.json()).error.details.issues.map((i: { field: string }) => i.field);
      assertEquals(fields, ["body.ramp_c_per_min"]);
    }

    // Every camera.status the box publishes (the bus, before any per-client coalescing).
    const seen: CameraStatus[] = [];
    const stop = t.server.services.bus.subscribe((e) => {
      if (e.type === "camera.status") seen.push(e.data as CameraStatus);
    });
    const ws = await t.events("camera.status");
    try {
      const start = await t.json<CameraStatus>("GET", "/camera/status");
      assertEquals(start.cooler.temp_c, 15, "the sensor starts at ambient");
      // 30 °C/min in 1 s steps: half a degree a step, 15 → 13.
      await t.json("POST", "/camera/cooler", { enabled: true, target_c: 13, ramp_c_per_min: 30 });
      const now = await t.json<CameraStatus>("GET", "/camera/status");
      assertEquals(now.cooler.target_c, 14.5, "the first step is taken before the answer");
      assertEquals(now.cooler.ramping, true);
      assertEquals(
        [now.cooler.ramp?.direction, now.cooler.ramp?.goal_c, now.cooler.ramp?.setpoint_c],
        ["cooling", 13, 14.5],
      );
      assertEquals([now.cooler.ramp?.rate_c_per_min, now.cooler.ramp?.eta_s], [30, 3]);

      const ended = await ws.waitFor("camera.status", (d) => {
        const c = (d as unknown as CameraStatus).cooler;
        return c.target_c === 13 && c.ramp === null;
      }, 30_000);
      assertEquals((ended.data as unknown as CameraStatus).cooler.enabled, true);
      const ramped = ws.ofType("camera.status").map((e) => (e.data as unknown as CameraStatus))
        .filter((d) => d.cooler.ramp !== null);
      assert(ramped.length >= 1, "the phone saw the ramp");
      assert(ramped.every((d) => d.cooler.ramp!.goal_c === 13 && d.cooler.ramp!.eta_s <= 3));
      assertEquals(setpoints(seen), [14.5, 14, 13.5, 13], "one half degree a step, to the goal");
      // No step after the goal.
      await new Promise((r) => setTimeout(r, 1500));
      assertEquals((await t.json<CameraStatus>("GET", "/camera/status")).cooler.target_c, 13);

      // Warm-up: off with a rate raises the set point the same way, then switches off.
      seen.length = 0;
      await t.json("POST", "/camera/cooler", { enabled: false, target_c: 14, ramp_c_per_min: 30 });
      const warming = await t.json<CameraStatus>("GET", "/camera/status");
      assertEquals([warming.cooler.ramp?.direction, warming.cooler.ramp?.then_off], [
        "warming",
        true,
      ]);
      // (The socket's own record holds the cooler-off status from before the first ramp.)
      await until(() => seen.some((d) => !d.cooler.enabled && d.cooler.ramp === null), 30_000);
      assertEquals(setpoints(seen), [13.5, 14]);
      const off = await t.json<CameraStatus>("GET", "/camera/status");
      assertEquals([off.cooler.enabled, off.cooler.ramping, off.cooler.target_c], [
        false,
        false,
        14,
      ]);
    } finally {
      stop();
    }
  }, { configToml: "[devices]\ncooler_ramp_step_s = 1\n" });
});

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The camera's set points in the order they changed. */
function setpoints(statuses: CameraStatus[]): number[] {
  const out: number[] = [];
  for (const s of statuses) {
    const t = s.cooler.target_c;
    if (t !== null && t !== out.at(-1)) out.push(t);
  }
  return out;
}
