/**
 * The hotspot's scan report, parsed: `iw dev wlan0 scan ap-force` recorded in the VM with the
 * box on its hotspot and the "Observatory" access point up (tests/fixtures/nmcli/), and variants
 * of that same report for what the recording could not show (a stale cache entry, an open
 * network, WPA3, a hidden network, a second access point of one network).
 */
import { fileURLToPath } from "node:url";
import { assertEquals } from "../../tests/_assert.ts";
import { dbmToPercent, parseIwScan } from "./ap_scan.ts";

const recorded = Deno.readTextFileSync(
  fileURLToPath(
    new URL("../../tests/fixtures/nmcli/hotspot_iw_scan_ap_force.txt", import.meta.url),
  ),
);

const variant = (edit: (block: string) => string) => edit(recorded);

Deno.test("the recorded report: one WPA2 network on channel 1, full signal", () => {
  assertEquals(parseIwScan(recorded), [
    { ssid: "Observatory", signalPct: 100, security: "WPA2", channel: 1, inUse: false },
  ]);
});

Deno.test("an entry the scan did not see (cfg80211's cache) is left out", () => {
  const stale = variant((b) => b.replace(/last seen: \d+ ms ago/, "last seen: 25364 ms ago"));
  assertEquals(parseIwScan(stale), []);
});

Deno.test("a slow scan's first channels count: the age limit is the scan's own length", () => {
  // Measured in a busy VM: a scan beside the hotspot took over 20 s, and the access point on the
  // first channel was seen at its start.
  const aged = (agoMs: number) =>
    variant((b) => b.replace(/last seen: \d+ ms ago/, `last seen: ${agoMs} ms ago`));
  assertEquals(parseIwScan("# scan_ms: 26000\n" + aged(25_500)).map((n) => n.ssid), [
    "Observatory",
  ]);
  // After iw's bounded wait, the kernel's results are read back: still this scan's.
  assertEquals(parseIwScan("# scan_ms: 31200\n" + aged(29_000)).map((n) => n.ssid), [
    "Observatory",
  ]);
  // A quick scan did not see what is older than itself: that is the cache of an earlier one.
  assertEquals(parseIwScan("# scan_ms: 6000\n" + aged(12_000)), []);
  assertEquals(parseIwScan("# scan_ms: 6000\n" + aged(5_364)).length, 1);
});

Deno.test("open, WPA3, hidden and a second access point of the same network", () => {
  const open = variant((b) =>
    b.replace("ESS Privacy", "ESS").replace(/\tRSN:[\s\S]*?(?=\tSupported operating)/, "")
      .replace("SSID: Observatory", "SSID: Dome cam").replace("-30.00 dBm", "-70.00 dBm")
  );
  const wpa3 = variant((b) =>
    b.replace("Authentication suites: PSK", "Authentication suites: SAE")
      .replace("SSID: Observatory", "SSID: Club")
      .replace("freq: 2412", "freq: 5180").replace("DS Parameter set: channel 1\n", "")
  );
  const hidden = variant((b) => b.replace("SSID: Observatory", "SSID: "));
  const weaker = variant((b) => b.replace("-30.00 dBm", "-85.00 dBm"));
  const found = parseIwScan([weaker, open, wpa3, hidden].join(""));
  assertEquals(
    found,
    [
      { ssid: "Observatory", signalPct: 25, security: "WPA2", channel: 1, inUse: false },
      { ssid: "Club", signalPct: 100, security: "WPA3", channel: 36, inUse: false },
      { ssid: "Dome cam", signalPct: 50, security: "", channel: 1, inUse: false },
    ].sort((a, b) => b.signalPct - a.signalPct),
  );
  // The stronger report of one network wins.
  assertEquals(parseIwScan(weaker + recorded)[0]!.signalPct, 100);
});

Deno.test("signal quality on NetworkManager's scale", () => {
  assertEquals([-20, -40, -70, -100, -110].map(dbmToPercent), [100, 100, 50, 0, 0]);
});
