/**
 * `autofocus`: runs a full autofocus now, through the autofocus hook. Focus that fails costs
 * quality, not frames: an alert says why and the run goes on; without an autofocus routine the
 * alert says it is unavailable.
 */
import { errorText } from "../context.ts";
import { defineKind, type RunEnv } from "./kind.ts";

export const autofocus = defineKind({
  kind: "autofocus",
  summary: "Runs an autofocus now",
  fields: {},
  estimateS: (_p, est) => est.meanS("autofocus"),
  async run(_p, env) {
    await focusNow(env, null);
  },
});

/** Runs the autofocus hook; `reason` names the trigger that asked (null: the plan did). */
export async function focusNow(env: RunEnv, reason: string | null): Promise<void> {
  const { clock, hooks } = env.ctx;
  if (!hooks.autofocus) {
    const by = reason === null ? "" : ` by trigger "${reason}"`;
    env.alert("warning", `autofocus requested${by} but not available`);
    return;
  }
  env.describe(reason === null ? "autofocus" : `autofocus (${reason})`);
  const startMs = clock.now();
  try {
    await hooks.autofocus(env.signal);
  } catch (err) {
    if (env.signal.aborted) throw err;
    const what = reason === null ? "Autofocus" : `Autofocus (${reason})`;
    env.alert("warning", `${what} failed: ${errorText(err)}; continuing`);
  }
  env.measure("autofocus", clock.now() - startMs);
}
