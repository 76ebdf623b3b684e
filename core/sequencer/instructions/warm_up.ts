/**
 * `warm_up`: raises the sensor to `target_c` gently, then switches the cooler off. Like every
 * end-of-night step it is tried whatever happened before, and a failure is an alert, not a stop:
 * a failed warm-up must not keep the mount from parking.
 */
import { WARM_UP_FIELDS } from "../../schemas/sequence_parts.ts";
import { errorText } from "../context.ts";
import { defineKind } from "./kind.ts";

export const warmUp = defineKind({
  kind: "warm_up",
  summary: "Warms the camera to `target_c`, then switches its cooler off",
  fields: WARM_UP_FIELDS,
  replay: "camera_temperature",
  estimateS: (_p, est) => est.meanS("warm_up"),
  async run(p, env) {
    if (env.ctx.hub.peek("camera") === null) return;
    env.describe(`warming the camera to ${p.target_c} °C`);
    const startMs = env.ctx.clock.now();
    try {
      if (!await env.rig.warmUp(p.target_c, p.timeout_s * 1000, env.signal)) {
        env.alert(
          "warning",
          `The camera did not reach ${p.target_c} °C before the cooler was switched off`,
        );
      }
    } catch (err) {
      if (env.signal.aborted) throw err;
      env.alert("error", `Warming the camera failed: ${errorText(err)}`);
    }
    env.measure("warm_up", env.ctx.clock.now() - startMs);
  },
});
