/**
 * A simulated observatory on a ManualClock for the scheduler's tests: every role on its
 * simulator (fast mount, dome and cooler), a validating bus recording events, a temporary
 * database and data dir, a SequencerService and a SchedulerService over them. The clock starts
 * at 2026-01-15 22:00 UTC at Greenwich, deep in an astronomical night (dawn ~05:50 UTC), with
 * the local sidereal time at about 5.7 h.
 */
import { ManualClock } from "../../lib/clock.ts";
import { EventBus } from "../event_bus.ts";
import type { EventPayload, EventType, WsEvent } from "../events.ts";
import { LogSink } from "../../lib/log.ts";
import { openDatabase } from "../store/db.ts";
import type { Database } from "../store/db.ts";
import { DeviceHub } from "../../devices/hub.ts";
import { defaultRegistry } from "../../devices/registry.ts";
import { FrameSink } from "../frames/frame_sink.ts";
import { SequencerService } from "../sequencer/service.ts";
import { SchedulerService } from "./scheduler_service.ts";
import { CoolerService } from "../cooler/cooler_service.ts";

export const RIG_START_MS = Date.UTC(2026, 0, 15, 22, 0);
export const RIG_SITE = { latitudeDeg: 51.4769, longitudeDeg: -0.0005, elevationM: 46 };

export interface SchedulerRig {
  clock: ManualClock;
  bus: EventBus;
  hub: DeviceHub;
  db: Database;
  sequencer: SequencerService;
  scheduler: SchedulerService;
  cooler: CoolerService;
  of<T extends EventType>(type: T): EventPayload<T>[];
  /** Advances the clock in `stepMs` steps until `check` is true (at most `maxMs` of clock). */
  until(check: () => boolean | Promise<boolean>, maxMs?: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function schedulerRig(): Promise<SchedulerRig> {
  const clock = new ManualClock(RIG_START_MS);
  const bus = new EventBus({ clock, validate: true });
  const events: WsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const logs = new LogSink({ consoleLevel: "silent" });
  const hub = new DeviceHub({ registry: defaultRegistry(), bus, clock, log: logs.logger("hub") });
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-sched-" });
  const db = await openDatabase(dataDir);
  const cooler = new CoolerService({ hub, bus, clock, log: logs.logger("cooler") });
  cooler.start();
  const sequencer = new SequencerService({
    hub,
    bus,
    clock,
    cooler,
    log: logs.logger("sequencer"),
    db,
    dataDir,
    sink: new FrameSink({
      hub,
      bus,
      log: logs.logger("frames"),
      db,
      dataDir,
      filePattern: "{object}/{object}_{filter}_{seq}",
      analysis: null,
    }),
    defaults: { gain: 100, offset: 10 },
    hooks: {},
  });
  const scheduler = new SchedulerService({
    hub,
    bus,
    clock,
    log: logs.logger("scheduler"),
    db,
    sequencer,
    cooler,
  });
  const sim = { driver: "sim", options: {} };
  const applied = hub.apply({
    site: RIG_SITE,
    optics: { focalLengthMm: 530, apertureMm: 106 },
    roles: {
      mount: { driver: "sim", options: { slewRateDegPerS: 40 } },
      camera: {
        driver: "sim",
        // The random field: the ManualClock runs on while the test waits, so the true sky's
        // first-light catalogue load (real time) would cost simulated minutes of the plan.
        options: {
          widthPx: 64,
          heightPx: 48,
          readoutMs: 100,
          coolerRateCPerMin: 600,
          sky: "random",
        },
      },
      filterwheel: { driver: "sim", options: { secondsPerSlot: 0.5 } },
      focuser: { driver: "sim", options: { speedStepsPerS: 2000 } },
      dome: { driver: "sim", options: { shutterSeconds: 5 } },
      guider: {
        driver: "sim",
        options: { calibrated: true, exposureSeconds: 0.5, noisePixels: 0.05 },
      },
      weather: sim,
    },
  });
  const until = async (
    check: () => boolean | Promise<boolean>,
    maxMs = 3_600_000,
    stepMs = 100,
  ) => {
    for (let spentMs = 0; !await check(); spentMs += stepMs) {
      if (spentMs > maxMs) throw new Error(`condition not met within ${maxMs} ms of clock`);
      await clock.advance(stepMs);
    }
  };
  let settled = false;
  applied.finally(() => settled = true);
  await until(() => settled);
  await applied;
  return {
    clock,
    bus,
    hub,
    db,
    sequencer,
    scheduler,
    cooler,
    of: <T extends EventType>(type: T) =>
      events.filter((e) => e.type === type).map((e) => e.data as EventPayload<T>),
    until,
    async close() {
      await scheduler.stop();
      await sequencer.stop();
      cooler.stop();
      await hub.close();
      await db.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
