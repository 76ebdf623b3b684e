/**
 * `until`: stop conditions for the rest of the block it stands in (a target, a loop, the whole
 * sequence). Checked before every following instruction and every frame: no frame starts after
 * `until_time`, below `until_altitude_deg` (of the enclosing target), or — with `while_dark` —
 * once the Sun is above −12° / −18° at the profile's site. A met condition ends that block, and
 * the run goes on after it; at the top of a sequence it ends the sequence (end-of-night steps
 * included), so put it in a `target` or `loop` to stop just that.
 */
import { STOP_CONDITION_FIELDS } from "../../schemas/sequence_parts.ts";
import { stopReason } from "../conditions.ts";
import { defineKind, type Issue } from "./kind.ts";

export const until = defineKind({
  kind: "until",
  summary: "Ends its block when a time passes, the target sinks too low, or dawn comes",
  fields: STOP_CONDITION_FIELDS,
  replay: true,
  check(p, ctx) {
    const issues: Issue[] = [];
    for (const key of ["until_altitude_deg", "while_dark"] as const) {
      if (p[key] !== undefined && ctx.hub.site === null) {
        issues.push({ field: key, reason: "needs a site: no profile is active" });
      }
    }
    return issues;
  },
  run(p, env) {
    env.watch({ stopReason: (e) => stopReason(e.ctx, e.target, p) });
    return Promise.resolve();
  },
});
