/**
 * What the box keeps of its devices beside the drivers: the camera's cooler, set at once or
 * ramped, for the API and the automation alike; the last hour of guide steps; and the status
 * feed that turns device status (the cooler's ramp with the camera's) into events for the phone.
 * They start together once the profiles are up; at shutdown the feed and the guide log stop
 * first, the cooler only after the runs that may be ramping through it.
 */
import { CoolerService } from "../../core/cooler/cooler_service.ts";
import { GuideStepLog } from "../../core/guiding/guide_steps.ts";
import { StatusFeed } from "../../core/status_feed.ts";
import type { Rig } from "../../devices/rig.ts";
import type { BoxContext } from "./context.ts";

export function composeDevices(ctx: BoxContext, hub: Rig) {
  const { config, clock, logs, bus } = ctx;
  const cooler = new CoolerService({
    hub,
    bus,
    clock,
    log: logs.logger("cooler"),
    stepMs: config.devices.cooler_ramp_step_s * 1000,
  });
  const guideSteps = new GuideStepLog({ hub, bus, clock });
  const feed = new StatusFeed(hub, bus, { coolerRamp: cooler });
  return {
    cooler,
    guideSteps,
    feed,
    start() {
      feed.start();
      guideSteps.start();
      cooler.start();
    },
  };
}
