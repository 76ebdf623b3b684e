/**
 * The scheduler group over a real socket with fast simulators and the real clock: plans with
 * every problem in one 400, a catalog name resolved and stored at creation, 409s for conflicts,
 * then a plan of two targets that are up now at the profile's site (RA from the local sidereal
 * time; `require_darkness: "none"` so it runs in daylight) runs to completion — the right frames,
 * target_started in priority order, the dome opened and closed, the mount parked.
 */
import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../_assert.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { type TestServer, useFastSimulators, withServer } from "./_server.ts";

interface Status {
  state: string;
  message: string | null;
  progress: { name: string; done: number; wanted: number }[];
}

async function fastDome(t: TestServer): Promise<{ latitude: number; longitude: number }> {
  const active = await t.json<
    { id: string; site: { latitude: number; longitude: number }; devices: Record<string, unknown> }
  >("GET", "/profiles/active");
  const devices = { ...active.devices, dome: { driver: "sim", options: { shutterSeconds: 0.5 } } };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
  return active.site;
}

async function waitForState(t: TestServer, state: string, timeoutMs: number): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const status = await t.json<Status>("GET", "/scheduler/status");
    if (status.state === state) return status;
    assert(
      Date.now() < deadline,
      `scheduler ${state} within ${timeoutMs} ms: ${JSON.stringify(status)}`,
    );
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("scheduler endpoints: a two-target plan runs to completion through the API", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    const site = await fastDome(t);
    const ws = await t.events("scheduler.*,sequencer.*");

    const bad = await t.api("POST", "/scheduler/plans", {
      name: "bad",
      targets: [{
        name: "X",
        ra: 30,
        dec: 0,
        priority: 11,
        groups: [{ filter: "Nope", exposure_s: 1, count: 1 }],
      }],
      constraints: { require_darkness: "civil" },
    });
    assertEquals(bad.status, 400);
    const fields = (await bad.json()).error.details.issues.map((i: { field: string }) => i.field);
    assertEquals(fields.sort(), [
      "body.constraints.require_darkness",
      "body.targets.0.groups.0.filter",
      "body.targets.0.priority",
      "body.targets.0.ra",
    ]);

    // Two targets near the meridian now: "High" first on priority, then "Next".
    const lst = lstHours(Date.now(), site.longitude);
    const wrap = (h: number) => (h % 24 + 24) % 24;
    const plan = await t.json<{ id: string; targets: { ra: number }[] }>(
      "POST",
      "/scheduler/plans",
      {
        name: "api plan",
        targets: [
          {
            name: "Next",
            ra: wrap(lst - 0.5),
            dec: 45,
            priority: 4,
            groups: [{ filter: "R", exposure_s: 0.2, count: 2 }],
          },
          {
            name: "High",
            ra: wrap(lst + 0.3),
            dec: 60,
            priority: 1,
            groups: [{ filter: "L", exposure_s: 0.2, count: 3 }, {
              filter: "Ha",
              exposure_s: 0.3,
              count: 1,
            }],
          },
        ],
        constraints: { require_darkness: "none", min_altitude_deg: 20 },
        block_minutes: 1,
      },
    );
    assertEquals((await t.json<{ plans: unknown[] }>("GET", "/scheduler/plans")).plans.length, 1);
    assertEquals(await t.status("GET", `/scheduler/plans/${plan.id}`), 200);
    assertEquals(await t.status("GET", "/scheduler/plans/nope"), 404);
    assertEquals(await t.status("POST", "/scheduler/pause"), 409);
    assertEquals(await t.status("POST", "/scheduler/skip-target"), 409);
    assertEquals(await t.status("POST", "/scheduler/start", { plan_id: "nope" }), 404);
    assertEquals((await t.json<Status>("GET", "/scheduler/status")).state, "idle");

    assertEquals(await t.status("POST", "/scheduler/start", { plan_id: plan.id }), 202);
    assertEquals(await t.status("POST", "/scheduler/start", { plan_id: plan.id }), 409);
    assertEquals(await t.status("DELETE", `/scheduler/plans/${plan.id}`), 409);
    await ws.waitFor("scheduler.target_started", () => true, 15_000);
    const seq = await t.json<{ id: string }>("POST", "/sequences", {
      name: "other",
      targets: [{ name: "T", ra: 1, dec: 10, groups: [{ exposure_s: 1, count: 1 }] }],
      options: { slew: false },
    });
    // A plan's block is a sequencer run: another sequence may not start meanwhile.
    const busy = await t.api("POST", "/sequencer/start", { sequence_id: seq.id });
    assertEquals(busy.status, 409);
    await busy.body?.cancel();

    const done = await waitForState(t, "completed", 30_000);
    assertEquals(done.progress.map((p) => [p.name, p.done, p.wanted]), [["Next", 2, 2], [
      "High",
      4,
      4,
    ]]);
    assertMatch(done.message!, /every planned frame/);
    const started = ws.ofType("scheduler.target_started").map((e) => e.data.target);
    assertEquals(started, ["High", "Next"]);
    const saved = ws.ofType("sequencer.frame_saved").map((e) =>
      `${e.data.object}/${e.data.filter}`
    );
    assertEquals(saved, ["High/L", "High/L", "High/L", "High/Ha", "Next/R", "Next/R"]);
    assertEquals((await t.json<{ parked: boolean }>("GET", "/mount/status")).parked, true);
    assertEquals((await t.json<{ shutter: string }>("GET", "/dome/status")).shutter, "closed");
    assertEquals(await t.status("DELETE", `/scheduler/plans/${plan.id}`), 204);
    assertEquals(await t.status("GET", `/scheduler/plans/${plan.id}`), 404);
  });
});

Deno.test("scheduler endpoints: a target named by designation is resolved from the catalog at creation", async () => {
  await withServer(async (t) => {
    const deadline = Date.now() + 20_000;
    while ((await t.json<{ state: string }>("GET", "/catalog/status")).state === "importing") {
      assert(Date.now() < deadline, "the catalog import finishes");
      await new Promise((r) => setTimeout(r, 50));
    }
    const plan = await t.json<{ targets: { name: string; ra: number; dec: number }[] }>(
      "POST",
      "/scheduler/plans",
      { name: "by name", targets: [{ name: "M 31", groups: [{ exposure_s: 60, count: 10 }] }] },
    );
    assertAlmostEquals(plan.targets[0]!.ra, 0.712, 0.01);
    assertAlmostEquals(plan.targets[0]!.dec, 41.27, 0.05);
    const unknown = await t.api("POST", "/scheduler/plans", {
      name: "unknown",
      targets: [{ name: "Nowhere 123", groups: [{ exposure_s: 60, count: 10 }] }],
    });
    assertEquals(unknown.status, 400);
    assertMatch(
      (await unknown.json()).error.message,
      /targets\.0\.ra: "Nowhere 123" is not in the catalog/,
    );
  });
});
