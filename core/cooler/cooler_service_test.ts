/**
 * The cooler service on the simulated camera and a ManualClock: a ramp moves the set point one
 * step per `stepMs` at the asked rate and never jumps, reports its set point and ETA, ends at
 * the goal; a warm-up waits for the sensor and then switches the cooler off; a new request ends
 * a ramp quietly, while another program setting the cooler, the camera disconnecting or a step
 * failing end it with an alert; without a rate, or with nothing to ramp, the set point is set at
 * once; a camera without a cooler is a 409; a request that overtakes another's first step wins.
 */
import { assert, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { ManualClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { LogSink } from "../../lib/log.ts";
import { DeviceHub } from "../../devices/hub.ts";
import { defaultRegistry } from "../../devices/registry.ts";
import { EventBus } from "../event_bus.ts";
import type { EventPayload } from "../events.ts";
import { CoolerService } from "./cooler_service.ts";

const STEP_MS = 10_000;

async function coolerRig(cameraOptions: Record<string, unknown> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 22, 0));
  const bus = new EventBus({ clock, validate: true });
  const alerts: EventPayload<"alert">[] = [];
  bus.subscribe((e) => {
    if (e.type === "alert") alerts.push(e.data as EventPayload<"alert">);
  });
  const logs = new LogSink({ consoleLevel: "silent" });
  const hub = new DeviceHub({ registry: defaultRegistry(), bus, clock, log: logs.logger("hub") });
  await hub.apply({
    site: { latitudeDeg: 48, longitudeDeg: 16, elevationM: 200 },
    optics: { focalLengthMm: 400, apertureMm: 80 },
    roles: {
      camera: {
        driver: "sim",
        // A cooler quick enough to follow every ramp below; ambient 15 °C.
        options: {
          widthPx: 64,
          heightPx: 48,
          readoutMs: 0,
          coolerRateCPerMin: 60,
          ...cameraOptions,
        },
      },
    },
  });
  const cooler = new CoolerService({
    hub,
    bus,
    clock,
    log: logs.logger("cooler"),
    stepMs: STEP_MS,
  });
  cooler.start();
  const changes: (number | null)[] = [];
  cooler.onChange(() => changes.push(cooler.ramp()?.setpoint_c ?? null));
  const camera = () => hub.device("camera").status().cooler;
  /** Advances the clock a second at a time, so the ramp and the sensor both move. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) await clock.advance(1000);
  };
  return {
    clock,
    hub,
    cooler,
    alerts,
    changes,
    camera,
    run,
    async [Symbol.asyncDispose]() {
      cooler.stop();
      await hub.close();
    },
  };
}

Deno.test("a cooling ramp steps the set point at the rate, shows its ETA, and ends at the goal", async () => {
  await using r = await coolerRig();
  assertEquals(r.camera().tempC, 15);
  // 6 °C/min in 10 s steps: 1 °C a step, from 15 °C (the sensor) to -5 °C.
  await r.cooler.set({ enabled: true, targetC: -5, rampCPerMin: 6 });
  assertEquals(r.camera().targetC, 14, "the first step is sent before answering");
  const ramp = r.cooler.ramp()!;
  assertEquals([ramp.state, ramp.direction, ramp.goal_c, ramp.setpoint_c], [
    "ramping",
    "cooling",
    -5,
    14,
  ]);
  assertEquals([ramp.rate_c_per_min, ramp.then_off, ramp.eta_s], [6, false, 190]);
  const targets: number[] = [r.camera().targetC!];
  for (let i = 0; i < 25; i++) {
    await r.run(STEP_MS);
    const t = r.camera().targetC!;
    if (t !== targets.at(-1)) targets.push(t);
  }
  assertEquals(targets, Array.from({ length: 20 }, (_, i) => 14 - i), "one degree per step");
  assertEquals(r.cooler.ramp(), null, "ended at the goal");
  assert(Math.abs(r.camera().tempC! + 5) < 1, `the sensor followed: ${r.camera().tempC}`);
  assertEquals(r.camera().enabled, true);
  assertEquals(r.changes.at(-1), null);
  assert(r.changes.length >= 20, `a change per step: ${r.changes.length}`);
  assertEquals(r.alerts, []);
  assertEquals(await r.cooler.waitDone(), "done");
});

Deno.test("a warm-up ramp raises the set point, waits for the sensor, then switches off", async () => {
  await using r = await coolerRig();
  await r.cooler.set({ enabled: true, targetC: -10 });
  await r.run(60_000);
  assertEquals(r.camera().tempC, -10);
  await r.cooler.set({ enabled: false, targetC: 10, rampCPerMin: 12 });
  const done = r.cooler.waitDone();
  assertEquals(r.cooler.ramp()?.direction, "warming");
  assertEquals(r.cooler.ramp()?.then_off, true);
  let sawSettling = false;
  let last = r.camera().targetC!;
  for (let i = 0; i < 20 && r.cooler.ramp() !== null; i++) {
    await r.run(STEP_MS);
    sawSettling ||= r.cooler.ramp()?.state === "settling";
    const t = r.camera().targetC!;
    assert(t - last <= 2.0001, `no jump: ${last} → ${t}`);
    last = t;
  }
  assertEquals(await done, "done");
  assert(sawSettling || r.camera().tempC! >= 9, "waited for the sensor");
  assertEquals(r.camera().enabled, false, "switched off at the end");
  assert(r.camera().tempC! >= 9, `warmed: ${r.camera().tempC}`);
  assertEquals(r.alerts, []);
});

Deno.test("a new request ends a ramp quietly; another program, a disconnect or a fault with an alert", async () => {
  await using r = await coolerRig();
  await r.cooler.set({ enabled: true, targetC: -20, rampCPerMin: 6 });
  const first = r.cooler.waitDone();
  await r.run(STEP_MS);
  await r.cooler.set({ enabled: true, targetC: 0 });
  assertEquals(await first, "cancelled");
  assertEquals(r.cooler.ramp(), null);
  assertEquals(r.camera().targetC, 0);
  assertEquals(r.alerts, [], "replaced on purpose: no alert");

  // Someone else (the Alpaca bridge, say) sets the cooler: two drivers must not fight.
  await r.cooler.set({ enabled: true, targetC: -20, rampCPerMin: 6 });
  await r.hub.device("camera").setCooler(true, 5);
  await r.run(STEP_MS);
  assertEquals(r.cooler.ramp(), null);
  assertEquals(r.camera().targetC, 5, "the other program's set point stands");
  assertEquals(r.alerts.length, 1);
  assert(/set by someone else/.test(r.alerts[0]!.message), r.alerts[0]!.message);

  // A step that fails.
  await r.cooler.set({ enabled: true, targetC: -20, rampCPerMin: 6 });
  r.hub.faults("camera")!.set("setCooler", "throw");
  await r.run(STEP_MS);
  assertEquals(r.cooler.ramp(), null);
  assertEquals(r.alerts.at(-1)?.level, "error");
  assert(/a step failed/.test(r.alerts.at(-1)!.message), r.alerts.at(-1)!.message);
  r.hub.faults("camera")!.clear();

  // The camera goes away.
  await r.cooler.set({ enabled: true, targetC: -20, rampCPerMin: 6 });
  await r.hub.disconnect("camera");
  assertEquals(r.cooler.ramp(), null);
  assert(/camera disconnected/.test(r.alerts.at(-1)!.message), r.alerts.at(-1)!.message);
});

Deno.test("at once: no rate, nothing to ramp, or an off request with the cooler already off", async () => {
  await using r = await coolerRig();
  await r.cooler.set({ enabled: true, targetC: -3 });
  assertEquals([r.camera().enabled, r.camera().targetC, r.cooler.ramp()], [true, -3, null]);
  // Within one step of the sensor: set at once.
  await r.cooler.set({ enabled: true, targetC: 14.5, rampCPerMin: 6 });
  assertEquals([r.camera().targetC, r.cooler.ramp()], [14.5, null]);
  await r.cooler.set({ enabled: false, targetC: 15 });
  // Off already, or the sensor as warm as asked: nothing to warm.
  await r.cooler.set({ enabled: false, targetC: 10, rampCPerMin: 3 });
  assertEquals([r.camera().enabled, r.cooler.ramp()], [false, null]);
  assertEquals(await r.cooler.waitDone(), "done");
});

Deno.test("a camera without a cooler is a 409; a request that overtakes a ramp's first step wins", async () => {
  {
    await using none = await coolerRig({ hasCooler: false });
    const err = await assertRejects(
      () => none.cooler.set({ enabled: true, targetC: -5, rampCPerMin: 3 }),
      AppError,
    );
    assertEquals((err as AppError).status, 409);
  }
  await using r = await coolerRig();
  const ramp = r.cooler.set({ enabled: true, targetC: -20, rampCPerMin: 6 });
  const direct = r.cooler.set({ enabled: true, targetC: 3 });
  await Promise.all([ramp, direct]);
  assertEquals(r.cooler.ramp(), null, "the later request won");
  assertEquals(r.camera().targetC, 3);
  await r.run(3 * STEP_MS);
  assertEquals(r.camera().targetC, 3, "no ramp step came after it");
});
