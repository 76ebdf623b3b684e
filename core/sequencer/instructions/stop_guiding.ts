/**
 * `stop_guiding`: stops the guiding this run started (guiding someone else started is left
 * alone). A failure is an alert: it must not keep the camera cold or the mount unparked.
 */
import { errorText } from "../context.ts";
import { defineKind } from "./kind.ts";

export const stopGuiding = defineKind({
  kind: "stop_guiding",
  summary: "Stops the guiding this run started",
  fields: {},
  replay: "guiding",
  async run(_p, env) {
    if (!env.session.guiding) return;
    env.session.guiding = null;
    try {
      await env.ctx.hub.device("guider").stopGuiding();
    } catch (err) {
      if (env.signal.aborted) throw err;
      env.alert("error", `Stopping guiding failed: ${errorText(err)}`);
    }
  },
});
