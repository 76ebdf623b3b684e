/** `rotate`: turns the rotator to a sky position angle and waits; no rotator, nothing to do. */
import { z } from "zod";
import { defineKind } from "./kind.ts";

const ROTATE_TIMEOUT_MS = 5 * 60_000;

export const rotate = defineKind({
  kind: "rotate",
  summary: "Turns the rotator to `rotation_deg` and waits",
  fields: { rotation_deg: z.number().min(0).lt(360).describe("sky position angle") },
  replay: "rotator",
  estimateS: (_p, est) => est.meanS("rotate"),
  async run(p, env) {
    const rotator = env.ctx.hub.peek("rotator");
    if (rotator === null) return;
    env.describe(`rotating to ${p.rotation_deg}°`);
    const startMs = env.ctx.clock.now();
    await rotator.moveTo(p.rotation_deg);
    await env.rig.waitUntil(
      "rotator.moveTo",
      () => !rotator.status().moving,
      ROTATE_TIMEOUT_MS,
      env.signal,
    );
    env.measure("rotate", env.ctx.clock.now() - startMs);
  },
});
