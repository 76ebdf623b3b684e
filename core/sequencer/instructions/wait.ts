/**
 * `wait`: waits a number of seconds, or until an instant (dusk, a target's rise …), on the run's
 * clock; pause and abort take effect at once. An instant already past does not wait.
 */
import { z } from "zod";
import { defineKind } from "./kind.ts";

export const wait = defineKind({
  kind: "wait",
  summary: "Waits `seconds`, or until `until_time`",
  fields: {
    seconds: z.number().min(0).max(86_400).optional(),
    until_time: z.iso.datetime({ offset: true }).optional().describe("ISO 8601"),
  },
  check(p) {
    return (p.seconds === undefined) === (p.until_time === undefined)
      ? [{ field: "seconds", reason: "give exactly one of seconds and until_time" }]
      : [];
  },
  estimateS(p, est) {
    return p.seconds ?? Math.max(0, (Date.parse(p.until_time ?? "") - est.atMs) / 1000);
  },
  async run(p, env) {
    const { clock } = env.ctx;
    const ms = p.seconds !== undefined
      ? p.seconds * 1000
      : Date.parse(p.until_time ?? "") - clock.now();
    if (!(ms > 0)) return;
    env.describe(p.until_time ? `waiting until ${p.until_time}` : `waiting ${p.seconds} s`);
    await clock.sleep(ms, env.signal);
  },
});
