/**
 * The Wi-Fi group and the captive portal through the real app. On a machine without
 * NetworkManager (this one, CI) the Wi-Fi manager finds no nmcli and every /wifi call answers 503
 * with that reason, never made-up networks; bodies are still validated first (400 naming the
 * field). The captive probes are checked in both phases; the hotspot itself, joins, fallback and
 * return run against the real NetworkManager in the VM (tests/vm/wifi_test.ts).
 */
import { EventBus } from "../core/event_bus.ts";
import { Nmcli } from "../core/wifi/nmcli.ts";
import { WifiManager } from "../core/wifi/wifi_manager.ts";
import { systemClock } from "../lib/clock.ts";
import { silentLogger } from "../lib/log.ts";
import { assertEquals, assertMatch } from "../tests/_assert.ts";
import { createApp } from "./app.ts";
import { captiveRoutes, PORTAL_URL, PROBE_PATHS } from "./captive.ts";
import { API, expect400, expectStatus } from "./_test_app.ts";
import { wifiRoutes } from "./wifi.ts";
import { WsHub } from "./ws.ts";

async function app(phase: () => "setup" | "done" | null = () => null) {
  const bus = new EventBus({ clock: systemClock, validate: true });
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-wifi-" });
  const wifi = new WifiManager({
    // A path that cannot exist: the test never drives a developer's own NetworkManager.
    nm: new Nmcli("/nonexistent/nmcli"),
    apScanner: null,
    bus,
    log: silentLogger,
    clock: systemClock,
    dataDir,
    serial: () => Promise.resolve("0123456789abcdef"),
  });
  await wifi.start();
  const ws = new WsHub(bus, silentLogger);
  const hono = createApp({
    groups: [{ prefix: "/wifi", router: wifiRoutes({ wifi }) }],
    log: silentLogger,
    token: "t".repeat(43),
    trustedNetworks: ["127.0.0.0/8"],
    corsOrigins: [],
    ws,
    version: "test",
    rootRoutes: [captiveRoutes({ phase })],
  });
  const call = (method: string, path: string, body?: unknown) =>
    hono.request(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }, { remoteAddr: { hostname: "127.0.0.1", port: 1, transport: "tcp" } });
  return {
    call,
    [Symbol.asyncDispose]: async () => {
      await wifi.stop();
      ws.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

Deno.test("without NetworkManager every /wifi route answers 503 with the reason", async () => {
  await using a = await app();
  for (
    const [method, path, body] of [
      ["GET", "/wifi/status"],
      ["GET", "/wifi/scan"],
      ["GET", "/wifi/networks"],
      ["POST", "/wifi/connect", { ssid: "Home", password: "long-enough" }],
      ["POST", "/wifi/forget", { ssid: "Home" }],
      ["POST", "/wifi/hotspot", { setup_complete: true }],
    ] as const
  ) {
    const res = await a.call(method, `${API}${path}`, body);
    const json = await res.json();
    assertEquals(res.status, 503, `${path}: ${JSON.stringify(json)}`);
    assertEquals(json.error.code, "unavailable");
    assertMatch(json.error.message, /no NetworkManager/);
  }
});

Deno.test("/wifi bodies: 400 naming the field", async () => {
  await using a = await app();
  await expect400(await a.call("POST", `${API}/wifi/connect`, {}), "ssid");
  await expect400(
    await a.call("POST", `${API}/wifi/connect`, { ssid: "x".repeat(33) }),
    "ssid",
    /1 to 32 bytes/,
  );
  await expect400(
    await a.call("POST", `${API}/wifi/connect`, { ssid: "Home", password: "short" }),
    "password",
    /8 to 63/,
  );
  await expect400(
    await a.call("POST", `${API}/wifi/connect`, { ssid: "Home", priority: 500 }),
    "priority",
  );
  await expect400(await a.call("POST", `${API}/wifi/forget`, { ssid: "" }), "ssid");
  await expect400(
    await a.call("POST", `${API}/wifi/hotspot`, { password: "x".repeat(64) }),
    "password",
  );
  await expectStatus(await a.call("POST", `${API}/wifi/hotspot`, {}), 400, "validation_failed");
});

Deno.test("captive probes: the setup page during setup, 'no internet' after, nothing without Wi-Fi", async () => {
  let phase: "setup" | "done" | null = "setup";
  await using a = await app(() => phase);
  for (const path of PROBE_PATHS) {
    const res = await a.call("GET", path);
    assertEquals(res.status, 302, path);
    assertEquals(res.headers.get("location"), PORTAL_URL, path);
    assertEquals(res.headers.get("cache-control"), "no-store", path);
  }
  phase = "done";
  for (const path of PROBE_PATHS) {
    const res = await a.call("GET", path);
    // Never Android's 204 or Apple's "Success": a phone told "online" loses its mobile data.
    assertEquals(res.status, 503, path);
    assertMatch(await res.text(), /no internet/);
  }
  phase = null;
  const res = await a.call("GET", "/generate_204");
  assertEquals(res.status, 404);
  await res.body?.cancel();
});

Deno.test("a machine that is not a box (os_control false) never runs nmcli: 503 saying so", async () => {
  const wifi = new WifiManager({
    nm: null,
    apScanner: null,
    bus: new EventBus({ clock: systemClock, validate: true }),
    log: silentLogger,
    clock: systemClock,
    dataDir: "/nonexistent",
    serial: () => Promise.resolve("0"),
  });
  await wifi.start();
  assertMatch(wifi.unavailableReason ?? "", /only on the box/);
  const err = await wifi.status().then(() => null, (e) => e);
  assertEquals(err?.status, 503);
  await wifi.stop();
});
