/**
 * `start_guiding`: starts guiding (calibrating if the guider must) and waits for the settle. A
 * guider that cannot guide stops the run with an alert — unguided long frames would be waste —
 * and resuming retries.
 */
import { SettleSchema } from "../../schemas/sequence_parts.ts";
import { defineKind, settleOf } from "./kind.ts";

export const startGuiding = defineKind({
  kind: "start_guiding",
  summary: "Starts guiding and waits until it settles",
  fields: { settle: SettleSchema.prefault({}) },
  replay: "guiding",
  estimateS: (_p, est) => est.meanS("start_guiding"),
  async run(p, env) {
    env.describe("starting guiding");
    const startMs = env.ctx.clock.now();
    const settle = settleOf(p.settle);
    await env.ctx.hub.device("guider").startGuiding(settle, env.signal);
    env.session.guiding = { settle };
    env.measure("start_guiding", env.ctx.clock.now() - startMs);
  },
});
