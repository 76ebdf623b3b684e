/**
 * The hotspot comes back whenever the radio is neither home nor on the hotspot: idle at two
 * reads in a row, or anything else (NetworkManager retrying a home network that has gone) for
 * `adriftMs`; and when NetworkManager says home but the kernel has no link, at two reads. Never
 * while home with a link. nmcli here is a runner that plays NetworkManager's answers for one
 * radio, not a binary; the kernel's carrier is given by each test.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { HOTSPOT_ID } from "./hotspot.ts";
import type { NmcliRunner } from "./nmcli.ts";
import { withStartedManager } from "./_started_manager.ts";

const ADRIFT_MS = 400;
const POLL_MS = 20;

/** One radio whose state the test sets; `connection up` of the hotspot makes it the hotspot. */
function radio(state: string, connection: string) {
  const ups: number[] = [];
  const startedMs = performance.now();
  const nm: NmcliRunner = {
    run(args) {
      const line = args.join(" ");
      if (line === "-f RUNNING general") return Promise.resolve("running\n");
      if (line === "-g NAME connection show") {
        return Promise.resolve(`${HOTSPOT_ID}\nObservatory\n`);
      }
      if (line.startsWith("-g 802-11-wireless.ssid")) return Promise.resolve("OpenSkyLab-cdef\n");
      if (line.startsWith("-s -g 802-11-wireless-security.psk")) {
        return Promise.resolve("a-changed-password\n");
      }
      if (line.endsWith("device status")) {
        return Promise.resolve(`wlan0:wifi:${state}:${connection}\n`);
      }
      if (line.startsWith("-g IP4.ADDRESS")) return Promise.resolve("192.168.77.50/24\n");
      if (line === `connection up id ${HOTSPOT_ID}`) {
        ups.push(performance.now() - startedMs);
        state = "connected";
        connection = HOTSPOT_ID;
        return Promise.resolve("Connection successfully activated\n");
      }
      return Promise.reject(new Error(`not scripted: nmcli ${line}`));
    },
  };
  return { nm, ups };
}

async function run(
  state: string,
  connection: string,
  forMs: number,
  /** The kernel's link: up unless a test says otherwise (never this machine's own radio). */
  carrier: boolean | null = true,
) {
  const r = radio(state, connection);
  return await withStartedManager({
    nm: r.nm,
    pollEveryMs: POLL_MS,
    adriftMs: ADRIFT_MS,
    carrier: () => Promise.resolve(carrier),
  }, async (wifi) => {
    // A first start writes the captive-DNS phase and restarts a hotspot that is up: not this.
    const atStart = r.ups.length;
    await new Promise((resolve) => setTimeout(resolve, forMs));
    return { ups: r.ups.slice(atStart), mode: (await wifi.status()).mode };
  });
}

Deno.test("Wi-Fi adrift: still retrying a home network that has gone → the hotspot after adriftMs", async () => {
  const { ups, mode } = await run("connecting (configuring)", "Observatory", ADRIFT_MS * 4);
  assertEquals(ups.length, 1, `hotspot raised at ${ups.join(", ")} ms`);
  assert(ups[0]! >= ADRIFT_MS, `raised after ${ups[0]} ms, before ${ADRIFT_MS} ms adrift`);
  assertEquals(mode, "hotspot");
});

Deno.test("Wi-Fi adrift: an idle radio → the hotspot at the second read", async () => {
  const { ups, mode } = await run("disconnected", "", ADRIFT_MS);
  assertEquals(ups.length, 1);
  assert(ups[0]! < ADRIFT_MS, `raised after ${ups[0]} ms: an idle radio does not wait adriftMs`);
  assertEquals(mode, "hotspot");
});

Deno.test("Wi-Fi adrift: home, or the hotspot itself, is left alone", async () => {
  assertEquals((await run("connected", "Observatory", ADRIFT_MS * 2)).ups, []);
  assertEquals((await run("connected", HOTSPOT_ID, ADRIFT_MS * 2)).ups, []);
});

Deno.test("Wi-Fi adrift: home as NetworkManager says, with no link in the kernel → the hotspot at the second read", async () => {
  const { ups, mode } = await run("connected", "Observatory", ADRIFT_MS, false);
  assertEquals(ups.length, 1);
  assert(ups[0]! < ADRIFT_MS, `raised after ${ups[0]} ms: a dead link does not wait adriftMs`);
  assertEquals(mode, "hotspot");
  // A kernel that cannot say is no reason to leave home.
  assertEquals((await run("connected", "Observatory", ADRIFT_MS * 2, null)).ups, []);
});
