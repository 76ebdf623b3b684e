/**
 * Logs, health, the 503 of disconnected devices, the OpenAPI document and docs page, and the web
 * app's static files, through the real app.
 */
import { gunzipSync } from "fflate";
import { resolveInside } from "./web.ts";
import { assert, assertEquals, assertMatch } from "../tests/_assert.ts";
import { API, expect400, expectStatus, rig } from "./_test_app.ts";
Deno.test("logs: filters by level and time, validates the query, downloads gzipped NDJSON", async () => {
  await using r = await rig();
  const t0 = Date.now();
  const log = r.logs.logger("probe");
  log.debug("quiet detail");
  log.warn("dew on the corrector", { humidity: 93 });
  log.error("focuser stalled");

  const warn = await r.json<{ entries: { source: string; level: string; ts: string }[] }>(
    "GET",
    `${API}/logs?level=warn&since=${t0}`,
  );
  const mine = warn.entries.filter((e) => e.source === "probe");
  assertEquals(mine.map((e) => e.level), ["warn", "error"]);
  assert(mine.every((e) => !Number.isNaN(Date.parse(e.ts))));
  assertEquals(
    (await r.json<{ entries: unknown[] }>("GET", `${API}/logs?limit=1`)).entries.length,
    1,
  );
  const iso = new Date(t0 - 60_000).toISOString();
  const until = new Date(t0 - 30_000).toISOString();
  const none = await r.json<{ entries: unknown[] }>(
    "GET",
    `${API}/logs?since=${iso}&until=${until}`,
  );
  assertEquals(none.entries.length, 0);

  await expect400(await r.call("GET", `${API}/logs?since=yesterday`), "query.since");
  await expect400(await r.call("GET", `${API}/logs?until=2026-13-45`), "query.until");
  await expect400(await r.call("GET", `${API}/logs?limit=0`), "query.limit");
  await expect400(await r.call("GET", `${API}/logs?limit=5001`), "query.limit");
  await expect400(await r.call("GET", `${API}/logs?level=verbose`), "query.level");

  const res = await r.call("GET", `${API}/logs/download?level=warn&since=${t0}`);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/gzip");
  assertMatch(
    res.headers.get("content-disposition") ?? "",
    /attachment; filename="openskylab-logs-\d{4}-\d{2}-\d{2}\.ndjson\.gz"/,
  );
  const text = new TextDecoder().decode(gunzipSync(new Uint8Array(await res.arrayBuffer())));
  const lines = text.trim().split("\n").map((line) => JSON.parse(line));
  const probe = lines.filter((e) => e.source === "probe");
  assertEquals(probe.map((e) => e.message), ["dew on the corrector", "focuser stalled"]);
  assertEquals(probe[0].fields, { humidity: 93 });
  await expect400(await r.call("GET", `${API}/logs/download?since=nope`), "query.since");
});

Deno.test("health: public, with version, uptime and every role", async () => {
  await using r = await rig();
  const health = await r.json<{
    status: string;
    version: string;
    uptime_s: number;
    devices: { role: string; state: string; simulated: boolean }[];
  }>("GET", `${API}/health`);
  assertEquals(health.status, "ok");
  assertEquals(health.version, "test");
  assert(health.uptime_s >= 0);
  assertEquals(health.devices.length, 9);
  assert(health.devices.every((d) => d.state === "connected" && d.simulated));
});

Deno.test("devices not connected answer 503", async () => {
  await using r = await rig();
  await r.hub.disconnect("focuser");
  await expectStatus(await r.call("GET", `${API}/focuser/status`), 503, "device_not_connected");
  await r.hub.disconnect("weather");
  await expectStatus(
    await r.call("POST", `${API}/weather/override`, { safe: true }),
    503,
    "device_not_connected",
  );
});

Deno.test("openapi.json lists every path of these groups; /api/docs serves swagger-ui", async () => {
  await using r = await rig();
  const doc = await r.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
    "GET",
    `${API}/openapi.json`,
  );
  assertEquals(doc.openapi, "3.1.0");
  const expected: [string, string][] = [
    ["get", "/focuser/status"],
    ["post", "/focuser/move"],
    ["post", "/focuser/move-rel"],
    ["post", "/focuser/halt"],
    ["post", "/focuser/autofocus"],
    ["get", "/focuser/autofocus"],
    ["post", "/focuser/autofocus/abort"],
    ["get", "/filterwheel/status"],
    ["post", "/filterwheel/move"],
    ["get", "/filterwheel/filters"],
    ["put", "/filterwheel/filters"],
    ["get", "/rotator/status"],
    ["post", "/rotator/move"],
    ["post", "/rotator/move-mechanical"],
    ["post", "/rotator/sync"],
    ["post", "/rotator/reverse"],
    ["post", "/rotator/halt"],
    ["get", "/flatpanel/status"],
    ["post", "/flatpanel/cover"],
    ["post", "/flatpanel/light"],
    ["get", "/dome/status"],
    ["post", "/dome/shutter"],
    ["post", "/dome/slew"],
    ["post", "/dome/park"],
    ["post", "/dome/home"],
    ["post", "/dome/slave"],
    ["post", "/dome/abort"],
    ["get", "/weather/status"],
    ["post", "/weather/refresh"],
    ["post", "/weather/override"],
    ["get", "/guiding/status"],
    ["post", "/guiding/start"],
    ["post", "/guiding/stop"],
    ["post", "/guiding/dither"],
    ["get", "/logs"],
    ["get", "/logs/download"],
    ["get", "/health"],
  ];
  for (const [method, path] of expected) {
    assert(doc.paths[`${API}${path}`]?.[method], `${method.toUpperCase()} ${API}${path} missing`);
  }
  const raw = JSON.stringify(doc);
  assert(raw.includes('"bearerAuth"'), "the bearer security scheme is documented");

  const page = await r.call("GET", "/api/docs");
  assertEquals(page.status, 200);
  assertMatch(page.headers.get("content-type") ?? "", /text\/html/);
  const html = await page.text();
  assertMatch(html, /\/api\/v1\/openapi\.json/);
  assertMatch(html, /requestInterceptor/);
  assert(!/https?:\/\//.test(html), "the docs page must not load anything from the internet");
  const bundle = await r.call("GET", "/api/docs/swagger-ui-bundle.js");
  assertEquals(bundle.status, 200);
  assertMatch(bundle.headers.get("content-type") ?? "", /javascript/);
  assert((await bundle.arrayBuffer()).byteLength > 100_000);
  const css = await r.call("GET", "/api/docs/swagger-ui.css");
  assertEquals(css.status, 200);
  await css.body?.cancel();
  await expectStatus(await r.call("GET", "/api/docs/package.json"), 404);
});

Deno.test("web app: index at /, content types, no directory traversal", async () => {
  await using r = await rig();
  const index = await r.call("GET", "/");
  assertEquals(index.status, 200);
  assertMatch(index.headers.get("content-type") ?? "", /text\/html/);
  assertMatch(await index.text(), /OpenSkyLab/);
  const byName = await r.call("GET", "/index.html");
  assertEquals(byName.status, 200);
  await byName.body?.cancel();
  for (const path of ["/../deno.json", "/%2e%2e/deno.json", "/..%2fdeno.json", "/nope.js"]) {
    const res = await r.call("GET", path);
    assertEquals(res.status, 404, path);
    await res.body?.cancel();
  }
  assertEquals(resolveInside("/srv/web", "/../etc/passwd"), null);
  assertEquals(resolveInside("/srv/web", "/a/%2e%2e/%2e%2e/x"), null);
  assertEquals(resolveInside("/srv/web", "/%E0%A4%A"), null);
  assertEquals(resolveInside("/srv/web", "/css/"), "/srv/web/css/index.html");
  assertEquals(resolveInside("/srv/web", "/a/../b.js"), "/srv/web/b.js");
});
