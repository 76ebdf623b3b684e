/**
 * The hub against its doc, with the simulators behind it and a validating bus recording every
 * event: roles fill and connect, bad assignments become alerts without taking the rest of the rig
 * down, a pulled cable is reported and healed with backoff, guarded faults raise alerts, a
 * requested disconnect stays down, and a new plan replaces the old rig cleanly. Most tests run on
 * a ManualClock so the backoff is stepped exactly; the last one runs on the system clock so
 * Deno's sanitizers prove `close()` leaves no reconnect timer behind.
 */
import { ManualClock, systemClock } from "../lib/clock.ts";
import type { Clock } from "../lib/clock.ts";
import { AppError, DeviceNotConnectedError } from "../lib/errors.ts";
import { EventBus } from "../core/event_bus.ts";
import type { EventPayload, EventType, WsEvent } from "../core/events.ts";
import { LogSink } from "../lib/log.ts";
import { delay } from "../tests/contracts/_wait.ts";
import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertThrows,
} from "../tests/_assert.ts";
import type { DeviceKind } from "./device.ts";
import { DeviceHub } from "./hub.ts";
import type { RigPlan, RoleAssignment } from "./rig.ts";
import { defaultRegistry, driverEntry } from "./registry.ts";
import type { DriverRegistry } from "./registry.ts";
import { SimFocuser } from "./sim/focuser.ts";
import { SimFocuserOptions } from "./sim/focuser_options.ts";
import { isSimulated } from "./sim/faults.ts";
import type { SimFaults } from "./sim/faults.ts";
import { DEADLINES } from "./timeouts.ts";

const BACKOFF = { initial: 20, max: 100 };
const SIM: RoleAssignment = { driver: "sim", options: {} };
const FAST_FOCUSER: RoleAssignment = { driver: "sim", options: { speedStepsPerS: 100_000 } };

function plan(roles: RigPlan["roles"]): RigPlan {
  return {
    site: { latitudeDeg: 48.1, longitudeDeg: 11.6, elevationM: 520 },
    optics: { focalLengthMm: 800, apertureMm: 130 },
    roles,
  };
}

const THREE_ROLES = plan({ focuser: FAST_FOCUSER, filterwheel: SIM, rotator: SIM, mount: null });

interface Rig {
  hub: DeviceHub;
  bus: EventBus;
  clock: Clock;
  events: WsEvent[];
  /** Payloads of the recorded events of one type, oldest first. */
  of<T extends EventType>(type: T): EventPayload<T>[];
}

function rig(clock: Clock = new ManualClock(), registry = defaultRegistry()): Rig {
  const bus = new EventBus({ clock, validate: true });
  const events: WsEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const hub = new DeviceHub({
    registry,
    bus,
    clock,
    log: new LogSink({ consoleLevel: "silent" }).logger("hub"),
    backoffMs: BACKOFF,
  });
  const of = <T extends EventType>(type: T) =>
    events.filter((e) => e.type === type).map((e) => e.data as EventPayload<T>);
  return { hub, bus, clock, events, of };
}

function faultsOf(hub: DeviceHub, kind: DeviceKind): SimFaults {
  const driver = hub.driverObject(kind);
  assert(isSimulated(driver), `the ${kind} driver is a simulator`);
  return driver.faults;
}

function stateOf(hub: DeviceHub, kind: DeviceKind): string | undefined {
  return hub.roles().find((r) => r.role === kind)?.state;
}

/** Pulls the focuser's cable during a command, as the field would. */
async function pullFocuserCable(hub: DeviceHub): Promise<AppError> {
  const faults = faultsOf(hub, "focuser");
  faults.set("moveTo", "disconnect");
  const err = await assertRejects(() => hub.device("focuser").moveTo(25_100), AppError);
  faults.set("moveTo", null);
  return err as AppError;
}

function commandOf(details: unknown): unknown {
  return (details as { command?: unknown } | undefined)?.command;
}

Deno.test("hub: apply() connects every assigned role and reports each one", async () => {
  const { hub, of } = rig();
  try {
    await hub.apply(THREE_ROLES);
    assertEquals(
      of("device.connected").map((e) => [e.role, e.driver, e.name]).sort(),
      [
        ["filterwheel", "sim", "Simulated filter wheel"],
        ["focuser", "sim", "Simulated focuser"],
        ["rotator", "sim", "Simulated rotator"],
      ],
    );
    const roles = hub.roles();
    assertEquals(roles.map((r) => r.role), [
      "mount",
      "camera",
      "focuser",
      "filterwheel",
      "rotator",
      "flatpanel",
      "dome",
      "weather",
      "guider",
    ]);
    for (const status of roles) {
      const assigned = ["focuser", "filterwheel", "rotator"].includes(status.role);
      assertEquals(
        { state: status.state, driver: status.driver, simulated: status.simulated },
        assigned
          ? { state: "connected", driver: "sim", simulated: true }
          : { state: "unassigned", driver: null, simulated: false },
        status.role,
      );
      assertEquals(status.last_error, null);
      assertEquals(status.name === null, !assigned);
    }
    assertEquals(hub.site?.latitudeDeg, 48.1);
    assertEquals(hub.optics?.focalLengthMm, 800);
    assertEquals(hub.device("focuser").status().connected, true);
    assertEquals(of("alert"), []);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: device() is a 503 for an unassigned role and for a disconnected one", async () => {
  const { hub } = rig();
  try {
    assertThrows(() => hub.device("focuser"), DeviceNotConnectedError, "no driver");
    await hub.apply(THREE_ROLES);
    const unassigned = assertThrows(() => hub.device("mount"), DeviceNotConnectedError);
    assertEquals((unassigned as AppError).status, 503);
    assertMatch(unassigned.message, /mount has no driver/);
    await hub.disconnect("focuser");
    const down = assertThrows(() => hub.device("focuser"), DeviceNotConnectedError);
    assertEquals([(down as AppError).status, down.message], [503, "The focuser is disconnected"]);
    // Reads stay available through peek() while the role is down.
    assertEquals(hub.peek("focuser")?.status().connected, false);
    assertEquals(hub.peek("mount"), null);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: an unknown driver or refused options raise an alert; other roles connect", async () => {
  const { hub, of } = rig();
  try {
    await hub.apply(plan({
      mount: { driver: "no-such-driver", options: {} },
      focuser: { driver: "sim", options: { maxPosition: -5 } },
      filterwheel: SIM,
    }));
    const alerts = of("alert");
    assertEquals(alerts.map((a) => [a.level, a.source]), [
      ["error", "device.mount"],
      ["error", "device.focuser"],
    ]);
    assertMatch(alerts[0]?.message ?? "", /no driver "no-such-driver" for the mount role/);
    assertMatch(
      alerts[1]?.message ?? "",
      /focuser driver "sim" refused its options: options\.maxPosition: must be ≥ 1, got -5/,
    );
    assertMatch(JSON.stringify(alerts[1]?.details), /options\.maxPosition/);
    assertEquals(stateOf(hub, "mount"), "unassigned");
    assertEquals(stateOf(hub, "focuser"), "unassigned");
    assertEquals(hub.driverObject("focuser"), null);
    assertEquals(stateOf(hub, "filterwheel"), "connected");
    assertEquals(of("device.connected").map((e) => e.role), ["filterwheel"]);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: drivers get parsed options; a stored key no driver knows is ignored, warned", async () => {
  const { hub, of } = rig();
  try {
    await hub.apply(plan({
      // As saved by an older firmware: a key this driver never had.
      focuser: { driver: "sim", options: { maxPosition: 900, speedStepsPerS: 1e5, gearRatio: 2 } },
    }));
    const alerts = of("alert");
    assertEquals(alerts.map((a) => [a.level, a.source]), [["warning", "device.focuser"]]);
    assertMatch(alerts[0]?.message ?? "", /ignores unknown options options\.gearRatio/);
    assertEquals(stateOf(hub, "focuser"), "connected");
    const focuser = hub.device("focuser");
    // Given and default values alike arrive typed: the schema filled in maxIncrement's source.
    assertEquals(focuser.capabilities.maxPosition, 900);
    assertEquals(focuser.capabilities.maxIncrement, 900);
    assertEquals(focuser.capabilities.stepSizeUm, 3.76);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: a pulled cable is reported, retried after the backoff, and healed", async () => {
  const clock = new ManualClock();
  const { hub, of, events } = rig(clock);
  try {
    await hub.apply(THREE_ROLES);
    events.length = 0;
    const err = await pullFocuserCable(hub);
    assertEquals([err.status, err.code], [502, "device_fault"]);
    assertMatch(err.message, /connection lost during moveTo/);

    const lost = of("device.disconnected");
    assertEquals(lost, [{
      role: "focuser",
      driver: "sim",
      name: "Simulated focuser",
      reason: "simulated cable pull during moveTo",
      expected: false,
    }]);
    const alerts = of("alert");
    const lostAlert = alerts.find((a) => a.level === "error");
    assert(lostAlert, "an error alert for the lost device");
    assertEquals(lostAlert.source, "device.focuser");
    assertMatch(lostAlert.message, /focuser was lost: simulated cable pull/);
    // The disconnection is announced before the alert that explains it.
    const order = events.map((e) => e.type);
    assert(order.indexOf("device.disconnected") < order.indexOf("alert"), order.join(", "));

    assertEquals(stateOf(hub, "focuser"), "reconnecting");
    assertThrows(() => hub.device("focuser"), DeviceNotConnectedError, "is reconnecting");
    assertEquals(hub.driverObject("focuser")?.status().connected, false);

    await clock.advance(BACKOFF.initial - 1);
    assertEquals(stateOf(hub, "focuser"), "reconnecting", "not before the first backoff");
    assertEquals(of("device.connected"), []);
    await clock.advance(1);
    assertEquals(stateOf(hub, "focuser"), "connected");
    assertEquals(of("device.connected").map((e) => e.role), ["focuser"]);
    const info = of("alert").filter((a) => a.level === "info");
    assertEquals(info.map((a) => [a.source, a.message]), [
      ["device.focuser", "The focuser is connected again."],
    ]);
    assertEquals(hub.roles().find((r) => r.role === "focuser")?.last_error, null);

    await hub.device("focuser").moveTo(25_100);
    await clock.advance(100);
    assertEquals(hub.device("focuser").status().position, 25_100);
    // The other roles never noticed.
    assertEquals(stateOf(hub, "filterwheel"), "connected");
    assertEquals(of("device.disconnected").length, 1);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: reconnect attempts back off, doubling up to the max", async () => {
  const clock = new ManualClock();
  const { hub, of } = rig(clock);
  try {
    await hub.apply(THREE_ROLES);
    const startMs = clock.now();
    faultsOf(hub, "focuser").set("connect", "throw");
    await pullFocuserCable(hub);
    const attemptsMs: number[] = [];
    const seen = () => of("alert").filter((a) => commandOf(a.details) === "focuser.connect").length;
    for (let stepMs = 0; stepMs < 400; stepMs += 1) {
      const before = seen();
      await clock.advance(1);
      if (seen() > before) attemptsMs.push(clock.now() - startMs);
    }
    // 20, then +40, +80, +100 (the max), +100.
    assertEquals(attemptsMs, [20, 60, 140, 240, 340]);
    assertEquals(stateOf(hub, "focuser"), "reconnecting");
    assertMatch(hub.roles().find((r) => r.role === "focuser")?.last_error ?? "", /connect/);
    faultsOf(hub, "focuser").set("connect", null);
    await clock.advance(100);
    assertEquals(stateOf(hub, "focuser"), "connected");
  } finally {
    await hub.close();
  }
});

Deno.test("hub: a guarded command that throws raises a warning alert from device.<kind>", async () => {
  const { hub, of } = rig();
  try {
    await hub.apply(THREE_ROLES);
    faultsOf(hub, "rotator").set("moveTo", "throw");
    const err = await assertRejects(() => hub.device("rotator").moveTo(90), AppError);
    assertEquals((err as AppError).status, 502);
    assertEquals(of("alert"), [{
      level: "warning",
      source: "device.rotator",
      message: "rotator.moveTo failed: simulated failure in moveTo",
      details: { command: "rotator.moveTo", code: "device_fault" },
    }]);
    const status = hub.roles().find((r) => r.role === "rotator");
    assertEquals(status?.last_error, "rotator.moveTo failed: simulated failure in moveTo");
    // A fault is not a lost connection: the role stays up.
    assertEquals(status?.state, "connected");
    // A refused argument is the caller's problem: a 400 and no alert.
    faultsOf(hub, "rotator").set("moveTo", null);
    const refused = await assertRejects(() => hub.device("rotator").moveTo(Number.NaN), AppError);
    assertEquals((refused as AppError).status, 400);
    assertEquals(of("alert").length, 1);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: a guarded command that times out raises an error alert from device.<kind>", async () => {
  const { hub, of } = rig();
  const saved = DEADLINES.focuser;
  // The focuser's command deadline cut from 10 s to 40 ms for this test.
  DEADLINES.focuser = { moveTo: { ms: 40 } };
  try {
    await hub.apply(THREE_ROLES);
    faultsOf(hub, "focuser").set("moveTo", "hang");
    const err = await assertRejects(() => hub.device("focuser").moveTo(25_100), AppError);
    assertEquals([(err as AppError).status, (err as AppError).code], [504, "device_timeout"]);
    assertEquals(of("alert"), [{
      level: "error",
      source: "device.focuser",
      message: "focuser.moveTo did not answer within 40 ms",
      details: { command: "focuser.moveTo", code: "device_timeout" },
    }]);
  } finally {
    if (saved === undefined) delete DEADLINES.focuser;
    else DEADLINES.focuser = saved;
    await hub.close();
  }
});

Deno.test("hub: disconnect() stays down without a reconnect; connect() brings it back", async () => {
  const clock = new ManualClock();
  const { hub, of } = rig(clock);
  try {
    await hub.apply(THREE_ROLES);
    const driver = hub.driverObject("focuser");
    await hub.disconnect("focuser");
    assertEquals(of("device.disconnected"), [{
      role: "focuser",
      driver: "sim",
      name: "Simulated focuser",
      reason: "disconnected on request",
      expected: true,
    }]);
    assertEquals(driver?.status().connected, false);
    assertEquals(stateOf(hub, "focuser"), "disconnected");
    await clock.advance(10 * BACKOFF.max);
    assertEquals(stateOf(hub, "focuser"), "disconnected", "no reconnect after a requested stop");
    assertEquals(of("device.connected").filter((e) => e.role === "focuser").length, 1);
    assertEquals(of("alert"), []);
    // A second disconnect is a no-op; so is one for an unassigned role.
    await hub.disconnect("focuser");
    await hub.disconnect("mount");
    assertEquals(of("device.disconnected").length, 1);

    await hub.connect("focuser");
    assertEquals(stateOf(hub, "focuser"), "connected");
    assertEquals(of("device.connected").filter((e) => e.role === "focuser").length, 2);
    assert(hub.driverObject("focuser") === driver, "the same driver reconnects");
    await hub.device("focuser").moveTo(25_050);
    await assertRejects(() => hub.connect("mount"), DeviceNotConnectedError);
  } finally {
    await hub.close();
  }
});

Deno.test("hub: connect() reports a failure to the caller and leaves the role disconnected", async () => {
  const { hub } = rig();
  try {
    await hub.apply(THREE_ROLES);
    await hub.disconnect("filterwheel");
    faultsOf(hub, "filterwheel").set("connect", "throw");
    const err = await assertRejects(() => hub.connect("filterwheel"), AppError);
    assertEquals((err as AppError).status, 502);
    assertEquals(stateOf(hub, "filterwheel"), "disconnected");
  } finally {
    await hub.close();
  }
});

Deno.test("hub: apply() of a new plan closes the old drivers before connecting the new", async () => {
  const { hub, bus, of, events } = rig();
  try {
    await hub.apply(plan({ focuser: FAST_FOCUSER, filterwheel: SIM }));
    const oldDrivers = [hub.driverObject("focuser"), hub.driverObject("filterwheel")];
    assert(oldDrivers.every((d) => d?.status().connected));
    events.length = 0;
    // Whenever a new device connects, every old driver must already be down.
    const oldUpAtConnect: boolean[] = [];
    const stop = bus.subscribe((e) => {
      if (e.type !== "device.connected") return;
      for (const d of oldDrivers) oldUpAtConnect.push(d?.status().connected ?? true);
    });
    await hub.apply(plan({ focuser: FAST_FOCUSER, rotator: SIM }));
    stop();
    assertEquals(oldUpAtConnect, [false, false, false, false]);

    const order = events.map((e) =>
      e.type === "device.connected" || e.type === "device.disconnected"
        ? `${e.type}:${(e.data as { role: string }).role}`
        : e.type
    );
    const lastDown = Math.max(
      order.indexOf("device.disconnected:focuser"),
      order.indexOf("device.disconnected:filterwheel"),
    );
    const firstUp = order.findIndex((t) => t.startsWith("device.connected"));
    assert(lastDown >= 0 && lastDown < firstUp, order.join(", "));
    for (const e of of("device.disconnected")) {
      assertEquals([e.reason, e.expected], ["rig closed", true]);
    }
    assertEquals(of("device.connected").map((e) => e.role).sort(), ["focuser", "rotator"]);
    assert(hub.driverObject("focuser") !== oldDrivers[0], "the focuser has a new driver");
    assertEquals(stateOf(hub, "filterwheel"), "unassigned");
    assertEquals(stateOf(hub, "rotator"), "connected");
  } finally {
    await hub.close();
  }
});

Deno.test("hub: close() stops reconnect loops (system clock; the sanitizers check timers)", async () => {
  const { hub, of } = rig(systemClock);
  await hub.apply(THREE_ROLES);
  faultsOf(hub, "focuser").set("connect", "throw");
  await pullFocuserCable(hub);
  const attempts = () =>
    of("alert").filter((a) => commandOf(a.details) === "focuser.connect").length;
  const deadlineMs = Date.now() + 2000;
  while (attempts() < 2 && Date.now() < deadlineMs) await delay(5);
  assert(attempts() >= 2, "the hub keeps retrying while the device refuses");
  const driver = hub.driverObject("focuser");
  await hub.close();
  const attemptsAtClose = attempts();
  assert(hub.roles().every((r) => r.state === "unassigned"));
  assertEquals(hub.driverObject("focuser"), null);
  await delay(3 * BACKOFF.max);
  assertEquals(attempts(), attemptsAtClose, "no attempt after close()");
  assertEquals(of("device.connected").length, 3, "only the first three connections");
  assertEquals(driver?.status().connected, false);
});

/**
 * A registry whose "slow" focuser is the simulator with a handshake that takes as long as the
 * test says: from its second connect on, the link is up but `connect` only resolves once
 * `finish()` is called — as a real driver that opened its port and is still reading the device.
 */
function slowReconnectRegistry(): { registry: DriverRegistry; finish: () => void } {
  const registry = defaultRegistry();
  const gate = Promise.withResolvers<void>();
  registry.focuser.slow = driverEntry("Slow", "a slow handshake", SimFocuserOptions, (ctx) => {
    const sim = new SimFocuser(ctx);
    const connect = sim.connect.bind(sim);
    let connects = 0;
    sim.connect = async (signal) => {
      await connect(signal);
      if (++connects > 1) await gate.promise;
    };
    return sim;
  });
  return { registry, finish: () => gate.resolve() };
}

for (const stop of ["close", "disconnect"] as const) {
  Deno.test(`hub: ${stop}() during a reconnect attempt lets go of the device`, async () => {
    const clock = new ManualClock();
    const { registry, finish } = slowReconnectRegistry();
    const { hub, of } = rig(clock, registry);
    try {
      await hub.apply(plan({ focuser: { driver: "slow", options: {} } }));
      const driver = hub.driverObject("focuser");
      await pullFocuserCable(hub);
      await clock.advance(BACKOFF.initial); // the reconnect attempt starts, and is slow
      assertEquals(stateOf(hub, "focuser"), "reconnecting");
      if (stop === "close") await hub.close();
      else await hub.disconnect("focuser");
      finish();
      await clock.advance(10 * BACKOFF.max);
      assertEquals(of("device.connected").length, 1, "only the first connection is announced");
      assertEquals(of("alert").filter((a) => a.level === "info"), []);
      assertEquals(driver?.status().connected, false, "the driver is let go");
      if (stop === "disconnect") {
        assertEquals(stateOf(hub, "focuser"), "disconnected");
        await hub.connect("focuser"); // and the role still comes back on request
        assertEquals(stateOf(hub, "focuser"), "connected");
      }
    } finally {
      finish();
      await hub.close();
    }
  });
}

Deno.test("hub: connect() during a reconnect attempt takes it over", async () => {
  const clock = new ManualClock();
  const { registry, finish } = slowReconnectRegistry();
  const { hub, of } = rig(clock, registry);
  try {
    await hub.apply(plan({ focuser: { driver: "slow", options: {} } }));
    const driver = hub.driverObject("focuser");
    await pullFocuserCable(hub);
    await clock.advance(BACKOFF.initial);
    const connecting = hub.connect("focuser");
    finish();
    await connecting;
    await clock.advance(10 * BACKOFF.max);
    assertEquals(stateOf(hub, "focuser"), "connected");
    assertEquals(driver?.status().connected, true, "the loop's late answer does not undo it");
    assertEquals(of("device.connected").length, 2, "announced once by apply(), once by connect()");
    await hub.device("focuser").moveTo(25_010);
  } finally {
    finish();
    await hub.close();
  }
});
