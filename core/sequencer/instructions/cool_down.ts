/**
 * `cool_down`: sets the camera's cooler and waits until the sensor is within 1 °C of the target.
 * With `ramp_c_per_min` the box's cooler service moves the set point there at that rate (the same
 * ramp the API's cooler request runs). A cooler too slow for the timeout raises a warning and the
 * run images anyway: a warm frame beats no frame. Without a camera in the profile it does nothing.
 */
import { COOL_DOWN_FIELDS } from "../../schemas/sequence_parts.ts";
import { defineKind } from "./kind.ts";

export const coolDown = defineKind({
  kind: "cool_down",
  summary: "Cools the camera to `target_c` and waits (at most `timeout_s`)",
  fields: COOL_DOWN_FIELDS,
  replay: "camera_temperature",
  check(_p, ctx) {
    const camera = ctx.hub.peek("camera");
    return camera?.status().connected && !camera.capabilities.hasCooler
      ? [{ field: "", reason: "this camera has no cooler" }]
      : [];
  },
  estimateS: (_p, est) => est.meanS("cool_down"),
  async run(p, env) {
    if (env.ctx.hub.peek("camera") === null) return;
    const rate = p.ramp_c_per_min ?? null;
    env.describe(
      `cooling the camera to ${p.target_c} °C${rate === null ? "" : ` at ${rate} °C/min`}`,
    );
    const startMs = env.ctx.clock.now();
    const reached = await env.rig.coolTo(p.target_c, p.timeout_s * 1000, env.signal, rate);
    env.measure("cool_down", env.ctx.clock.now() - startMs);
    if (!reached) {
      env.alert(
        "warning",
        `The camera did not reach ${p.target_c} °C within ${p.timeout_s} s; imaging anyway`,
      );
    }
  },
});
