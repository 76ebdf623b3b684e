/**
 * `target`: a block whose instructions point at one object. Slews, centring, the meridian flip
 * and altitude limits inside it use its coordinates, and its frames carry its name as OBJECT. A
 * target named without coordinates is looked up in the catalog (validation refuses one the
 * catalog does not know).
 */
import { TARGET_FIELDS } from "../../schemas/sequence_parts.ts";
import { defineBlock, type Issue } from "./kind.ts";

export const target = defineBlock({
  kind: "target",
  summary: "Points the instructions inside at an object (slews, centring, OBJECT, altitude)",
  fields: TARGET_FIELDS,
  block: {
    async enter(p, env) {
      if (p.ra !== undefined && p.dec !== undefined) {
        return { name: p.name, raHours: p.ra, decDeg: p.dec };
      }
      const found = await env.ctx.hooks.resolveTarget?.(p.name) ?? null;
      return { name: p.name, raHours: found?.ra ?? null, decDeg: found?.dec ?? null };
    },
  },
  async check(p, ctx): Promise<Issue[]> {
    if ((p.ra === undefined) !== (p.dec === undefined)) {
      return [{ field: p.ra === undefined ? "ra" : "dec", reason: "give both ra and dec" }];
    }
    if (p.ra !== undefined) return [];
    if (!ctx.resolveTarget) {
      return [{ field: "ra", reason: "required (no catalog is available to look the name up)" }];
    }
    return await ctx.resolveTarget(p.name)
      ? []
      : [{ field: "ra", reason: `"${p.name}" is not in the catalog: give ra and dec` }];
  },
});
