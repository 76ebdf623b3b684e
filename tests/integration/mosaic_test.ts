/**
 * The mosaic group on a running box with the Simulators profile: a mosaic from the profile's
 * field (its 4144 × 2822 sensor of 4.63 µm pixels at 530 mm) or a given one, for coordinates or
 * a catalog name, by rows × columns or by the field to cover; every bad input a 400 naming the
 * field; saved, listed, deleted with their events; turned in one call into a scheduler plan whose
 * targets are the panels in imaging order with their rotator angles; still there after a
 * restart; and documented in the OpenAPI.
 */
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { assert, assertAlmostEquals, assertEquals } from "../_assert.ts";
import { withServer } from "./_server.ts";

interface Panel {
  index: number;
  row: number;
  col: number;
  order: number;
  name: string;
  ra: number;
  dec: number;
  rotation_deg: number;
}
interface Mosaic {
  id: string | null;
  rows: number;
  cols: number;
  field: { width_deg: number; height_deg: number; source: string };
  panels: Panel[];
  order: number[];
  overlaps: { overlap_pct: number; min_pct: number; max_pct: number }[];
  warnings: string[];
}

const M31 = { ra: 0.712305, dec: 41.268903 };
const side = (px: number) => 2 * Math.atan(px * 4.63e-3 / 2 / 530) * 180 / Math.PI;

Deno.test("mosaic: computed from the profile's field, validated, saved, planned, documented", async () => {
  await withServer(async (t) => {
    const events = await t.events("mosaic.*");
    const preview = await t.json<Mosaic>("POST", "/mosaic/preview", {
      name: "M31",
      center: M31,
      rows: 2,
      cols: 3,
      overlap_pct: 20,
      rotation_deg: 35,
    });
    assertEquals(preview.id, null);
    assertEquals(preview.field.source, "profile");
    assertAlmostEquals(preview.field.width_deg, side(4144), 1e-9);
    assertAlmostEquals(preview.field.height_deg, side(2822), 1e-9);
    assertEquals(preview.panels.length, 6);
    assertEquals([...preview.order].sort(), [0, 1, 2, 3, 4, 5]);
    assertEquals(preview.overlaps.length, 2 * 2 + 1 * 3);
    for (const o of preview.overlaps) assertAlmostEquals(o.overlap_pct, 20, 0.1);
    assertEquals(preview.warnings, [], "a telescope mosaic with a rotator: nothing to warn of");
    const field = await t.json<{ width_px: number; focal_length_mm: number }>(
      "GET",
      "/mosaic/field",
    );
    assertEquals([field.width_px, field.focal_length_mm], [4144, 530]);
    const status = await t.json<{ saved: number; field: unknown; max_panels: number }>(
      "GET",
      "/mosaic/status",
    );
    assertEquals([status.saved, status.field, status.max_panels], [0, field, 100]);

    // By catalog name, and by the field to cover.
    const byName = await t.json<Mosaic>("POST", "/mosaic/preview", {
      name: "M31",
      target: "M 31",
      cover: { width_deg: 5, height_deg: 2 },
      overlap_pct: 10,
    });
    assertAlmostEquals(byName.panels[0]!.ra, M31.ra, 0.2);
    // 5° with 2.07° fields overlapping 10 %: 2.07 + 2 × 1.87 ≥ 5 → 3 columns; 2° → 2 rows.
    assertEquals([byName.rows, byName.cols], [2, 3]);

    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await t.api("POST", "/mosaic", { name: "x", center: M31, ...body });
      const text = await res.text();
      assertEquals(res.status, 400, text);
      assert(text.includes(field), `${field}: ${text}`);
    };
    await bad({}, "body.rows");
    await bad({ rows: 2 }, "body.cols");
    await bad({ rows: 2, cols: 2, cover: { width_deg: 3, height_deg: 3 } }, "body.cover");
    await bad({ rows: 10, cols: 11 }, "body.rows");
    await bad({ rows: 2, cols: 2, overlap_pct: 90 }, "body.overlap_pct");
    await bad({ rows: 2, cols: 2, rotation_deg: 360 }, "body.rotation_deg");
    await bad({ rows: 2, cols: 2, center: { ra: 1, dec: 95 } }, "body.center.dec");
    await bad({ rows: 2, cols: 2, center: undefined }, "body.center");
    await bad({ rows: 2, cols: 2, center: undefined, target: "No Such Thing 99" }, "body.target");
    await bad({ rows: 2, cols: 2, field: { width_deg: 0, height_deg: 1 } }, "body.field.width_deg");
    await bad({ cover: { width_deg: 60, height_deg: 60 } }, "body.cover");
    await bad({ rows: 1, cols: 20, field: { width_deg: 20, height_deg: 10 } }, "body.rows");

    // Saved, listed, planned, deleted.
    const saved = await (await t.api("POST", "/mosaic", {
      name: "M31",
      center: M31,
      rows: 2,
      cols: 2,
      rotation_deg: 30,
    })).json() as Mosaic;
    assert(saved.id);
    await events.waitFor("mosaic.saved", (d) => d.id === saved.id && d.panels === 4);
    const { mosaics } = await t.json<{ mosaics: Mosaic[] }>("GET", "/mosaic");
    assertEquals(mosaics.map((m) => m.id), [saved.id]);
    assertEquals((await t.json<Mosaic>("GET", `/mosaic/${saved.id}`)).panels, saved.panels);

    const planned = await t.api("POST", `/mosaic/${saved.id}/plan`, {
      groups: [{ filter: "L", exposure_s: 60, count: 5 }],
      constraints: { min_altitude_deg: 25 },
    });
    const result = await planned.json() as {
      plan: {
        id: string;
        name: string;
        targets: { name: string; ra: number; dec: number; rotation_deg: number }[];
      };
      order: number[];
    };
    assertEquals(planned.status, 201, JSON.stringify(result));
    const byIndex = new Map(saved.panels.map((p) => [p.index, p]));
    assertEquals(result.plan.targets.length, 4);
    result.plan.targets.forEach((target, k) => {
      const panel = byIndex.get(result.order[k]!)!;
      assertEquals(target.name, panel.name);
      assertAlmostEquals(target.ra, panel.ra, 1e-9);
      assertAlmostEquals(target.rotation_deg, panel.rotation_deg, 1e-9);
    });
    const stored = await t.json<typeof result.plan>("GET", `/scheduler/plans/${result.plan.id}`);
    assertEquals(
      stored.targets.map((x) => x.rotation_deg),
      result.plan.targets.map((x) => x.rotation_deg),
    );
    await events.waitFor("mosaic.planned", (d) => d.plan_id === result.plan.id && d.targets === 4);

    // The rig's objections come back named after this request's fields.
    const unknownFilter = await t.api("POST", `/mosaic/${saved.id}/plan`, {
      groups: [{ filter: "Q", exposure_s: 60, count: 5 }],
    });
    const objection = await unknownFilter.text();
    assertEquals(unknownFilter.status, 400, objection);
    assert(objection.includes("body.groups.0.filter"), objection);
    assert(!objection.includes("targets"), objection);
    assertEquals(await t.status("POST", `/mosaic/${saved.id}/plan`, {}), 400);
    assertEquals(
      await t.status("POST", "/mosaic/nope/plan", { groups: [{ exposure_s: 1, count: 1 }] }),
      404,
    );

    assertEquals(await t.status("DELETE", `/mosaic/${saved.id}`), 204);
    await events.waitFor("mosaic.deleted", (d) => d.id === saved.id);
    assertEquals(await t.status("GET", `/mosaic/${saved.id}`), 404);

    const doc = await t.json<{ paths: Record<string, Record<string, { summary?: string }>> }>(
      "GET",
      "/openapi.json",
    );
    for (
      const path of [
        "/api/v1/mosaic",
        "/api/v1/mosaic/status",
        "/api/v1/mosaic/preview",
        "/api/v1/mosaic/field",
        "/api/v1/mosaic/{id}",
        "/api/v1/mosaic/{id}/plan",
      ]
    ) {
      assert(doc.paths[path], `${path} is documented`);
      assert(Object.values(doc.paths[path]!).every((op) => op.summary), `${path} has summaries`);
    }
  });
});

Deno.test("mosaic: near the pole without a rotator the box warns, and saved mosaics survive a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-mosaic-restart-" });
  const logs = new LogSink({ consoleLevel: "silent" });
  const start = async () =>
    await startServer({
      config: await loadConfig(join(dir, "config.toml"), logs.logger("config")),
      port: 0,
      hostname: "127.0.0.1",
      dataDir: join(dir, "data"),
      logs,
      validateEvents: true,
      alpacaPort: 0,
      alpacaDiscoveryPort: null,
    });
  let box = await start();
  try {
    const post = async (path: string, body: unknown) =>
      await (await fetch(`${box.url}/api/v1${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })).json();
    // Take the rotator out of the profile: the panels' angles differ near the pole.
    const active = await (await fetch(`${box.url}/api/v1/profiles/active`)).json();
    const update = await fetch(`${box.url}/api/v1/profiles/${active.id}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: active.name,
        site: active.site,
        optics: active.optics,
        devices: { ...active.devices, rotator: null },
      }),
    });
    assertEquals(update.status, 200, await update.text());
    const polar = await post("/mosaic", {
      name: "NCP",
      center: { ra: 2.5, dec: 89.2 },
      rows: 3,
      cols: 3,
    }) as Mosaic;
    const angles = polar.panels.map((p) => p.rotation_deg);
    assert(Math.max(...angles) - Math.min(...angles) > 10, `angles ${angles}`);
    assert(polar.warnings.some((w) => w.includes("no rotator")), JSON.stringify(polar.warnings));

    await box.shutdown();
    box = await start();
    const { mosaics } = await (await fetch(`${box.url}/api/v1/mosaic`)).json() as {
      mosaics: Mosaic[];
    };
    assertEquals(mosaics.map((m) => [m.id, m.panels.length]), [[polar.id, 9]]);
    assertEquals(mosaics[0]!.panels, polar.panels);
  } finally {
    await box.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mosaic: without a camera in the profile the status says why, and the field must be given", async () => {
  await withServer(async (t) => {
    const active = await t.json<
      { id: string; name: string; site: unknown; optics: unknown; devices: object }
    >("GET", "/profiles/active");
    const update = await t.api("PUT", `/profiles/${active.id}`, {
      name: active.name,
      site: active.site,
      optics: active.optics,
      devices: { ...active.devices, camera: null },
    });
    assertEquals(update.status, 200, await update.text());

    const status = await t.json<
      { field: unknown; field_unavailable: string | null; max_panels: number }
    >("GET", "/mosaic/status");
    assertEquals([status.field, status.field_unavailable, status.max_panels], [
      null,
      "the active profile has no camera",
      100,
    ]);
    const field = await t.api("GET", "/mosaic/field");
    const conflict = await field.json();
    assertEquals([field.status, conflict.error.code], [409, "conflict"]);
    assert(conflict.error.message.includes("no camera"), conflict.error.message);

    const request = { name: "M31", center: M31, rows: 2, cols: 2 };
    const refused = await t.api("POST", "/mosaic/preview", request);
    const body = await refused.json();
    assertEquals(refused.status, 400);
    assertEquals(body.error.details.issues, [{
      field: "body.field",
      reason: "not given, and the active profile has no camera",
    }]);
    const given = await t.json<Mosaic>("POST", "/mosaic/preview", {
      ...request,
      field: { width_deg: 1.5, height_deg: 1 },
    });
    assertEquals([given.field.source, given.panels.length], ["given", 4]);
  });
});
