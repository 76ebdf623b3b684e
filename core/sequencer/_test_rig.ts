/**
 * A whole simulated rig on a ManualClock for the sequencer's tests: hub with simulators (the
 * same clock in every DriverContext), a validating bus recording events, a temporary database
 * and data dir, and a SequencerService over them. `drive` advances the clock until a promise
 * settles, so a night of exposures runs in a fraction of a second.
 */
import { ManualClock } from "../../lib/clock.ts";
import { EventBus } from "../event_bus.ts";
import type { EventPayload, EventType, WsEvent } from "../events.ts";
import { LogSink } from "../../lib/log.ts";
import { openDatabase } from "../store/db.ts";
import type { Database } from "../store/db.ts";
import { DeviceHub } from "../../devices/hub.ts";
import type { RigPlan } from "../../devices/rig.ts";
import { defaultRegistry, driverEntry } from "../../devices/registry.ts";
import { SimGuider } from "../../devices/sim/guider.ts";
import { SimGuiderOptions } from "../../devices/sim/guider_options.ts";
import type { SettleParams } from "../../devices/guider.ts";
import type { SequencerHooks } from "./context.ts";
import type { InstructionRegistry } from "./instructions/registry.ts";
import { SequencerService } from "./service.ts";
import { FrameSink } from "../frames/frame_sink.ts";
import type { TaskRunner } from "../frames/frame_figures.ts";
import { CoolerService } from "../cooler/cooler_service.ts";

export class CountingGuider extends SimGuider {
  dithers = 0;
  override dither(pixels: number, settle: SettleParams, signal?: AbortSignal): Promise<void> {
    this.dithers++;
    return super.dither(pixels, settle, signal);
  }
}

export interface TestRig {
  clock: ManualClock;
  bus: EventBus;
  hub: DeviceHub;
  db: Database;
  dataDir: string;
  /** The frame sink the sequencer saves through (other routines of a test may share it). */
  sink: FrameSink;
  service: SequencerService;
  cooler: CoolerService;
  events: WsEvent[];
  guider(): CountingGuider;
  of<T extends EventType>(type: T): EventPayload<T>[];
  /** Advances the clock in 100 ms steps until `promise` settles (at most `maxMs` of clock). */
  drive<T>(promise: Promise<T>, maxMs?: number): Promise<T>;
  /** Advances until `check` is true. */
  until(check: () => boolean, maxMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function testRig(
  hooks: SequencerHooks = {},
  /** More roles (e.g. a mount) on top of camera, filter wheel, focuser and guider. */
  extraRoles: RigPlan["roles"] = {},
  /** The instruction kinds the sequencer knows (default: the box's). */
  instructions?: InstructionRegistry,
  /** Where the sink's star analysis runs (default: inline, the real analysis). */
  analysis: TaskRunner | null = null,
): Promise<TestRig> {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 22, 0));
  const bus = new EventBus({ clock, validate: true });
  const events: WsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const logs = new LogSink({ consoleLevel: "silent" });
  const registry = defaultRegistry();
  let guider: CountingGuider | null = null;
  registry.guider = {
    sim: driverEntry(
      "Counting simulator",
      "counts settles",
      SimGuiderOptions,
      (ctx) => guider = new CountingGuider(ctx),
    ),
  };
  const hub = new DeviceHub({ registry, bus, clock, log: logs.logger("hub") });
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-seq-" });
  const db = await openDatabase(dataDir);
  const sink = new FrameSink({
    hub,
    bus,
    log: logs.logger("frames"),
    db,
    dataDir,
    filePattern: "{object}/{object}_{filter}_{seq}",
    analysis,
  });
  const cooler = new CoolerService({ hub, bus, clock, log: logs.logger("cooler") });
  cooler.start();
  const service = new SequencerService({
    hub,
    bus,
    clock,
    cooler,
    log: logs.logger("sequencer"),
    db,
    dataDir,
    sink,
    defaults: { gain: 100, offset: 10 },
    hooks,
    instructions,
  });
  const applied = hub.apply({
    site: { latitudeDeg: 51.4769, longitudeDeg: -0.0005, elevationM: 46 },
    optics: { focalLengthMm: 530, apertureMm: 106 },
    roles: {
      // The random field: the ManualClock runs on while the test waits, so the true sky's
      // first-light catalogue load (real time) would shift the sequence's simulated timing.
      camera: {
        driver: "sim",
        options: { widthPx: 64, heightPx: 48, readoutMs: 100, sky: "random" },
      },
      filterwheel: { driver: "sim", options: { secondsPerSlot: 0.5 } },
      focuser: { driver: "sim", options: { speedStepsPerS: 200 } },
      guider: {
        driver: "sim",
        options: { calibrated: true, exposureSeconds: 0.5, noisePixels: 0.05 },
      },
      ...extraRoles,
    },
  });
  const drive = async <T>(promise: Promise<T>, maxMs = 3_600_000): Promise<T> => {
    let settled = false;
    const watched = promise.finally(() => settled = true);
    for (let spentMs = 0; !settled && spentMs < maxMs; spentMs += 100) await clock.advance(100);
    if (!settled) throw new Error(`still pending after ${maxMs} ms of clock`);
    return await watched;
  };
  await drive(applied);
  return {
    clock,
    bus,
    hub,
    db,
    dataDir,
    sink,
    service,
    cooler,
    events,
    guider: () => guider!,
    of: <T extends EventType>(type: T) =>
      events.filter((e) => e.type === type).map((e) => e.data as EventPayload<T>),
    drive,
    async until(check, maxMs = 3_600_000) {
      for (let spentMs = 0; !check(); spentMs += 100) {
        if (spentMs > maxMs) throw new Error(`condition not met within ${maxMs} ms of clock`);
        await clock.advance(100);
      }
    },
    async close() {
      await service.stop();
      await sink.close();
      cooler.stop();
      await hub.close();
      await db.close();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}
