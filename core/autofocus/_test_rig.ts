/**
 * A simulated camera and focuser joined by the optics link, on a ManualClock, for the autofocus
 * tests: a small sensor with a V-curve whose best focus is known, and `drive` to advance the
 * clock until a run settles, so a 9-point run of 2 s exposures takes a fraction of a second.
 */
import { ManualClock } from "../../lib/clock.ts";
import { EventBus } from "../event_bus.ts";
import { LogSink } from "../../lib/log.ts";
import { DeviceHub } from "../../devices/hub.ts";
import { defaultRegistry } from "../../devices/registry.ts";
import type { SimCamera } from "../../devices/sim/camera.ts";

export interface AfRig {
  clock: ManualClock;
  bus: EventBus;
  hub: DeviceHub;
  /** The simulator's true best focus now, steps. */
  trueBest(): Promise<number>;
  drive<T>(promise: Promise<T>, maxMs?: number): Promise<T>;
  close(): Promise<void>;
}

export async function afRig(
  focus: Record<string, unknown> = { bestPosition: 25_230 },
  focuserOptions: Record<string, unknown> = {},
  cameraOptions: Record<string, unknown> = { widthPx: 640, heightPx: 480 },
): Promise<AfRig> {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 22, 0));
  const bus = new EventBus({ clock, validate: true });
  const logs = new LogSink({ consoleLevel: "silent" });
  const hub = new DeviceHub({ registry: defaultRegistry(), bus, clock, log: logs.logger("hub") });
  const drive = async <T>(promise: Promise<T>, maxMs = 3_600_000): Promise<T> => {
    let settled = false;
    const watched = promise.finally(() => settled = true);
    // Handled below, after the loop; without this a rejection mid-loop counts as unhandled.
    watched.catch(() => {});
    for (let spentMs = 0; !settled && spentMs < maxMs; spentMs += 50) await clock.advance(50);
    if (!settled) throw new Error(`still pending after ${maxMs} ms of clock`);
    return await watched;
  };
  await drive(hub.apply({
    site: { latitudeDeg: 51.4769, longitudeDeg: -0.0005, elevationM: 46 },
    optics: { focalLengthMm: 530, apertureMm: 106 },
    roles: {
      camera: {
        driver: "sim",
        options: { readoutMs: 100, ...cameraOptions, focus },
      },
      focuser: { driver: "sim", options: { speedStepsPerS: 5000, ...focuserOptions } },
      filterwheel: { driver: "sim", options: { secondsPerSlot: 0.2 } },
    },
  }));
  return {
    clock,
    bus,
    hub,
    // The hub's guard makes every driver method async, this simulator-only one included.
    trueBest: async () =>
      (await (hub.device("camera") as unknown as SimCamera).trueBestFocusSteps())!,
    drive,
    async close() {
      await hub.close();
    },
  };
}
