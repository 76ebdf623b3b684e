/**
 * `park`: parks the mount and waits. Like every end-of-night step it is tried whatever happened
 * before, and a failure is an alert rather than a stop, so the steps after it still run.
 */
import { errorText } from "../context.ts";
import { defineKind } from "./kind.ts";

export const park = defineKind({
  kind: "park",
  summary: "Parks the mount and waits",
  fields: {},
  replay: "mount",
  estimateS: (_p, est) => est.meanS("park"),
  async run(_p, env) {
    if (env.ctx.hub.peek("mount") === null) return;
    env.describe("parking the mount");
    const startMs = env.ctx.clock.now();
    try {
      await env.rig.park(env.signal);
    } catch (err) {
      if (env.signal.aborted) throw err;
      env.alert("error", `Parking the mount failed: ${errorText(err)}`);
    }
    env.measure("park", env.ctx.clock.now() - startMs);
  },
});
