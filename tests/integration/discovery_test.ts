/**
 * Device discovery through the real server: the box's own Alpaca server (started by the harness
 * on a free port, its discovery responder on a free UDP port of this test's choosing) is found by
 * the probe aimed at 127.0.0.1 and its configured devices come back with assignments our Alpaca
 * driver accepts; installed INDI simulators are listed under their roles; bad queries are 400s.
 * Every probe stays on loopback (the harness pins `alpaca.discovery_address` to 127.0.0.1).
 */
import dgram from "node:dgram";
import { assert, assertEquals } from "../_assert.ts";
import { AlpacaOptions, AlpacaWeatherOptions } from "../../devices/alpaca/options.ts";
import { parseOptions } from "../../devices/driver_catalogue.ts";
import type { DiscoveryResult } from "../../devices/discovery.ts";
import { withServer } from "./_server.ts";

/** A UDP port free on loopback right now (bound, read, released). */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

Deno.test("discover: our own Alpaca server is found with ready-to-paste assignments", async () => {
  const discoveryPort = await freeUdpPort();
  await withServer(async (t) => {
    const startMs = performance.now();
    const result = await t.json<DiscoveryResult>(
      "GET",
      "/devices/discover?alpaca=true&timeout_ms=3000",
    );
    const tookMs = performance.now() - startMs;
    assertEquals(result.alpaca.address, "127.0.0.1");
    assertEquals(result.alpaca.port, discoveryPort);
    assertEquals(result.alpaca.error, null);
    const ours = result.alpaca.servers.find((s) => s.port === t.server.alpacaPort);
    assert(ours, `our server is missing: ${JSON.stringify(result.alpaca.servers)}`);
    assertEquals([ours.host, ours.error], ["127.0.0.1", null]);
    const byType = new Map(ours.devices.map((d) => [d.device_type, d]));
    for (const [type, role] of [["Telescope", "mount"], ["Camera", "camera"]] as const) {
      const device = byType.get(type);
      assertEquals(device?.role, role, `${type}: ${JSON.stringify(device)}`);
      assertEquals(device?.assignment, {
        driver: "alpaca",
        options: { host: "127.0.0.1", port: t.server.alpacaPort, deviceNumber: 0 },
      });
      // The assignment is what our Alpaca driver takes, as is.
      const parsed = parseOptions(AlpacaOptions, device!.assignment!.options, "alpaca");
      assertEquals([parsed.host, parsed.port], ["127.0.0.1", t.server.alpacaPort]);
    }
    assert(byType.get("Telescope")!.name.length > 0);
    if (byType.has("SafetyMonitor")) {
      assertEquals(byType.get("SafetyMonitor")?.assignment, null);
      const weather = byType.get("ObservingConditions");
      assertEquals(weather?.assignment?.options.safetyDeviceNumber, 0);
      parseOptions(AlpacaWeatherOptions, weather?.assignment?.options, "alpaca weather");
    }
    // The other sections answered too (how long it took is printed, not judged: a busy machine
    // is not a broken one).
    assertEquals(result.serial_ports.error, null);
    assertEquals(result.zwo.sdks.map((s) => s.sdk), ["asi", "eaf", "efw"]);
    console.log(
      `bench discovery: ${tookMs.toFixed(0)} ms end to end, alpaca section ` +
        `${result.alpaca.elapsed_ms} ms, indi ${result.indi.elapsed_ms} ms`,
    );
  }, {
    alpacaDiscoveryPort: discoveryPort,
    configToml: `[alpaca]\ndiscovery_address = "127.0.0.1"\ndiscovery_port = ${discoveryPort}\n`,
  });
});

Deno.test("discover: alpaca=false sends no probe; bad queries are 400s naming the field", async () => {
  await withServer(async (t) => {
    const result = await t.json<DiscoveryResult>("GET", "/devices/discover?alpaca=false");
    assertEquals([result.alpaca.skipped, result.alpaca.servers], [true, []]);
    for (
      const [query, field] of [["timeout_ms=5", "timeout_ms"], ["alpaca=yes", "alpaca"]] as const
    ) {
      const res = await t.api("GET", `/devices/discover?${query}`);
      const text = await res.text();
      assertEquals(res.status, 400, text);
      assert(text.includes(field), text);
    }
  });
});

const INDI_TELESCOPE = "/usr/bin/indi_simulator_telescope";
const hasIndi = await Deno.stat(INDI_TELESCOPE).then(() => true, () => false);

Deno.test({
  name: `discover: installed INDI simulators are listed by role${
    hasIndi ? "" : " (skipped: indi-bin is not installed)"
  }`,
  ignore: !hasIndi,
  fn: async () => {
    await withServer(async (t) => {
      const result = await t.json<DiscoveryResult>("GET", "/devices/discover?alpaca=false");
      assertEquals([result.indi.error, result.indi.found], [null, true]);
      const executables = (role: string) =>
        result.indi.groups.find((g) => g.role === role)?.drivers.map((d) => d.executable) ?? [];
      assert(executables("mount").includes("indi_simulator_telescope"));
      assert(executables("camera").includes("indi_simulator_ccd"));
      assert(executables("rotator").includes("indi_simulator_rotator"));
      assert(executables("flatpanel").includes("indi_simulator_lightpanel"));
      assert(!executables("focuser").includes("indi_simulator_rotator"));
    });
  },
});
