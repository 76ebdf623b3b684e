/**
 * The safety monitor against simulators on the system clock with short delays: unsafe weather
 * stops imaging, guiding, parks and closes within its deadline; a failing step does not stop the
 * rest; a lost weather station counts as unsafe after its grace; safe again for long enough
 * reopens only what was closed and resumes only what was interrupted.
 */
import { systemClock } from "../../lib/clock.ts";
import { EventBus } from "../event_bus.ts";
import type { EventPayload, EventType, WsEvent } from "../events.ts";
import { LogSink } from "../../lib/log.ts";
import { DeviceHub } from "../../devices/hub.ts";
import { defaultRegistry } from "../../devices/registry.ts";
import { isSimulated } from "../../devices/sim/faults.ts";
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { waitFor } from "../../tests/contracts/_wait.ts";
import type { ImagingHook } from "./safety_monitor.ts";
import { SafetyMonitor } from "./safety_monitor.ts";

async function rig(options: { resumeAfterSafeMs?: number; weatherLostGraceMs?: number } = {}) {
  const bus = new EventBus({ clock: systemClock, validate: true });
  const events: WsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const logs = new LogSink({ consoleLevel: "silent" });
  const hub = new DeviceHub({
    registry: defaultRegistry(),
    bus,
    clock: systemClock,
    log: logs.logger("hub"),
    backoffMs: { initial: 10_000, max: 10_000 },
  });
  await hub.apply({
    site: { latitudeDeg: 51.5, longitudeDeg: 0, elevationM: 0 },
    optics: { focalLengthMm: 500, apertureMm: 100 },
    roles: {
      mount: { driver: "sim", options: { slewRateDegPerS: 90 } },
      dome: { driver: "sim", options: { shutterSeconds: 0.2 } },
      weather: { driver: "sim", options: {} },
      guider: { driver: "sim", options: { calibrationSeconds: 0.05 } },
    },
  });
  const monitor = new SafetyMonitor({
    hub,
    bus,
    clock: systemClock,
    log: logs.logger("safety"),
    resumeAfterSafeMs: options.resumeAfterSafeMs ?? 200,
    weatherLostGraceMs: options.weatherLostGraceMs ?? 100,
    pollMs: 20,
    stepTimeoutMs: 1000,
  });
  const of = <T extends EventType>(type: T) =>
    events.filter((e) => e.type === type).map((e) => e.data as EventPayload<T>);
  const close = async () => {
    await monitor.stop();
    await hub.close();
  };
  return { hub, bus, monitor, events, of, close };
}

function hook(name: string, wasRunning: boolean) {
  const calls: string[] = [];
  const h: ImagingHook = {
    name,
    stop: (reason) => {
      calls.push(`stop: ${reason}`);
      return Promise.resolve(wasRunning);
    },
    resume: () => {
      calls.push("resume");
      return Promise.resolve();
    },
  };
  return { hook: h, calls };
}

Deno.test("safety: unsafe weather stops imaging, parks and closes; safe again resumes", async () => {
  const r = await rig();
  try {
    const imaging = hook("sequencer", true);
    r.monitor.register(imaging.hook);
    r.monitor.start();
    await r.hub.device("mount").unpark();
    await r.hub.device("dome").openShutter();
    await waitFor(() => r.hub.device("dome").status().shutter === "open", 2000, "dome open");
    await r.hub.device("weather").overrideSafety(false);
    await waitFor(() => r.monitor.status().state === "unsafe", 2000, "unsafe");
    await r.monitor.check();
    assertEquals(imaging.calls.length, 1);
    assertMatch(imaging.calls[0]!, /^stop: unsafe/);
    assert(r.hub.device("dome").status().shutter !== "open", "dome closing");
    await waitFor(() => r.hub.device("mount").status().parked, 3000, "mount parked");
    const alert = r.of("scheduler.safety_alert")[0]!;
    assertEquals(alert.safe, false);
    assertMatch(alert.action, /stop sequencer, park mount, close dome/);
    assert(r.of("alert").some((a) => a.level === "critical" && a.source === "safety"));

    await r.hub.device("weather").overrideSafety(null);
    await waitFor(() => r.monitor.status().state === "waiting_to_resume", 2000, "waiting");
    assert(r.monitor.status().resume_at_ms !== null);
    await waitFor(() => r.monitor.status().state === "safe", 3000, "resumed");
    assertEquals(imaging.calls.at(-1), "resume");
    assertEquals(r.hub.device("mount").status().parked, false);
    const resumed = r.of("scheduler.safety_alert").at(-1)!;
    assertEquals(resumed.safe, true);
    assertMatch(resumed.action, /open dome, unpark mount, resume sequencer/);
  } finally {
    await r.close();
  }
});

Deno.test("safety: a failing step is reported and the others still run", async () => {
  const r = await rig();
  try {
    r.monitor.start();
    await r.hub.device("mount").unpark();
    await r.hub.device("dome").openShutter();
    await waitFor(() => r.hub.device("dome").status().shutter === "open", 2000, "dome open");
    const dome = r.hub.driverObject("dome");
    assert(isSimulated(dome));
    dome.faults.set("closeShutter", "throw");
    await r.hub.device("weather").overrideSafety(false);
    await waitFor(() => r.monitor.status().state === "unsafe", 2000, "unsafe");
    await r.monitor.check();
    const actions = r.monitor.status().last_actions;
    assertEquals(actions[0], "park mount");
    assertMatch(actions[1]!, /^close dome FAILED/);
    assert(
      r.of("alert").some((a) => a.level === "critical" && /Could not close dome/.test(a.message)),
    );
    dome.faults.clear();
  } finally {
    await r.close();
  }
});

Deno.test("safety: an idle box is not woken up, and a lost weather station is unsafe after grace", async () => {
  const r = await rig({ resumeAfterSafeMs: 50 });
  try {
    const idle = hook("exposures", false);
    r.monitor.register(idle.hook);
    r.monitor.start();
    await r.hub.disconnect("weather");
    await waitFor(() => r.monitor.status().state === "unsafe", 2000, "unsafe after grace");
    assertMatch(r.monitor.status().reasons[0]!, /weather station disconnected/);
    await r.hub.connect("weather");
    await waitFor(() => r.monitor.status().state === "safe", 3000, "safe again");
    assertEquals(idle.calls.filter((c) => c === "resume").length, 0);
  } finally {
    await r.close();
  }
});
