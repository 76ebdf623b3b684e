/**
 * The sequencer, sequences and templates groups over a real socket: create with every problem in
 * one 400, 409s for conflicts (resume with nothing to resume, pause while idle, delete while
 * running), a template saved from a sequence and instantiated for another target, and the
 * OpenAPI document listing the new paths.
 */
import { assert, assertEquals } from "../_assert.ts";
import { withServer } from "./_server.ts";

const PLAN = {
  name: "plan",
  targets: [{
    name: "M 31",
    ra: 0.712,
    dec: 41.27,
    groups: [{ filter: "L", exposure_s: 30, count: 10 }],
  }],
  options: { slew: false },
};

Deno.test("sequences, sequencer and templates endpoints", async () => {
  await withServer(async (t) => {
    const bad = await t.api("POST", "/sequences", {
      name: "bad",
      targets: [{
        name: "X",
        ra: 30,
        dec: 0,
        groups: [{ filter: "Nope", exposure_s: 1, count: 0 }],
      }],
    });
    assertEquals(bad.status, 400);
    const fields = (await bad.json()).error.details.issues.map((i: { field: string }) => i.field);
    assertEquals(fields.sort(), [
      "body.targets.0.groups.0.count",
      "body.targets.0.groups.0.filter",
      "body.targets.0.ra",
    ]);
    const seq = await t.json<{ id: string }>("POST", "/sequences", PLAN);
    assertEquals((await t.json<{ sequences: unknown[] }>("GET", "/sequences")).sequences.length, 1);
    assertEquals(await t.status("GET", `/sequences/${seq.id}`), 200);
    assertEquals(await t.status("GET", "/sequencer/checkpoint"), 404);
    assertEquals(await t.status("POST", "/sequencer/pause"), 409);
    assertEquals(
      await t.status("POST", "/sequencer/start", { sequence_id: seq.id, resume: true }),
      409,
    );
    assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: "nope" }), 404);
    assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: seq.id }), 202);
    assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: seq.id }), 409);
    assertEquals(await t.status("DELETE", `/sequences/${seq.id}`), 409);
    const status = await t.json<{ state: string; frame: { of: number } }>(
      "GET",
      "/sequencer/status",
    );
    assertEquals([status.state, status.frame.of], ["running", 10]);
    assertEquals(
      (await t.json<{ frames_planned: number }>("GET", "/sequencer/checkpoint")).frames_planned,
      10,
    );
    assertEquals(await t.status("POST", "/sequencer/abort"), 200);
    assertEquals((await t.json<{ state: string }>("GET", "/sequencer/status")).state, "aborted");
    assertEquals(await t.status("DELETE", `/sequences/${seq.id}`), 204);
    assertEquals(await t.status("GET", `/sequences/${seq.id}`), 404);

    const again = await t.json<{ id: string }>("POST", "/sequences", PLAN);
    const template = await t.json<{ id: string; groups: unknown[] }>("POST", "/templates", {
      name: "LRGB wide",
      sequence_id: again.id,
    });
    assertEquals(template.groups.length, 1);
    assertEquals((await t.json<{ templates: unknown[] }>("GET", "/templates")).templates.length, 1);
    const made = await t.json<
      { id: string; name: string; targets: { name: string; ra: number }[] }
    >(
      "POST",
      `/templates/${template.id}/instantiate`,
      { target: { name: "M 33", ra: 1.564, dec: 30.66 } },
    );
    assertEquals([made.targets[0]?.name, made.targets[0]?.ra], ["M 33", 1.564]);
    assert(made.id !== again.id);
    assertEquals(
      await t.status("POST", `/templates/${template.id}/instantiate`, {
        target: { name: "Nowhere-123" },
      }),
      400,
    );
    const doc = await t.json<{ paths: Record<string, unknown> }>("GET", "/openapi.json");
    for (
      const path of [
        "/api/v1/sequences",
        "/api/v1/sequencer/checkpoint",
        "/api/v1/templates/{id}/instantiate",
      ]
    ) {
      assert(path in doc.paths, path);
    }
  });
});
