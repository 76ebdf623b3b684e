/**
 * `center`: plate-solves and re-points until the enclosing target is centred, through the
 * centring hook. Off-centre frames are still frames: without a solver, or when centring fails,
 * an alert says so and the run images where the mount points.
 */
import { errorText } from "../context.ts";
import { defineKind, type RunEnv, type TargetRef } from "./kind.ts";

export const center = defineKind({
  kind: "center",
  summary: "Plate-solves and re-points until the enclosing target is centred",
  fields: {},
  replay: "centring",
  estimateS: (_p, est) => est.meanS("center"),
  async run(_p, env) {
    if (env.target) await centerOn(env, env.target);
  },
});

/** Centres on `target`; never throws but for an abort (the centring service said why). */
export async function centerOn(env: RunEnv, target: TargetRef): Promise<void> {
  const hook = env.ctx.hooks.centerOnTarget;
  if (!hook) {
    env.alert(
      "warning",
      `Centring on ${target.name} was requested but no plate solver is available`,
    );
    return;
  }
  if (target.raHours === null || target.decDeg === null) return;
  env.describe(`centring on ${target.name}`);
  const startMs = env.ctx.clock.now();
  try {
    await hook(
      { raHours: target.raHours, decDeg: target.decDeg, name: target.name },
      env.signal,
    );
  } catch (err) {
    if (env.signal.aborted) throw err;
    env.alert(
      "warning",
      `Centring on ${target.name} failed (${errorText(err)}); imaging where the mount points`,
    );
  }
  env.measure("center", env.ctx.clock.now() - startMs);
}
