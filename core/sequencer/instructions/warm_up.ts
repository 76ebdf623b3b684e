/**
 * `warm_up`: raises the sensor to `target_c`, then switches the cooler off; with
 * `ramp_c_per_min` through the box's cooler ramp (the set point rises at that rate and the cooler
 * goes off once the sensor has followed), as the API's cooler-off-with-a-ramp does. Like every
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
    const rate = p.ramp_c_per_min ?? null;
    env.describe(
      `warming the camera to ${p.target_c} °C${rate === null ? "" : ` at ${rate} °C/min`}`,
    );
    const startMs = env.ctx.clock.now();
    try {
      if (!await env.rig.warmUp(p.target_c, p.timeout_s * 1000, env.signal, rate)) {
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
