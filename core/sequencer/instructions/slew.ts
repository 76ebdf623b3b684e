/**
 * `slew`: points the mount at the enclosing target (unparking first) and waits for arrival.
 * Guiding this run started is stopped first — the guide star is lost in a slew — and the next
 * `start_guiding` begins again. Without a mount, or outside a target, it does nothing.
 */
import { defineKind } from "./kind.ts";

export const slew = defineKind({
  kind: "slew",
  summary: "Slews to the enclosing target's coordinates (unparking first) and waits",
  fields: {},
  replay: "mount",
  estimateS: (_p, est) => est.meanS("slew"),
  async run(_p, env) {
    const { hub, clock } = env.ctx;
    const target = env.target;
    if (hub.peek("mount") === null || !target || target.raHours === null) return;
    if (target.decDeg === null) return;
    env.describe(`slewing to ${target.name}`);
    const startMs = clock.now();
    if (env.session.guiding) {
      await hub.device("guider").stopGuiding();
      env.session.guiding = null;
    }
    await env.rig.slewTo(target.raHours, target.decDeg, env.signal);
    env.measure("slew", clock.now() - startMs);
  },
});
