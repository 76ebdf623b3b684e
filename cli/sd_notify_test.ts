/**
 * sd_notify against a real unix datagram socket standing where systemd's would be: the
 * datagrams are the ones sd_notify(3) defines, the watchdog pings at half of WATCHDOG_USEC, and
 * nothing is sent (or opened) when systemd did not ask.
 */
import { join } from "node:path";
import { assert, assertEquals } from "../tests/_assert.ts";
import { sdNotifier } from "./sd_notify.ts";

async function systemdSocket() {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-systemd-" });
  const path = join(dir, "notify");
  const socket = Deno.listenDatagram({ transport: "unixpacket", path });
  const decoder = new TextDecoder();
  return {
    path,
    async next(): Promise<string> {
      const [bytes] = await socket.receive();
      return decoder.decode(bytes);
    },
    async [Symbol.asyncDispose]() {
      socket.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("READY, STATUS and STOPPING reach $NOTIFY_SOCKET as sd_notify datagrams", async () => {
  await using systemd = await systemdSocket();
  const notifier = sdNotifier({ env: { NOTIFY_SOCKET: systemd.path } });
  try {
    assert(notifier.active);
    assertEquals(notifier.watchdogIntervalMs, null);
    await notifier.ready("serving on port 7624");
    assertEquals(await systemd.next(), "READY=1\nSTATUS=serving on port 7624");
    await notifier.notify({ STATUS: "two\nlines" });
    assertEquals(await systemd.next(), "STATUS=two lines");
    await notifier.stopping();
    assertEquals(await systemd.next(), "STOPPING=1");
  } finally {
    notifier.close();
  }
});

Deno.test("the watchdog pings at half WATCHDOG_USEC while the event loop runs, and stops on close", async () => {
  await using systemd = await systemdSocket();
  const notifier = sdNotifier({
    env: { NOTIFY_SOCKET: systemd.path, WATCHDOG_USEC: "100000", WATCHDOG_PID: String(Deno.pid) },
  });
  try {
    assertEquals(notifier.watchdogIntervalMs, 50);
    notifier.startWatchdog();
    for (let i = 0; i < 3; i++) assertEquals(await systemd.next(), "WATCHDOG=1");
  } finally {
    notifier.close();
  }
});

Deno.test("no systemd, or a watchdog meant for another process: nothing is sent", async () => {
  const none = sdNotifier({ env: {} });
  assertEquals(none.active, false);
  await none.ready();
  none.startWatchdog();
  none.close();

  await using systemd = await systemdSocket();
  const other = sdNotifier({
    env: { NOTIFY_SOCKET: systemd.path, WATCHDOG_USEC: "100000", WATCHDOG_PID: "1" },
  });
  try {
    assertEquals(other.watchdogIntervalMs, null);
    other.startWatchdog();
    await other.ready();
    assertEquals(await systemd.next(), "READY=1");
  } finally {
    other.close();
  }
});

Deno.test("a socket that is gone is reported, not thrown", async () => {
  const errors: unknown[] = [];
  const notifier = sdNotifier({
    env: { NOTIFY_SOCKET: "/nonexistent/notify" },
    onError: (err) => errors.push(err),
  });
  try {
    await notifier.ready();
    assertEquals(errors.length, 1);
  } finally {
    notifier.close();
  }
});
