/**
 * Checks a sequence as a whole and lists every problem at once — the schema's issues and those
 * only the rig can see — because a phone user fixing a plan one error per round trip gives up.
 * The rig's checks belong to the instruction kinds (is there a filter called "Ha" in the wheel,
 * can the camera bin 4×4, does an altitude limit have a site, does a target named without
 * coordinates resolve); this file walks the instructions — given, or compiled from targets and
 * options — and asks each its kind. Each instruction is checked on its own, so one broken field
 * does not hide the rig's problems elsewhere; problems are named by the field the user wrote
 * (`body.targets.0.groups.1.filter`, `body.instructions.3.exposure_s`).
 */
import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import type { Rig } from "../../devices/rig.ts";
import { AppError } from "../../lib/errors.ts";
import { Sequence, SequenceOptions, sequenceSchema } from "../schemas/sequence.ts";
import { compileSequence, type Origin } from "./compile.ts";
import type { Instruction, Issue as KindIssue, ResolveTarget } from "./instructions/kind.ts";
import { type InstructionRegistry, instructionRegistry } from "./instructions/registry.ts";

export type { ResolveTarget };

/** A problem with the whole body; `field` is its full path (`body.targets.0.ra`). */
export interface Issue {
  field: string;
  reason: string;
}

export interface ValidationContext {
  hub: Rig;
  resolveTarget?: ResolveTarget;
  /** The instruction kinds accepted (default: the box's registry). */
  instructions?: InstructionRegistry;
}

const DEFAULTS = SequenceOptions.parse({});

const schemas = new WeakMap<InstructionRegistry, z.ZodType<Sequence>>();

/** The sequence schema of a registry (the box's is `Sequence`). */
export function sequenceSchemaOf(registry: InstructionRegistry): z.ZodType<Sequence> {
  if (registry === instructionRegistry) return Sequence;
  const known = schemas.get(registry);
  if (known) return known;
  const schema = sequenceSchema(registry.list) as unknown as z.ZodType<Sequence>;
  schemas.set(registry, schema);
  return schema;
}

/** The parsed sequence with every target's coordinates filled in, or all the problems. */
export async function validateSequence(
  raw: unknown,
  ctx: ValidationContext,
  where = "body",
): Promise<{ sequence: Sequence | null; issues: Issue[] }> {
  const registry = ctx.instructions ?? instructionRegistry;
  const parsed = sequenceSchemaOf(registry).safeParse(raw);
  const issues: Issue[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join("."),
    reason: issue.message,
  }));
  const given = field(raw, "instructions");
  const targets = field(raw, "targets");
  const hasTargets = Array.isArray(targets) && targets.length > 0;
  if (given === undefined && !hasTargets && !issues.some((i) => i.field === `${where}.targets`)) {
    issues.push({ field: `${where}.targets`, reason: "needs at least one target" });
  }
  if (given !== undefined && hasTargets) {
    issues.push({ field: `${where}.targets`, reason: "give targets or instructions, not both" });
  }
  const options = SequenceOptions.safeParse(field(raw, "options") ?? {});
  // Options only shape compiled targets: with instructions, anything but the defaults (which a
  // route's schema fills in) would silently do nothing.
  if (given !== undefined && !(options.success && isDeepStrictEqual(options.data, DEFAULTS))) {
    issues.push({
      field: `${where}.options`,
      reason: "with instructions, say options as instructions (dither, cool_down, park …)",
    });
  }
  const checked = { registry, ctx, where, issues };
  if (Array.isArray(given)) {
    await checkList(given, [], null, checked);
  } else if (Array.isArray(targets)) {
    const compiled = compileSequence({
      targets,
      options: options.success ? options.data : DEFAULTS,
    });
    await checkList(compiled.instructions, [], compiled.origins, checked);
  }
  if (!parsed.success || issues.length > 0) return { sequence: null, issues: unique(issues) };
  const sequence = parsed.data;
  for (const target of sequence.targets) {
    if (target.ra !== undefined && target.dec !== undefined) continue;
    const found = await ctx.resolveTarget?.(target.name) ?? null;
    if (found) Object.assign(target, { ra: found.ra, dec: found.dec });
  }
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

interface Checked {
  registry: InstructionRegistry;
  ctx: ValidationContext;
  where: string;
  issues: Issue[];
}

/** Asks each instruction's kind (and a block's body, item by item) what the rig says. */
async function checkList(
  items: readonly unknown[],
  base: Origin,
  origins: WeakMap<Instruction, Origin> | null,
  c: Checked,
): Promise<void> {
  for (const [i, item] of items.entries()) {
    const name = field(item, "kind");
    if (typeof name !== "string" || !c.registry.has(name)) continue; // the schema says why
    const kind = c.registry.get(name);
    const at = origins?.get(item as Instruction) ?? [...base, "instructions", i];
    const own = c.registry.looseSchema(name).safeParse(item);
    if (own.success && kind.check) {
      const found: KindIssue[] = await kind.check(own.data as Instruction, c.ctx);
      for (const issue of found) {
        const path = [c.where, ...at, ...(issue.field === "" ? [] : [issue.field])];
        c.issues.push({ field: path.join("."), reason: issue.reason });
      }
    }
    const body = field(item, "instructions");
    if (kind.block && Array.isArray(body)) await checkList(body, at, origins, c);
  }
}

function unique(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\n${i.reason}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}
