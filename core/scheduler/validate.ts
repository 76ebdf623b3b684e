/**
 * Checks a proposed plan as a whole and lists every problem in one 400: the plan schema's issues,
 * the rig's (each target's groups go through the sequencer's own checks — filter names, camera
 * limits — and a target named without coordinates is looked up in the catalog, its coordinates
 * stored), a site to compute altitudes at, and time windows that close before they open.
 */
import type { Rig } from "../../devices/rig.ts";
import { SchedulerPlan } from "../schemas/scheduler.ts";
import {
  invalid,
  type Issue,
  type ResolveTarget,
  validateSequence,
} from "../sequencer/validate.ts";

export interface PlanValidationContext {
  hub: Rig;
  resolveTarget?: ResolveTarget;
}

export async function requireValidPlan(
  raw: unknown,
  ctx: PlanValidationContext,
  where = "body",
): Promise<SchedulerPlan> {
  const parsed = SchedulerPlan.safeParse(raw);
  const issues: Issue[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join("."),
    reason: issue.message,
  }));
  const targets = field(raw, "targets");
  let resolved: { ra?: number; dec?: number }[] = [];
  if (Array.isArray(targets)) {
    // The sequencer's checks see the same paths (targets.N.groups.M…); options are renamed.
    const asSequence = {
      name: "plan",
      targets: targets.map((t) => ({
        name: field(t, "name"),
        ra: field(t, "ra"),
        dec: field(t, "dec"),
        groups: field(t, "groups"),
      })),
      options: field(raw, "sequence_options") ?? {},
    };
    const result = await validateSequence(asSequence, ctx, where);
    for (const issue of result.issues) {
      const renamed = issue.field.replace(`${where}.options`, `${where}.sequence_options`);
      if (!issues.some((i) => i.field === renamed && i.reason === issue.reason)) {
        issues.push({ field: renamed, reason: issue.reason });
      }
    }
    resolved = result.sequence?.targets ?? [];
  }
  if (ctx.hub.site === null) {
    issues.push({ field: `${where}.targets`, reason: "needs a site: no profile is active" });
  }
  if (parsed.success) windowIssues(parsed.data, where, issues);
  if (!parsed.success || issues.length > 0) throw invalid(issues);
  const plan = parsed.data;
  plan.targets.forEach((target, i) => {
    const coords = resolved[i];
    if (coords?.ra !== undefined && coords.dec !== undefined) {
      target.ra = coords.ra;
      target.dec = coords.dec;
    }
  });
  return plan;
}

function windowIssues(plan: SchedulerPlan, where: string, issues: Issue[]): void {
  const check = (at: string, c: { not_before?: string; not_after?: string }) => {
    if (c.not_before && c.not_after && Date.parse(c.not_after) <= Date.parse(c.not_before)) {
      issues.push({ field: `${at}.not_after`, reason: "must be after not_before" });
    }
  };
  check(`${where}.constraints`, plan.constraints);
  plan.targets.forEach((t, i) =>
    check(`${where}.targets.${i}.constraints`, { ...plan.constraints, ...t.constraints })
  );
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
