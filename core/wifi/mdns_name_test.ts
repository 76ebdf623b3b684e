/**
 * The mDNS name keeper against a model of avahi's D-Bus surface as avahi behaves: a name it
 * publishes (renamed `-N` on a conflict), and the network's answers to a `.local` name (nobody,
 * a stale answer with the box's own address, or another box). The real avahi is exercised in the
 * VM Wi-Fi test; the parsers are checked on what busctl and avahi-daemon.conf really hold.
 */
import { ManualClock } from "../../lib/clock.ts";
import { LogSink } from "../../lib/log.ts";
import { assertEquals, assertMatch, assertThrows } from "../../tests/_assert.ts";
import { EventBus } from "../event_bus.ts";
import type { WsEvent } from "../events.ts";
import { type AvahiClient, configuredHostName, parseBusctlReply } from "./avahi.ts";
import { MdnsNameKeeper } from "./mdns_name.ts";

const OWN = "192.168.77.62";

class AvahiModel implements AvahiClient {
  name = "openskylab";
  /** Who answers each `.local` name on the network. */
  answers = new Map<string, string>();
  sets: string[] = [];
  resolves = 0;
  hostName() {
    return Promise.resolve(this.name);
  }
  setHostName(name: string) {
    this.sets.push(name);
    this.name = name;
    return Promise.resolve();
  }
  resolve(fqdn: string) {
    this.resolves++;
    return Promise.resolve(this.answers.get(fqdn) ?? null);
  }
}

function setup() {
  const avahi = new AvahiModel();
  const clock = new ManualClock();
  const bus = new EventBus({ clock, validate: true });
  const alerts: WsEvent[] = [];
  bus.subscribe((e) => e.type === "alert" && alerts.push(e));
  const logs = new LogSink({ consoleLevel: "silent" });
  const keeper = new MdnsNameKeeper({
    avahi,
    wantedName: "openskylab",
    bus,
    log: logs.logger("network"),
    clock,
    ownAddresses: () => ["127.0.0.1", OWN],
    everyMs: 10_000,
  });
  return { avahi, clock, alerts, logs, keeper };
}

Deno.test("mDNS name: as wanted, nothing is asked of the network", async () => {
  const { avahi, keeper } = setup();
  assertEquals(await keeper.check(), "ok");
  assertEquals([avahi.resolves, avahi.sets], [0, []]);
});

Deno.test("mDNS name: renamed -2 with nobody answering the name → set back, and logged", async () => {
  const { avahi, keeper, logs } = setup();
  avahi.name = "openskylab-2";
  assertEquals(await keeper.check(), "restored");
  assertEquals(avahi.sets, ["openskylab"]);
  const [entry] = logs.query({ minLevel: "warn" });
  assertMatch(entry!.message, /conflict with itself/);
  assertEquals(entry!.fields?.from, "openskylab-2.local");
  assertEquals(await keeper.check(), "ok");
});

Deno.test("mDNS name: the name answered with the box's own address → its own conflict, set back", async () => {
  const { avahi, keeper } = setup();
  avahi.name = "openskylab-3";
  avahi.answers.set("openskylab.local", OWN);
  assertEquals(await keeper.check(), "restored");
  assertEquals(avahi.name, "openskylab");
});

Deno.test("mDNS name: another box keeps the name, alerted once; when it leaves, the name comes back", async () => {
  const { avahi, keeper, alerts, clock } = setup();
  avahi.name = "openskylab-2";
  avahi.answers.set("openskylab.local", "192.168.77.80");
  assertEquals(await keeper.check(), "another-box");
  await clock.advance(10_000);
  assertEquals(await keeper.check(), "another-box");
  assertEquals(avahi.sets, []);
  assertEquals(alerts.length, 1);
  assertEquals((alerts[0]!.data as { level: string }).level, "warning");
  assertMatch(
    (alerts[0]!.data as { message: string }).message,
    /Another device .* answers as openskylab\.local \(192\.168\.77\.80\): this box answers as openskylab-2\.local/,
  );
  avahi.answers.delete("openskylab.local");
  await clock.advance(10_000);
  assertEquals(await keeper.check(), "restored");
  assertEquals(avahi.name, "openskylab");
});

Deno.test("mDNS name: a name someone chose is left alone", async () => {
  const { avahi, keeper } = setup();
  avahi.name = "observatory";
  assertEquals(await keeper.check(), "chosen");
  avahi.name = "openskylab-2x";
  assertEquals(await keeper.check(), "chosen");
  assertEquals([avahi.resolves, avahi.sets], [0, []]);
});

Deno.test("mDNS name: a name that falls again soon after is set back less and less often", async () => {
  const { avahi, keeper, clock } = setup();
  const fallThenCheck = async () => {
    avahi.name = "openskylab-2";
    return await keeper.check();
  };
  assertEquals(await fallThenCheck(), "restored");
  await clock.advance(10_000);
  // A relapse: set back, then held for 2 × 10 s.
  assertEquals(await fallThenCheck(), "restored");
  await clock.advance(10_000);
  assertEquals(await fallThenCheck(), "held");
  await clock.advance(10_000);
  // The second relapse: held 4 × 10 s.
  assertEquals(await keeper.check(), "restored");
  await clock.advance(30_000);
  assertEquals(await fallThenCheck(), "held");
  await clock.advance(10_000);
  assertEquals(await keeper.check(), "restored");
  // Long after, a fall is no relapse: set back at once again.
  await clock.advance(600_000);
  assertEquals(await fallThenCheck(), "restored");
  await clock.advance(10_000);
  assertEquals(await keeper.check(), "ok");
});

Deno.test("mDNS name: the loop keeps looking, and a silent avahi is said once, not every time", async () => {
  const { avahi, keeper, clock, logs } = setup();
  let down = true;
  avahi.hostName = () =>
    down ? Promise.reject(new Error("avahi's GetHostName failed")) : Promise.resolve(avahi.name);
  keeper.start();
  await clock.advance(30_000);
  assertEquals(logs.query({ minLevel: "warn" }).length, 1);
  down = false;
  avahi.name = "openskylab-2";
  await clock.advance(10_000);
  assertEquals(avahi.name, "openskylab");
  await keeper.stop();
});

Deno.test("mDNS name: avahi-daemon.conf's [server] host-name, as Debian ships it and as the image sets it", () => {
  const debian = "[server]\n#host-name=foo\n#domain-name=local\nuse-ipv4=yes\n\n[wide-area]\n" +
    "enable-wide-area=yes\n";
  assertEquals(configuredHostName(debian), null);
  assertEquals(
    configuredHostName(debian.replace("#host-name=foo", "host-name=openskylab")),
    "openskylab",
  );
  assertEquals(configuredHostName("[publish]\nhost-name=elsewhere\n"), null);
});

Deno.test("mDNS name: busctl's JSON replies, as the box's busctl printed them", () => {
  assertEquals(parseBusctlReply('{"type":"s","data":["openskylab-2"]}\n'), ["openskylab-2"]);
  // avahi answers a name it publishes itself from its own records.
  assertEquals(
    parseBusctlReply('{"type":"iisisu","data":[1,0,"openskylab.local",0,"127.0.0.1",13]}\n')[4],
    "127.0.0.1",
  );
  assertThrows(() => parseBusctlReply('{"data":[]}'), Error, "unexpected reply");
});
