/**
 * What a sequence given as targets and options means, as instructions: the options that watch
 * every frame first (autofocus triggers, meridian flip, dither) after the cool-down, then a
 * `target` block per target — its stop conditions, slew, rotation, centring, guiding, then its
 * groups (`switch_filter` + `capture` each), repeated in a `loop` when asked — and the end of the
 * night last (stop guiding, warm up, park). Every instruction remembers the field it came from,
 * so a problem found by its kind is reported at `targets.0.groups.1.filter`, where the user
 * wrote it. It reads its input defensively: the validator compiles a body that failed its schema
 * elsewhere, so the rig's problems are listed with the schema's.
 */
import type { SequenceOptions } from "../schemas/sequence.ts";
import { EXPOSURE_FIELDS, STOP_CONDITION_FIELDS } from "../schemas/sequence_parts.ts";
import type { Instruction } from "./instructions/kind.ts";
import type { InstructionRegistry } from "./instructions/registry.ts";
import { Program } from "./program.ts";

export type Origin = readonly (string | number)[];

export interface Compiled {
  instructions: Instruction[];
  /** The field path of the targets-and-options body each instruction came from. */
  origins: WeakMap<Instruction, Origin>;
}

/** The program a stored sequence runs: its instruction list, or its compiled targets. */
export function programOf(
  sequence: { targets: readonly unknown[]; options: SequenceOptions; instructions?: unknown[] },
  registry: InstructionRegistry,
): Program {
  return new Program(sequence.instructions ?? compileSequence(sequence).instructions, registry);
}

export function compileSequence(
  sequence: { targets: readonly unknown[]; options: SequenceOptions },
): Compiled {
  const origins = new WeakMap<Instruction, Origin>();
  const from = (origin: Origin, instruction: Instruction) => {
    origins.set(instruction, origin);
    return instruction;
  };
  const o = sequence.options;
  const list: Instruction[] = [];
  if (o.cool_down) list.push(from(["options", "cool_down"], { kind: "cool_down", ...o.cool_down }));
  if (Object.values(o.autofocus).some((v) => v !== false && v !== null)) {
    list.push(from(["options", "autofocus"], { kind: "autofocus_trigger", ...o.autofocus }));
  }
  if (o.meridian_flip.enabled && o.slew) {
    const { enabled: _, ...flip } = o.meridian_flip;
    list.push(from(["options", "meridian_flip"], { kind: "meridian_flip", ...flip }));
  }
  if (o.dither) list.push(from(["options", "dither"], { kind: "dither", ...o.dither }));
  sequence.targets.forEach((raw, i) => list.push(compileTarget(raw, ["targets", i], o, from)));
  if (o.guiding.enabled) list.push(from(["options", "guiding"], { kind: "stop_guiding" }));
  if (o.warm_up) list.push(from(["options", "warm_up"], { kind: "warm_up", ...o.warm_up }));
  if (o.park_at_end) list.push(from(["options", "park_at_end"], { kind: "park" }));
  return { instructions: list, origins };
}

function compileTarget(
  raw: unknown,
  at: Origin,
  o: SequenceOptions,
  from: (origin: Origin, instruction: Instruction) => Instruction,
): Instruction {
  const t = record(raw);
  const loop = record(t.loop);
  const body: Instruction[] = [];
  const conditions = pick(loop, Object.keys(STOP_CONDITION_FIELDS));
  if (Object.keys(conditions).length > 0) {
    body.push(from([...at, "loop"], { kind: "until", ...conditions }));
  }
  if (o.slew) body.push(from(["options", "slew"], { kind: "slew" }));
  if (t.rotation_deg !== undefined) {
    body.push(from(at, { kind: "rotate", rotation_deg: t.rotation_deg }));
  }
  if (o.center_on_target) body.push(from(["options", "center_on_target"], { kind: "center" }));
  if (o.guiding.enabled) {
    body.push(from(["options", "guiding"], { kind: "start_guiding", settle: o.guiding.settle }));
  }
  const groups = Array.isArray(t.groups) ? t.groups : [];
  const frames = groups.flatMap((raw, j) => {
    const g = record(raw);
    const origin = [...at, "groups", j];
    const exposures = from(origin, { kind: "capture", ...pick(g, Object.keys(EXPOSURE_FIELDS)) });
    if (g.filter === undefined || g.filter === null) return [exposures];
    return [from(origin, { kind: "switch_filter", filter: g.filter }), exposures];
  });
  const repeat = loop.repeat ?? 1;
  if (repeat === 1) body.push(...frames);
  else body.push(from([...at, "loop"], { kind: "loop", repeat, instructions: frames }));
  return from(at, { kind: "target", ...pick(t, ["name", "ra", "dec"]), instructions: body });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** The fields of `keys` that are present (undefined ones left out). */
function pick(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.flatMap((k) => value[k] === undefined ? [] : [[k, value[k]]]));
}
