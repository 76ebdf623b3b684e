/**
 * Checks a sequence as a whole and lists every problem at once — the schema's issues and the
 * checks only the rig can answer (is there a filter called "Ha" in the wheel, can the camera bin
 * 4×4, does the altitude limit have a site, can a target named without coordinates be found) —
 * because a phone user fixing a plan one error per round trip gives up. Semantic checks read the
 * raw input defensively, so they run even where the schema already failed elsewhere.
 */
import type { Rig } from "../../devices/rig.ts";
import { slotOfFilter } from "../../devices/filterwheel.ts";
import { AppError } from "../../lib/errors.ts";
import { Sequence } from "../schemas/sequence.ts";

export interface Issue {
  field: string;
  reason: string;
}

export type ResolveTarget = (
  name: string,
) => Promise<{ ra: number; dec: number } | null> | { ra: number; dec: number } | null;

export interface ValidationContext {
  hub: Rig;
  resolveTarget?: ResolveTarget;
}

/** The parsed sequence with every target's coordinates filled in, or all the problems. */
export async function validateSequence(
  raw: unknown,
  ctx: ValidationContext,
  where = "body",
): Promise<{ sequence: Sequence | null; issues: Issue[] }> {
  const parsed = Sequence.safeParse(raw);
  const issues: Issue[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join("."),
    reason: issue.message,
  }));
  const resolved = await semanticIssues(raw, ctx, where, issues);
  if (!parsed.success || issues.length > 0) return { sequence: null, issues };
  const sequence = parsed.data;
  sequence.targets.forEach((target, i) => {
    const coords = resolved.get(i);
    if (coords) Object.assign(target, { ra: coords.ra, dec: coords.dec });
  });
  return { sequence, issues };
}

/** Throws one 400 listing all issues; returns the sequence when there are none. */
export async function requireValidSequence(
  raw: unknown,
  ctx: ValidationContext,
  where = "body",
): Promise<Sequence> {
  const { sequence, issues } = await validateSequence(raw, ctx, where);
  if (sequence === null) throw invalid(issues);
  return sequence;
}

export function invalid(issues: Issue[]): AppError {
  const message = issues.map((i) => `${i.field}: ${i.reason}`).join("; ");
  return new AppError(400, "validation_failed", message, { issues });
}

async function semanticIssues(
  raw: unknown,
  ctx: ValidationContext,
  where: string,
  issues: Issue[],
): Promise<Map<number, { ra: number; dec: number }>> {
  const resolved = new Map<number, { ra: number; dec: number }>();
  const targets = field(raw, "targets");
  if (!Array.isArray(targets)) return resolved;
  const wheel = ctx.hub.peek("filterwheel");
  const wheelStatus = wheel?.status();
  const camera = ctx.hub.peek("camera");
  const cameraOk = camera?.status().connected === true;
  for (const [i, target] of targets.entries()) {
    const at = `${where}.targets.${i}`;
    const name = field(target, "name");
    const ra = field(target, "ra");
    const dec = field(target, "dec");
    if ((ra === undefined) !== (dec === undefined)) {
      issues.push({
        field: `${at}.${ra === undefined ? "ra" : "dec"}`,
        reason: "give both ra and dec",
      });
    } else if (ra === undefined && typeof name === "string") {
      const found = ctx.resolveTarget ? await ctx.resolveTarget(name) : null;
      if (found) resolved.set(i, found);
      else {
        issues.push({
          field: `${at}.ra`,
          reason: ctx.resolveTarget
            ? `"${name}" is not in the catalog: give ra and dec`
            : "required (no catalog is available to look the name up)",
        });
      }
    }
    const loop = field(target, "loop");
    for (const key of ["until_altitude_deg", "while_dark"]) {
      if (field(loop, key) !== undefined && ctx.hub.site === null) {
        issues.push({ field: `${at}.loop.${key}`, reason: "needs a site: no profile is active" });
      }
    }
    const groups = field(target, "groups");
    if (!Array.isArray(groups)) continue;
    for (const [j, group] of groups.entries()) {
      const g = `${at}.groups.${j}`;
      const filter = field(group, "filter");
      if (typeof filter === "string") {
        if (wheel === null) {
          issues.push({ field: `${g}.filter`, reason: "the active profile has no filter wheel" });
        } else if (wheelStatus?.connected && slotOfFilter(wheelStatus.slots, filter) === null) {
          const known = wheelStatus.slots.map((s) => s.name).join(", ");
          issues.push({ field: `${g}.filter`, reason: `no filter "${filter}"; known: ${known}` });
        }
      }
      if (!cameraOk || !camera) continue;
      const caps = camera.capabilities;
      const checks: [string, number, number][] = [
        ["exposure_s", caps.exposureMinS, caps.exposureMaxS],
        ["gain", caps.gainMin, caps.gainMax],
        ["offset", caps.offsetMin, caps.offsetMax],
        ["binning", 1, caps.maxBinning],
      ];
      for (const [key, min, max] of checks) {
        const value = field(group, key);
        if (typeof value === "number" && (value < min || value > max)) {
          issues.push({
            field: `${g}.${key}`,
            reason: `${value} is outside this camera's ${min}..${max}`,
          });
        }
      }
    }
  }
  const coolDown = field(field(raw, "options"), "cool_down");
  if (coolDown && cameraOk && camera && !camera.capabilities.hasCooler) {
    issues.push({ field: `${where}.options.cool_down`, reason: "this camera has no cooler" });
  }
  return resolved;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
