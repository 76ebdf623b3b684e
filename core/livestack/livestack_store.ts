/**
 * The live stacks on disk, in `<data dir>/livestack/`, so they survive a restart or a power cut:
 * each filter's accumulator as a float FITS cube (`accumulator-<generation>.fits`, see
 * stack_fits.ts) and `state.json` beside them with every stack's counters, reference stars and
 * file, and the options. An update writes the changed stack's new generation durably, then
 * state.json durably — the commit point, naming every stack's file — and only then removes the
 * files no stack names, so at every instant state.json names complete files. A state saved by the
 * single-stack version (version 1) loads as one stack without a filter. A damaged or foreign
 * state is reported and ignored, never a crash.
 */
import { join } from "node:path";
import { z } from "zod";
import { writeFitsFileDurably } from "../../lib/durable_write.ts";
import type { AccumulatorState } from "../imaging/stack/accumulator.ts";
import { decodeStack, encodeStackChunks } from "../imaging/stack/stack_fits.ts";
import { LivestackFrameDto, LivestackOptions } from "../schemas/livestack.ts";

const StarJson = z.object({
  x: z.number(),
  y: z.number(),
  flux: z.number(),
  peak: z.number(),
  snr: z.number(),
  hfrPx: z.number(),
  fwhmPx: z.number(),
  eccentricity: z.number(),
});

const ReferenceJson = z.object({
  frameId: z.string(),
  path: z.string(),
  widthPx: z.number().int(),
  heightPx: z.number().int(),
  stars: z.array(StarJson),
});

const FILE = /^accumulator-\d+\.fits$/;

/** One filter's stack in state.json. */
export const StackMeta = z.object({
  filter: z.string().nullable(),
  /** The generation `file` was written at (versions the preview URL). */
  generation: z.number().int().min(0),
  /** Null until a frame of this filter has been accepted (only rejections so far). */
  file: z.string().regex(FILE).nullable(),
  framesStacked: z.number().int().min(0),
  framesRejected: z.number().int().min(0),
  rejections: z.record(z.string(), z.number()),
  totalExposureS: z.number().min(0),
  color: z.boolean().nullable(),
  reference: ReferenceJson.nullable(),
  hfrHistoryPx: z.array(z.number()),
  lastFrame: LivestackFrameDto.nullable(),
  updatedAt: z.string().nullable(),
});
export type StackMeta = z.infer<typeof StackMeta>;

/** What state.json holds. */
export const LivestackMeta = z.object({
  version: z.literal(2),
  /** The last generation written, by any stack. */
  generation: z.number().int().min(0),
  running: z.boolean(),
  options: LivestackOptions,
  /** Index in `stacks` of the latest frame's stack; null before the first frame. */
  current: z.number().int().min(0).nullable(),
  stacks: z.array(StackMeta),
});
export type LivestackMeta = z.infer<typeof LivestackMeta>;

/** state.json of the single-stack version, read once and converted. */
const LivestackMetaV1 = z.object({
  version: z.literal(1),
  generation: z.number().int().min(1),
  file: z.string().regex(FILE),
  running: z.boolean(),
  options: LivestackOptions,
  framesStacked: z.number().int().min(0),
  framesRejected: z.number().int().min(0),
  rejections: z.record(z.string(), z.number()),
  totalExposureS: z.number().min(0),
  color: z.boolean(),
  reference: ReferenceJson,
  hfrHistoryPx: z.array(z.number()),
  lastFrame: LivestackFrameDto.nullable(),
  updatedAt: z.string(),
});

function fromV1(v1: z.infer<typeof LivestackMetaV1>): LivestackMeta {
  return {
    version: 2,
    generation: v1.generation,
    running: v1.running,
    options: v1.options,
    current: 0,
    stacks: [{
      filter: null,
      generation: v1.generation,
      file: v1.file,
      framesStacked: v1.framesStacked,
      framesRejected: v1.framesRejected,
      rejections: v1.rejections,
      totalExposureS: v1.totalExposureS,
      color: v1.color,
      reference: v1.reference,
      hfrHistoryPx: v1.hfrHistoryPx,
      lastFrame: v1.lastFrame,
      updatedAt: v1.updatedAt,
    }],
  };
}

export interface SavedLivestack {
  meta: LivestackMeta;
  /** Each stack's accumulator, in the order of `meta.stacks`; null where it has no file. */
  states: (AccumulatorState | null)[];
}

export class LivestackStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "livestack");
  }

  /**
   * Commits `meta`. `changed` is the accumulator of the one stack whose `file` is new in it (it
   * is written first); without it only state.json is rewritten (start, stop, a rejection).
   */
  async save(
    meta: LivestackMeta,
    changed?: { file: string; state: AccumulatorState },
  ): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    if (changed) {
      await writeFitsFileDurably(join(this.dir, changed.file), encodeStackChunks(changed.state));
    }
    const json = new TextEncoder().encode(JSON.stringify(meta));
    await writeFitsFileDurably(join(this.dir, "state.json"), json);
    if (changed) await this.#removeExcept(new Set(meta.stacks.map((s) => s.file)));
  }

  /**
   * The saved stacks, or null when there are none. Throws Error (with the reason) when a state
   * exists but cannot be used; the caller decides to start afresh.
   */
  async load(): Promise<SavedLivestack | null> {
    let text: string;
    try {
      text = await Deno.readTextFile(join(this.dir, "state.json"));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
    const json = JSON.parse(text);
    const v1 = LivestackMetaV1.safeParse(json);
    const parsed = v1.success ? null : LivestackMeta.safeParse(json);
    if (parsed && !parsed.success) {
      throw new Error(`livestack state.json is invalid: ${parsed.error.message}`);
    }
    const meta = v1.success ? fromV1(v1.data) : parsed!.data!;
    if (meta.current !== null && meta.current >= meta.stacks.length) {
      throw new Error(`livestack state.json names stack ${meta.current} of ${meta.stacks.length}`);
    }
    const states: (AccumulatorState | null)[] = [];
    for (const stack of meta.stacks) {
      if (stack.file === null) {
        states.push(null);
        continue;
      }
      const state = decodeStack(await Deno.readFile(join(this.dir, stack.file)));
      if (state.frames !== stack.framesStacked || (state.mean.length === 3) !== stack.color) {
        throw new Error(
          `livestack ${stack.file} holds ${state.frames} frames in ${state.mean.length} planes; state.json says ${stack.framesStacked}`,
        );
      }
      states.push(state);
    }
    return { meta, states };
  }

  /** Removes the saved stacks (state.json first: without it the rest is ignored). */
  async clear(): Promise<void> {
    await Deno.remove(join(this.dir, "state.json")).catch(() => {});
    await this.#removeExcept(new Set());
  }

  async #removeExcept(keep: Set<string | null>): Promise<void> {
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (entry.name.startsWith("accumulator-") && !keep.has(entry.name)) {
          await Deno.remove(join(this.dir, entry.name)).catch(() => {});
        }
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
}
