/** `unpark`: unparks the mount and waits until it is free to move (a slew unparks by itself). */
import { waitForParked } from "../../device_wait.ts";
import { defineKind } from "./kind.ts";

export const unpark = defineKind({
  kind: "unpark",
  summary: "Unparks the mount and waits",
  fields: {},
  replay: "mount",
  estimateS: (_p, est) => est.meanS("unpark"),
  async run(_p, env) {
    const mount = env.ctx.hub.peek("mount");
    if (mount === null || !mount.status().parked) return;
    env.describe("unparking the mount");
    const startMs = env.ctx.clock.now();
    await mount.unpark();
    await waitForParked(mount, false, env.ctx.clock, env.signal);
    env.measure("unpark", env.ctx.clock.now() - startMs);
  },
});
