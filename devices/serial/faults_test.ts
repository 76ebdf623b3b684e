/**
 * Serial faults end to end, through the hub that production uses: a device that stops answering
 * makes the command fail with a 504 within the driver's serial timeout and raises an alert; a
 * garbled answer is a 502 that quotes what came back; a half-finished answer is a timeout that
 * says what arrived; a pulled cable (socat killed) is reported as lost, and once the device is
 * back the hub's reconnect loop brings the role up again and commands work.
 */
import { systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { EventBus } from "../../core/event_bus.ts";
import type { EventPayload, EventType, WsEvent } from "../../core/events.ts";
import { LogSink } from "../../lib/log.ts";
import { COMMAND_TIMEOUT_MS } from "../timeouts.ts";
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { waitFor } from "../../tests/contracts/_wait.ts";
import type { FakeSerialDevice } from "../../tests/fakes/serial/_device.ts";
import { Lx200Device } from "../../tests/fakes/serial/lx200_device.ts";
import { MoonliteDevice } from "../../tests/fakes/serial/moonlite_device.ts";
import { SocatPair } from "../../tests/fakes/serial/socat_pair.ts";
import type { DeviceKind } from "../device.ts";
import { DeviceHub } from "../hub.ts";
import { defaultRegistry } from "../registry.ts";

const SITE = { latitudeDeg: 48.1, longitudeDeg: 11.6, elevationM: 520 };
const TIMEOUT_MS = 300;

async function rig(kind: DeviceKind, driver: string, fake: FakeSerialDevice) {
  const pair = await SocatPair.create();
  await fake.attach(pair.devicePath);
  const bus = new EventBus({ clock: systemClock, validate: true });
  const events: WsEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const hub = new DeviceHub({
    registry: defaultRegistry(),
    bus,
    clock: systemClock,
    log: new LogSink({ consoleLevel: "silent" }).logger("hub"),
    backoffMs: { initial: 50, max: 200 },
  });
  await hub.apply({
    site: SITE,
    optics: { focalLengthMm: 800, apertureMm: 130 },
    roles: {
      [kind]: { driver, options: { path: pair.driverPath, pollMs: 50, timeoutMs: TIMEOUT_MS } },
    },
  });
  const of = <T extends EventType>(type: T) =>
    events.filter((e) => e.type === type).map((e) => e.data as EventPayload<T>);
  const close = async () => {
    await hub.close();
    await fake.detach();
    await pair.dispose();
  };
  return { pair, hub, of, close };
}

async function rejection(call: Promise<unknown>): Promise<AppError> {
  try {
    await call;
  } catch (err) {
    assert(err instanceof AppError, `expected an AppError, got ${String(err)}`);
    return err;
  }
  throw new Error("the command succeeded");
}

Deno.test("serial fault: a device that stops answering → 504 within the timeout and an alert", async () => {
  const fake = new Lx200Device("onstep", SITE);
  const { hub, of, close } = await rig("mount", "onstep", fake);
  try {
    assertEquals(hub.roles().find((r) => r.role === "mount")?.state, "connected");
    fake.fault = "silent";
    const startMs = Date.now();
    const err = await rejection(hub.device("mount").abort());
    const elapsedMs = Date.now() - startMs;
    assertEquals(err.status, 504);
    assertMatch(err.message, /":Q#"|":GR#"|did not answer/);
    // The abort's :Q# has no reply, so the :GR# re-read is what times out: one serial timeout,
    // plus at most one poll queued ahead of it — not the guard's 10 s command deadline, which
    // is what a lost serial timeout would fall back to.
    assert(elapsedMs < COMMAND_TIMEOUT_MS / 2, `rejected after ${elapsedMs} ms`);
    const alert = of("alert").find((a) => a.source === "device.mount" && a.level === "error");
    assert(alert, "no error alert for the timeout");
  } finally {
    await close();
  }
});

Deno.test("serial fault: garbage → a 502 quoting the reply", async () => {
  const fake = new MoonliteDevice();
  const { hub, of, close } = await rig("focuser", "moonlite", fake);
  try {
    fake.fault = "garbage";
    const err = await rejection(hub.device("focuser").halt());
    assertEquals(err.status, 502);
    assertMatch(err.message, /position reply "@@@@#" is not 4 hex digits/);
    assert(of("alert").some((a) => a.source === "device.focuser" && a.level === "warning"));
    fake.fault = "none";
    await hub.device("focuser").halt();
  } finally {
    await close();
  }
});

Deno.test("serial fault: a partial reply times out and says what arrived", async () => {
  const fake = new Lx200Device("meade", SITE);
  const { hub, close } = await rig("mount", "lx200", fake);
  try {
    fake.fault = "partial";
    const err = await rejection(hub.device("mount").sync({ raHours: 3, decDeg: 40 }));
    assertEquals(err.status, 504);
    assertMatch(err.message, /partial reply/);
  } finally {
    await close();
  }
});

Deno.test("serial fault: port closed → lost and reconnecting; device back → connected", async () => {
  const fake = new MoonliteDevice(2000, 4000);
  const { pair, hub, of, close } = await rig("focuser", "moonlite", fake);
  try {
    const state = () => hub.roles().find((r) => r.role === "focuser")?.state;
    await pair.stop(); // the cable is pulled: both ttys hang up
    await fake.detach();
    await waitFor(() => state() === "reconnecting", 2000, "the hub to notice the loss");
    const lost = of("device.disconnected").at(-1);
    assertEquals(lost?.expected, false);
    assertMatch(lost?.reason ?? "", /hung up|EIO|ENXIO|read failed/);
    assert(of("alert").some((a) => /was lost/.test(a.message)), "no alert for the loss");
    await pair.start(); // plugged back in
    await fake.attach(pair.devicePath);
    await waitFor(() => state() === "connected", 3000, "the hub to reconnect");
    const focuser = hub.device("focuser");
    await focuser.moveTo(2100);
    await waitFor(() => focuser.status().position === 2100, 2000, "a move after reconnecting");
  } finally {
    await close();
  }
});
