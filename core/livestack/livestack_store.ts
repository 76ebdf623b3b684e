/**
 * The live stack on disk, in `<data dir>/livestack/`, so it survives a restart or a power cut:
 * the accumulator as a float FITS cube (`accumulator-<generation>.fits`, see stack_fits.ts) and
 * `state.json` beside it with the counters, the reference's stars and the options. Each update
 * writes a new generation's FITS durably, then state.json durably — the commit point, naming the
 * FITS it belongs to — and only then removes older generations, so at every instant state.json
 * names a complete file. A damaged or foreign state is reported and ignored, never a crash.
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

/** What state.json holds. */
export const LivestackMeta = z.object({
  version: z.literal(1),
  generation: z.number().int().min(1),
  file: z.string().regex(/^accumulator-\d+\.fits$/),
  running: z.boolean(),
  options: LivestackOptions,
  framesStacked: z.number().int().min(0),
  framesRejected: z.number().int().min(0),
  rejections: z.record(z.string(), z.number()),
  totalExposureS: z.number().min(0),
  color: z.boolean(),
  reference: z.object({
    frameId: z.string(),
    path: z.string(),
    widthPx: z.number().int(),
    heightPx: z.number().int(),
    stars: z.array(StarJson),
  }),
  hfrHistoryPx: z.array(z.number()),
  lastFrame: LivestackFrameDto.nullable(),
  updatedAt: z.string(),
});
export type LivestackMeta = z.infer<typeof LivestackMeta>;

export class LivestackStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, "livestack");
  }

  /** Writes the generation named in `meta` and commits it. */
  async save(state: AccumulatorState, meta: LivestackMeta): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    await writeFitsFileDurably(join(this.dir, meta.file), encodeStackChunks(state));
    await this.saveMeta(meta);
    await this.#removeExcept(meta.file);
  }

  /** Rewrites state.json alone (its FITS must already be on disk). */
  async saveMeta(meta: LivestackMeta): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    const json = new TextEncoder().encode(JSON.stringify(meta));
    await writeFitsFileDurably(join(this.dir, "state.json"), json);
  }

  /**
   * The saved stack, or null when there is none. Throws Error (with the reason) when a state
   * exists but cannot be used; the caller decides to start afresh.
   */
  async load(): Promise<{ state: AccumulatorState; meta: LivestackMeta } | null> {
    let text: string;
    try {
      text = await Deno.readTextFile(join(this.dir, "state.json"));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    }
    const parsed = LivestackMeta.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`livestack state.json is invalid: ${parsed.error.message}`);
    }
    const meta = parsed.data;
    const state = decodeStack(await Deno.readFile(join(this.dir, meta.file)));
    if (state.frames !== meta.framesStacked || (state.mean.length === 3) !== meta.color) {
      throw new Error(
        `livestack ${meta.file} holds ${state.frames} frames in ${state.mean.length} planes; state.json says ${meta.framesStacked}`,
      );
    }
    return { state, meta };
  }

  /** Removes the saved stack (state.json first: without it the rest is ignored). */
  async clear(): Promise<void> {
    await Deno.remove(join(this.dir, "state.json")).catch(() => {});
    await this.#removeExcept(null);
  }

  async #removeExcept(keep: string | null): Promise<void> {
    try {
      for await (const entry of Deno.readDir(this.dir)) {
        if (entry.name.startsWith("accumulator-") && entry.name !== keep) {
          await Deno.remove(join(this.dir, entry.name)).catch(() => {});
        }
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
}
