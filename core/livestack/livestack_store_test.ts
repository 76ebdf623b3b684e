/**
 * The per-filter store: stacks of two filters round-trip, only the files state.json names are
 * kept, and a state saved by the single-stack version (state.json version 1) still loads — as one
 * stack without a filter — so an update of the box does not throw a night's stack away.
 */
import { join } from "node:path";
import { writeFitsFileDurably } from "../../lib/durable_write.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { createAccumulatorState, StackAccumulator } from "../imaging/stack/accumulator.ts";
import type { AccumulatorState } from "../imaging/stack/accumulator.ts";
import { encodeStackChunks } from "../imaging/stack/stack_fits.ts";
import { DEFAULT_LIVESTACK_OPTIONS } from "../schemas/livestack.ts";
import { type LivestackMeta, LivestackStore, type StackMeta } from "./livestack_store.ts";

function stateOf(frames: number, level: number): AccumulatorState {
  const stack = new StackAccumulator(createAccumulatorState(8, 6, 1));
  for (let k = 0; k < frames; k++) stack.add([new Float32Array(48).fill(level + k)], 1);
  return stack.state;
}

const reference = { frameId: "f1", path: "frames/f1.fits", widthPx: 8, heightPx: 6, stars: [] };

function stackMeta(filter: string | null, file: string | null, frames: number): StackMeta {
  return {
    filter,
    generation: file ? Number(/\d+/.exec(file)![0]) : 0,
    file,
    framesStacked: frames,
    framesRejected: 1,
    rejections: { too_few_stars: 1 },
    totalExposureS: 60 * frames,
    color: file ? false : null,
    reference: file ? reference : null,
    hfrHistoryPx: [2.1],
    lastFrame: null,
    updatedAt: "2026-12-01T22:00:00.000Z",
  };
}

Deno.test("LivestackStore: two filters round-trip; unnamed accumulators are removed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "livestack-store-" });
  try {
    const store = new LivestackStore(dir);
    const meta: LivestackMeta = {
      version: 2,
      generation: 2,
      running: true,
      options: DEFAULT_LIVESTACK_OPTIONS,
      current: 1,
      stacks: [stackMeta("L", "accumulator-1.fits", 3), stackMeta("Ha", null, 0)],
    };
    await store.save({ ...meta, generation: 1 }, {
      file: "accumulator-1.fits",
      state: stateOf(3, 100),
    });
    const rStack = stackMeta("R", "accumulator-2.fits", 2);
    await store.save(
      { ...meta, stacks: [...meta.stacks, rStack] },
      { file: "accumulator-2.fits", state: stateOf(2, 500) },
    );
    await Deno.writeTextFile(join(store.dir, "accumulator-0.fits"), "stale");
    await store.save({ ...meta, stacks: [...meta.stacks, rStack] }, {
      file: "accumulator-2.fits",
      state: stateOf(2, 500),
    });
    const files = [...Deno.readDirSync(store.dir)].map((e) => e.name).sort();
    assertEquals(files, ["accumulator-1.fits", "accumulator-2.fits", "state.json"]);
    const saved = await store.load();
    assert(saved);
    assertEquals(saved.meta.stacks.map((s) => s.filter), ["L", "Ha", "R"]);
    assertEquals(saved.states.map((s) => s?.frames ?? null), [3, null, 2]);
    assertEquals(saved.states[2]!.mean[0]![0], 500.5);
    assertEquals(saved.meta.current, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("LivestackStore: a version-1 state loads as one stack without a filter", async () => {
  const dir = await Deno.makeTempDir({ prefix: "livestack-store-v1-" });
  try {
    const store = new LivestackStore(dir);
    await Deno.mkdir(store.dir, { recursive: true });
    await writeFitsFileDurably(
      join(store.dir, "accumulator-4.fits"),
      encodeStackChunks(stateOf(4, 10)),
    );
    const v1 = {
      version: 1,
      generation: 4,
      file: "accumulator-4.fits",
      running: false,
      options: DEFAULT_LIVESTACK_OPTIONS,
      framesStacked: 4,
      framesRejected: 2,
      rejections: { trailed: 2 },
      totalExposureS: 240,
      color: false,
      reference,
      hfrHistoryPx: [1.9, 2.0],
      lastFrame: null,
      updatedAt: "2026-11-30T23:00:00.000Z",
    };
    await Deno.writeTextFile(join(store.dir, "state.json"), JSON.stringify(v1));
    const saved = await store.load();
    assert(saved);
    assertEquals(saved.meta.version, 2);
    assertEquals(saved.meta.current, 0);
    assertEquals(saved.meta.stacks.length, 1);
    const [stack] = saved.meta.stacks;
    assertEquals(
      [stack!.filter, stack!.framesStacked, stack!.framesRejected, stack!.totalExposureS],
      [null, 4, 2, 240],
    );
    assertEquals(saved.states[0]!.frames, 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
