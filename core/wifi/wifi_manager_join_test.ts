/**
 * Before a join leaves the hotspot, the box checks the network is in range: the list the phone
 * has just been shown answers (a scan beside the hotspot takes 5–30 s), else two new scans, and a
 * network in neither is refused with the hotspot kept. nmcli is a runner that plays
 * NetworkManager's answers for a radio on its hotspot; the scanner is the hotspot scan's
 * interface (in the box a root unit running iw, tested in the VM) with scripted answers.
 */
import { EventBus } from "../event_bus.ts";
import { type Clock, ManualClock, systemClock } from "../../lib/clock.ts";
import { assertEquals } from "../../tests/_assert.ts";
import type { ApScanner } from "./ap_scan.ts";
import { HOTSPOT_ID } from "./hotspot.ts";
import type { NmcliRunner } from "./nmcli.ts";
import type { VisibleNetwork } from "./terse.ts";
import { withStartedManager } from "./_started_manager.ts";
import { WifiManager } from "./wifi_manager.ts";

const HOME: VisibleNetwork = {
  ssid: "Observatory",
  signalPct: 80,
  security: "WPA2",
  channel: 1,
  inUse: false,
};
/** Where the scripted NetworkManager stops a join that got past the range check. */
const ADD_REFUSED = "connection add reached";

function onHotspot() {
  const calls: string[] = [];
  const nm: NmcliRunner = {
    run(args) {
      const line = args.join(" ");
      calls.push(line);
      if (line === "-f RUNNING general") return Promise.resolve("running\n");
      if (line === "-g NAME connection show") return Promise.resolve(`${HOTSPOT_ID}\n`);
      if (line.startsWith("-f NAME,UUID,TYPE")) {
        return Promise.resolve(
          `${HOTSPOT_ID}:1bacfbfe-089d-4ebe-9d7e-8e7b3e2d2810:802-11-wireless:0:yes:wlan0\n`,
        );
      }
      if (line.startsWith("-g 802-11-wireless.ssid,802-11-wireless.mode")) {
        return Promise.resolve("OpenSkyLab-cdef\nap\n");
      }
      if (line.startsWith("-g 802-11-wireless.ssid")) return Promise.resolve("OpenSkyLab-cdef\n");
      if (line.startsWith("-s -g 802-11-wireless-security.psk")) {
        return Promise.resolve("a-changed-password\n");
      }
      if (line.endsWith("device status")) {
        return Promise.resolve(`wlan0:wifi:connected:${HOTSPOT_ID}\n`);
      }
      if (line.startsWith("-g IP4.ADDRESS")) return Promise.resolve("10.42.0.1/24\n");
      if (line === `connection up id ${HOTSPOT_ID}`) return Promise.resolve("activated\n");
      if (line.startsWith("connection add")) return Promise.reject(new Error(ADD_REFUSED));
      return Promise.reject(new Error(`not scripted: nmcli ${line}`));
    },
  };
  return { nm, calls };
}

/** A hotspot scanner answering from a script, one list per scan (the last one repeats). */
function scanner(answers: VisibleNetwork[][]) {
  let scans = 0;
  const s: ApScanner = {
    scan: () => Promise.resolve(answers[Math.min(scans++, answers.length - 1)]!),
  };
  return { s, scans: () => scans };
}

async function withBox(
  answers: VisibleNetwork[][],
  fn: (wifi: WifiManager, scans: () => number, bus: EventBus, nmcli: string[]) => Promise<void>,
  clock: Clock = systemClock,
) {
  const sc = scanner(answers);
  const radio = onHotspot();
  await withStartedManager({
    nm: radio.nm,
    apScanner: sc.s,
    clock,
    joinStartDelayMs: 0,
  }, async (wifi, bus) => {
    radio.calls.length = 0;
    await fn(wifi, sc.scans, bus, radio.calls);
  });
}

/** Asks for a join and waits for its end. */
async function join(wifi: WifiManager, bus: EventBus, clock?: Clock) {
  const ended = new Promise<{ outcome: string; reason: string | null }>((resolve) => {
    const off = bus.subscribe((e) => {
      if (e.type === "wifi.join" && e.data.outcome !== "started") {
        off();
        resolve({ outcome: e.data.outcome, reason: e.data.reason });
      }
    });
  });
  await wifi.connect({ ssid: HOME.ssid, password: "correct horse" });
  // The join starts after a 0 ms sleep on the box's clock: a manual one must be moved.
  if (clock instanceof ManualClock) await clock.advance(0);
  return await ended;
}

Deno.test("Wi-Fi join: the network in the list just shown is joined without a new scan", async () => {
  await withBox([[HOME]], async (wifi, scans, bus) => {
    assertEquals((await wifi.scan()).networks.map((n) => n.ssid), [HOME.ssid]);
    assertEquals(scans(), 1);
    const end = await join(wifi, bus);
    assertEquals(end, { outcome: "failed", reason: ADD_REFUSED });
    assertEquals(scans(), 1);
  });
});

Deno.test("Wi-Fi join: missed by the first scan, seen by the second → joined", async () => {
  await withBox([[], [], [HOME]], async (wifi, scans, bus) => {
    assertEquals((await wifi.scan()).networks, []);
    const end = await join(wifi, bus);
    assertEquals(end, { outcome: "failed", reason: ADD_REFUSED });
    assertEquals(scans(), 3);
  });
});

Deno.test("Wi-Fi join: in neither the list nor two new scans → refused, the hotspot left alone", async () => {
  await withBox([[]], async (wifi, scans, bus, nmcli) => {
    const end = await join(wifi, bus);
    assertEquals(end, { outcome: "failed", reason: `"${HOME.ssid}" is not in range` });
    // The list (read for the password check), then two new scans.
    assertEquals(scans(), 3);
    // Bringing the hotspot "up" again would have dropped the phone for nothing.
    assertEquals(nmcli.filter((c) => c.startsWith("connection ")), []);
  });
});

Deno.test("Wi-Fi join: a list older than a minute is not trusted", async () => {
  const clock = new ManualClock();
  await withBox([[HOME], []], async (wifi, scans, bus) => {
    await wifi.scan();
    await clock.advance(61_000);
    const end = await join(wifi, bus, clock);
    assertEquals(end, { outcome: "failed", reason: `"${HOME.ssid}" is not in range` });
    assertEquals(scans(), 3);
  }, clock);
});
