/**
 * `autofocus_trigger`: refocuses before a frame of its block when a trigger fires — at the start,
 * on a filter change, every N frames or M minutes, when the focuser's temperature has moved, or
 * when the frames' HFR has risen (triggers.ts keeps the count). Its state lives for the run, so a
 * retry after a failure does not refocus "at start" again.
 */
import { AUTOFOCUS_TRIGGER_FIELDS } from "../../schemas/sequence_parts.ts";
import { AutofocusTriggers } from "../triggers.ts";
import { focusNow } from "./autofocus.ts";
import { defineKind } from "./kind.ts";

export const autofocusTrigger = defineKind({
  kind: "autofocus_trigger",
  summary: "Refocuses before a frame when one of its triggers fires",
  fields: AUTOFOCUS_TRIGGER_FIELDS,
  replay: true,
  estimateS(_p, est) {
    // Focusing so far, spread over the frames so far: the cost each frame carries.
    const perFrameS = est.framesThisRun === 0 ? 0 : est.totalS("autofocus") / est.framesThisRun;
    est.addPerFrameS(perFrameS);
    return 0;
  },
  run(p, env) {
    const triggers = env.memo(() => new AutofocusTriggers(p, env.ctx.clock.now()));
    env.watch({
      async beforeFrame(_frame, e) {
        const reason = triggers.due({
          nowMs: e.ctx.clock.now(),
          filterChanged: e.session.filterChanged,
          temperatureC: e.rig.focuserTemperatureC(),
        });
        e.session.filterChanged = false;
        if (reason === null) return;
        await focusNow(e, reason);
        triggers.focused(e.ctx.clock.now(), e.rig.focuserTemperatureC());
      },
      afterFrame(frame) {
        triggers.frameTaken(frame.hfr);
        return Promise.resolve();
      },
    });
    return Promise.resolve();
  },
});
