/**
 * The instruction kinds the sequencer knows, in ONE list: adding a kind is a new file beside
 * these and a line here. A registry turns its kinds into the schema of an instruction (a union
 * on `kind`, blocks holding lists of the same union) and finds a kind by name; the engine, the
 * validator and the estimates ask it, never a list of their own. A test may build a registry
 * with more kinds and give it to the sequencer.
 */
import { z } from "zod";
import { autofocus } from "./autofocus.ts";
import { autofocusTrigger } from "./autofocus_trigger.ts";
import { capture } from "./capture.ts";
import { center } from "./center.ts";
import { coolDown } from "./cool_down.ts";
import { dither } from "./dither.ts";
import type { Instruction, InstructionKind } from "./kind.ts";
import { loop } from "./loop.ts";
import { meridianFlip } from "./meridian_flip.ts";
import { park } from "./park.ts";
import { rotate } from "./rotate.ts";
import { slew } from "./slew.ts";
import { startGuiding } from "./start_guiding.ts";
import { stopGuiding } from "./stop_guiding.ts";
import { switchFilter } from "./switch_filter.ts";
import { target } from "./target.ts";
import { unpark } from "./unpark.ts";
import { until } from "./until.ts";
import { wait } from "./wait.ts";
import { warmUp } from "./warm_up.ts";

export const INSTRUCTION_KINDS: readonly InstructionKind[] = [
  target,
  loop,
  until,
  wait,
  coolDown,
  warmUp,
  unpark,
  slew,
  rotate,
  center,
  park,
  startGuiding,
  stopGuiding,
  switchFilter,
  autofocus,
  autofocusTrigger,
  meridianFlip,
  dither,
  capture,
];

/** The most instructions in one list (a block's body, or the sequence's). */
export const MAX_INSTRUCTIONS = 500;

export class InstructionRegistry {
  readonly #kinds = new Map<string, InstructionKind>();
  readonly #loose = new Map<string, z.ZodType>();
  /** One instruction, any kind. */
  readonly schema: z.ZodType<Instruction>;
  /** A list of instructions (what a sequence or a block holds). */
  readonly list: z.ZodType<Instruction[]>;

  /** `id` names the instruction schema in the OpenAPI document (needed there: it is recursive). */
  constructor(kinds: readonly InstructionKind[], options: { id?: string } = {}) {
    let union: z.ZodType<Instruction> | null = null;
    const lazy = z.lazy(() => union!);
    const item = options.id
      ? lazy.meta({ id: options.id, description: "One sequence instruction; `kind` says which" })
      : lazy;
    this.list = z.array(item).min(1, "needs at least one instruction").max(MAX_INSTRUCTIONS);
    const variants = kinds.map((k) => {
      if (this.#kinds.has(k.kind)) throw new TypeError(`instruction kind "${k.kind}" twice`);
      this.#kinds.set(k.kind, k);
      this.#loose.set(k.kind, z.object({ kind: z.literal(k.kind), ...k.fields }));
      const body = k.block ? { instructions: this.list } : {};
      return z.strictObject({ kind: z.literal(k.kind), ...k.fields, ...body }).describe(k.summary);
    });
    if (variants.length === 0) throw new TypeError("a registry needs at least one kind");
    union = z.discriminatedUnion(
      "kind",
      variants as unknown as [z.ZodObject, ...z.ZodObject[]],
    ) as unknown as z.ZodType<Instruction>;
    this.schema = item;
  }

  /** The kind called `name`; RangeError for one this registry does not know. */
  get(name: string): InstructionKind {
    const kind = this.#kinds.get(name);
    if (!kind) throw new RangeError(`no instruction kind "${name}" (known: ${this.names()})`);
    return kind;
  }

  has(name: string): boolean {
    return this.#kinds.has(name);
  }

  names(): string {
    return [...this.#kinds.keys()].join(", ");
  }

  /** The kind's own parameters, unknown keys ignored (a block's body is checked item by item). */
  looseSchema(name: string): z.ZodType {
    return this.#loose.get(name) ?? z.never();
  }
}

/** The box's registry: what the API accepts and the sequencer runs. */
export const instructionRegistry = new InstructionRegistry(INSTRUCTION_KINDS, {
  id: "SequenceInstruction",
});
