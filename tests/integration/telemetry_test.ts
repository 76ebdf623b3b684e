/**
 * Telemetry as a user reaches it, on a running box: `GET /api/v1/telemetry`, the history (bad
 * queries refused naming the field), `/metrics` checked by Prometheus's promtool and guarded like
 * the API, the `telemetry.update` event, alerts raised when a (recorded) Raspberry Pi's firmware
 * flags change under the box, and the history kept across a restart.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { SYSFS_GET_THROTTLED } from "../../core/telemetry/throttled.ts";
import { LogSink } from "../../lib/log.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { HAVE_PROMTOOL, promtoolCheckMetrics } from "../_promtool.ts";
import { withServer } from "./_server.ts";

const PI_TREE = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../core/telemetry/testdata/pi4_rpios",
);

async function copyTree(to: string): Promise<string> {
  const out = await new Deno.Command("cp", { args: ["-r", PI_TREE, to] }).output();
  assert(out.success, "copied the recorded tree");
  return to;
}

Deno.test("telemetry: now, history and /metrics from a running box; bad queries name the field", async () => {
  await withServer(async (t) => {
    const now = await t.json<Record<string, Record<string, unknown>>>("GET", "/telemetry");
    assertEquals(now.disk!.path, t.dataDir);
    assert((now.disk!.free_bytes as number) > 0);
    assertEquals(now.imaging, { allowed: true, reason: null, paused_sequence: false });
    assert((now.process!.rss_bytes as number) > 10e6);
    assertEquals(typeof now.cpu!.cores, "number");

    const history = await t.json<{ resolution: string; points: { ts: string; n: number }[] }>(
      "GET",
      "/telemetry/history",
    );
    assertEquals(history.resolution, "raw");
    assert(history.points.length >= 1, "the first sample, before it is written");

    for (
      const [query, field] of [
        ["from=yesterday", "query.from"],
        ["to=2026-13-01T00:00:00Z", "query.to"],
        ["from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "query.from"],
        ["resolution=1s", "query.resolution"],
        ["resolution=raw&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "query.resolution"],
      ]
    ) {
      const res = await t.api("GET", `/telemetry/history?${query}`);
      const body = await res.json();
      assertEquals(res.status, 400, query);
      assertEquals(body.error.details.issues[0].field, field, query);
    }

    const metrics = await fetch(`${t.server.url}/metrics`);
    assertEquals(metrics.status, 200);
    assertMatch(metrics.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    assertMatch(text, /\nopenskylab_data_disk_free_bytes \d+\n/);
    if (HAVE_PROMTOOL) {
      const check = await promtoolCheckMetrics(text);
      assert(check.ok && check.output === "", `promtool check metrics: ${check.output}`);
    }

    const doc = await t.json<{ paths: Record<string, unknown> }>("GET", "/openapi.json");
    for (const path of ["/api/v1/telemetry", "/api/v1/telemetry/history", "/metrics"]) {
      assert(path in doc.paths, `${path} in the OpenAPI document`);
    }

    const events = await t.events("telemetry.*");
    const update = await events.waitFor("telemetry.update");
    assert(typeof update.data.ts === "string");
  });
});

Deno.test("telemetry: /metrics is behind the API's rule (untrusted clients need the token)", async () => {
  await withServer(async (t) => {
    const anonymous = await fetch(`${t.server.url}/metrics`);
    assertEquals(anonymous.status, 401);
    assertEquals((await anonymous.json()).error.code, "unauthorized");
    const scraper = await fetch(`${t.server.url}/metrics`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    assertEquals(scraper.status, 200);
    await scraper.body?.cancel();
  }, { trustedNetworks: [] });
});

Deno.test({
  name: "telemetry: a Raspberry Pi's under-voltage raises an alert on the WebSocket, and clears",
  ignore: !HAVE_PROMTOOL,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "telemetry-pi-" });
    const root = await copyTree(join(dir, "root"));
    try {
      await Deno.writeTextFile(join(root, SYSFS_GET_THROTTLED), "0\n");
      await withServer(async (t) => {
        const events = await t.events("alert,telemetry.update");
        assertEquals((await t.json<{ throttling: unknown }>("GET", "/telemetry")).throttling, {
          source: "sysfs",
          raw: "0x0",
          now: {
            under_voltage: false,
            arm_freq_capped: false,
            throttled: false,
            soft_temp_limit: false,
          },
          since_boot: {
            under_voltage: false,
            arm_freq_capped: false,
            throttled: false,
            soft_temp_limit: false,
          },
        });
        // The supply sags: the firmware sets bits 0 and 16.
        await Deno.writeTextFile(join(root, SYSFS_GET_THROTTLED), "10001\n");
        const alert = await events.waitFor("alert", (d) => d.source === "telemetry");
        assertEquals(alert.data.level, "error");
        assertMatch(alert.data.message as string, /Under-voltage/);
        const text = await (await fetch(`${t.server.url}/metrics`)).text();
        assert(text.includes('\nopenskylab_throttle_active{flag="under_voltage"} 1\n'), text);
        assert(text.includes("\nopenskylab_cpu_temperature_celsius 61.8\n"));
        assert(text.includes('\nopenskylab_wifi_signal_dbm{interface="wlan0"} -52\n'));
        const check = await promtoolCheckMetrics(text);
        assert(check.ok && check.output === "", `promtool: ${check.output}`);

        await Deno.writeTextFile(join(root, SYSFS_GET_THROTTLED), "10000\n");
        const cleared = await events.waitFor(
          "alert",
          (d) => d.source === "telemetry" && d.level === "info",
        );
        assertMatch(cleared.data.message as string, /Under-voltage has ended/);
        const now = await t.json<{ throttling: { since_boot: { under_voltage: boolean } } }>(
          "GET",
          "/telemetry",
        );
        assertEquals(now.throttling.since_boot.under_voltage, true);
      }, {
        configToml: `[telemetry]\nsample_interval_s = 1\nhost_root = "${root}"\nvcgencmd = ""\n`,
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("telemetry: the history is kept across a restart of the box", async () => {
  const dir = await Deno.makeTempDir({ prefix: "telemetry-restart-" });
  const configPath = join(dir, "config.toml");
  await Deno.writeTextFile(configPath, "[telemetry]\nsample_interval_s = 1\n");
  const logs = new LogSink({ consoleLevel: "silent" });
  const run = async () => {
    const config = await loadConfig(configPath, logs.logger("config"));
    return await startServer({
      config,
      port: 0,
      hostname: "127.0.0.1",
      dataDir: join(dir, "data"),
      logs,
      alpacaPort: 0,
      alpacaDiscoveryPort: null,
    });
  };
  try {
    const first = await run();
    const startedAt = new Date(Date.now() - 1000).toISOString();
    await new Promise((r) => setTimeout(r, 2500));
    const before = await (await fetch(`${first.url}/api/v1/telemetry/history?from=${startedAt}`))
      .json();
    await first.shutdown();
    assert(before.points.length >= 2, `${before.points.length} samples before the restart`);

    const second = await run();
    try {
      const after = await (await fetch(
        `${second.url}/api/v1/telemetry/history?from=${startedAt}&resolution=raw`,
      )).json();
      const times = new Set(after.points.map((p: { ts: string }) => p.ts));
      for (const p of before.points) assert(times.has(p.ts), `${p.ts} kept across the restart`);
    } finally {
      await second.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
