/**
 * `dither`: after every `every_frames` frames of the run (not after the last one), moves the
 * guide star by up to `pixels` and waits for the settle, so hot pixels and walking noise average
 * out. A settle that fails, or a guider that is not guiding, only raises an alert.
 */
import { DITHER_FIELDS } from "../../schemas/sequence_parts.ts";
import { errorText } from "../context.ts";
import { defineKind, type ParamsOf, type RunEnv, settleOf } from "./kind.ts";

type Params = ParamsOf<"dither", typeof DITHER_FIELDS>;

export const dither = defineKind({
  kind: "dither",
  summary: "Dithers after every `every_frames` frames and waits for the settle",
  fields: DITHER_FIELDS,
  replay: true,
  estimateS(p, est) {
    est.addPerFrameS(est.meanS("dither") / p.every_frames);
    return 0;
  },
  run(p, env) {
    env.watch({
      async afterFrame(_frame, e) {
        if (e.framesDone() % p.every_frames === 0 && e.framesRemaining() > 0) await ditherNow(p, e);
      },
    });
    return Promise.resolve();
  },
});

async function ditherNow(p: Params, env: RunEnv): Promise<void> {
  const guider = env.ctx.hub.peek("guider");
  const state = guider?.status();
  if (!guider || !state?.connected || state.state !== "guiding") {
    env.alert(
      "warning",
      `Dither skipped: the guider is ${state?.connected ? state.state : "not connected"}`,
    );
    return;
  }
  env.describe(`dithering ${p.pixels} px`);
  const startMs = env.ctx.clock.now();
  try {
    await env.ctx.hub.device("guider").dither(p.pixels, settleOf(p.settle), env.signal);
  } catch (err) {
    if (env.signal.aborted) throw err;
    env.alert("warning", `Dither did not settle: ${errorText(err)}; continuing`);
  } finally {
    env.measure("dither", env.ctx.clock.now() - startMs);
  }
}
