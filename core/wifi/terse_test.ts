/**
 * nmcli's terse output as the real nmcli (NetworkManager 1.42, Debian 12) printed it in the VM on
 * hwsim radios, recorded by tests/vm/wifi_test.ts (OPENSKYLAB_RECORD_NMCLI) into
 * tests/fixtures/nmcli/: the box on its hotspot, then joined to the "Observatory" network.
 */
import { fileURLToPath } from "node:url";
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import {
  parseConnections,
  parseDevices,
  parseTerse,
  parseValues,
  parseWifiList,
  splitTerse,
} from "./terse.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(
    fileURLToPath(new URL(`../../tests/fixtures/nmcli/${name}.txt`, import.meta.url)),
  );

Deno.test("escaped colons (a BSSID) stay inside their field", () => {
  assertEquals(
    parseTerse(fixture("client_wifi_bssid"), ["SSID", "BSSID", "SIGNAL"] as const),
    [{ SSID: "Observatory", BSSID: "02:00:00:00:01:00", SIGNAL: "90" }],
  );
  assertEquals(splitTerse("a\\\\b:c\\:d:"), ["a\\b", "c:d", ""]);
});

Deno.test("wifi list: the hotspot's own line while in AP mode, home when joined", () => {
  assertEquals(parseWifiList(fixture("hotspot_wifi_list")), [
    { ssid: "OpenSkyLab-8436", signalPct: 0, security: "WPA2", channel: 6, inUse: true },
  ]);
  assertEquals(parseWifiList(fixture("client_wifi_list")), [
    { ssid: "Observatory", signalPct: 90, security: "WPA2", channel: 1, inUse: true },
  ]);
  // Hidden networks are dropped; an SSID on two BSSIDs keeps its best signal.
  assertEquals(
    parseWifiList(":40:WPA2:11: \nHome:30:WPA2:1: \nHome:70:WPA2:6: \n").map((
      n,
    ) => [n.ssid, n.signalPct]),
    [["Home", 70]],
  );
});

Deno.test("connections: priorities, active and device, the hotspot at -10", () => {
  const hotspot = parseConnections(fixture("hotspot_connections"));
  assertEquals(hotspot[0], {
    name: "openskylab-hotspot",
    uuid: "7f456763-f14b-413e-8b36-7b89767408a2",
    type: "802-11-wireless",
    priority: -10,
    active: true,
    device: "wlan0",
  });
  const client = parseConnections(fixture("client_connections"));
  assertEquals(
    client.map((c) => [c.name, c.priority, c.active, c.device]),
    [
      ["Observatory", 10, true, "wlan0"],
      ["Wired connection 1", -999, true, "enp0s1"],
      ["lo", 0, true, "lo"],
      ["openskylab-hotspot", -10, false, ""],
    ],
  );
});

Deno.test("devices: the radio's state and connection; unmanaged test radios are listed", () => {
  const hotspot = parseDevices(fixture("hotspot_devices"));
  assertEquals(hotspot[0], {
    device: "wlan0",
    type: "wifi",
    state: "connected",
    connection: "openskylab-hotspot",
  });
  assertEquals(hotspot.filter((d) => d.state === "unmanaged").map((d) => d.device), [
    "hwsim0",
    "wlan1",
    "wlan2",
  ]);
  assertEquals(parseDevices(fixture("hotspot_devices"))[2]?.state, "connected (externally)");
  assertEquals(parseDevices(fixture("client_devices"))[0]?.connection, "Observatory");
});

Deno.test("-g values: one a line, in the order asked", () => {
  assertEquals(parseValues(fixture("hotspot_values"), ["ssid", "mode"] as const), {
    ssid: "OpenSkyLab-8436",
    mode: "ap",
  });
  assertEquals(parseValues(fixture("client_values"), ["ssid", "mode"] as const), {
    ssid: "Observatory",
    mode: "infrastructure",
  });
  assertEquals(fixture("client_ip4").trim(), "192.168.77.62/24");
  assertEquals(fixture("general").trim(), "running");
});

Deno.test("a line of the wrong width is an error, not a guess", () => {
  assertThrows(() => parseDevices("wlan0:wifi:connected\n"), RangeError, "3 fields where 4");
});
