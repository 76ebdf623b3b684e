/**
 * The guide-step log over a night: the simulated guider guides for two hours of a manual clock,
 * and the log keeps the last hour of steps only (the phone's graph), not the whole night.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { ManualClock } from "../../lib/clock.ts";
import { LogSink } from "../../lib/log.ts";
import { DeviceHub } from "../../devices/hub.ts";
import { defaultRegistry } from "../../devices/registry.ts";
import { EventBus } from "../event_bus.ts";
import { GUIDE_HISTORY_MAX_S } from "../schemas/guider.ts";
import { GuideStepLog } from "./guide_steps.ts";

Deno.test("guide steps: two hours of guiding keep the last hour, oldest step within it", async () => {
  const clock = new ManualClock();
  const bus = new EventBus({ clock, validate: true });
  let published = 0;
  bus.subscribe((e) => e.type === "guiding.step" && published++);
  const logs = new LogSink({ consoleLevel: "silent" });
  const hub = new DeviceHub({ registry: defaultRegistry(), bus, clock, log: logs.logger("hub") });
  const log = new GuideStepLog({ hub, bus, clock });
  log.start();
  try {
    const applied = hub.apply({
      site: { latitudeDeg: 51.4769, longitudeDeg: -0.0005, elevationM: 46 },
      optics: { focalLengthMm: 530, apertureMm: 106 },
      roles: {
        guider: {
          driver: "sim",
          options: { calibrated: true, exposureSeconds: 10, noisePixels: 0.05 },
        },
      },
    });
    let done = false;
    applied.then(() => done = true, () => done = true);
    for (let spentMs = 0; !done; spentMs += 100) {
      if (spentMs > 60_000) throw new Error("the guider did not connect in a minute of clock");
      await clock.advance(100);
    }
    await applied;
    const guider = hub.peek("guider")!;
    const started = guider.startGuiding({ pixels: 100, timeS: 0, timeoutS: 600 });
    for (let i = 0; i < 2 * 360; i++) await clock.advance(10_000); // two hours of 10 s frames
    await started;
    const kept = log.history(2 * GUIDE_HISTORY_MAX_S);
    assert(published >= 700, `${published} steps were published`);
    // An hour of 10 s steps (±1 at the edges), however long the night.
    assert(Math.abs(kept.length - 360) <= 1, `${kept.length} steps kept`);
    assert(kept[0]!.ts >= clock.now() - GUIDE_HISTORY_MAX_S * 1000, "an older step was kept");
    assertEquals(log.history(60).length >= 5, true);
    await guider.stopGuiding();
  } finally {
    log.stop();
    await hub.close();
  }
});
