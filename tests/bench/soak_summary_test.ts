/** The soak's figures: means over a minute, slopes after warm-up, the start task's environment. */
import { assert, assertAlmostEquals, assertEquals } from "../_assert.ts";
import { type RssSample, slope, summarizeSoak } from "./_soak_summary.ts";
import { startTask } from "./soak_bench.ts";

/** Samples every 5 s for `minutes`: a ±40 MB saw-tooth of period 1 min on top of `trend`. */
function sawTooth(minutes: number, trend: (m: number) => number): RssSample[] {
  const samples: RssSample[] = [];
  for (let i = 1; i <= minutes * 12; i++) {
    const m = i / 12;
    samples.push({ minutes: m, mb: trend(m) + ((i % 12) / 11 - 0.5) * 80, load: 2 });
  }
  return samples;
}

Deno.test("soak summary: a flat saw-tooth has a slope near zero and means over a minute", () => {
  const s = summarizeSoak(sawTooth(60, () => 400), 60);
  assertAlmostEquals(s.slopeAfterWarmUpMbPerH, 0, 5);
  assertAlmostEquals(s.rssAfterWarmUpMb, 400, 5);
  assertAlmostEquals(s.rssEndMb, 400, 5);
  assertAlmostEquals(s.rssPeakMb, 440, 0.01);
  assertEquals(s.loadMean, 2);
});

Deno.test("soak summary: steady growth shows in both slopes; levelling only in the first", () => {
  const growing = summarizeSoak(sawTooth(60, (m) => 300 + m), 60);
  assertAlmostEquals(growing.slopeAfterWarmUpMbPerH, 60, 5);
  assertAlmostEquals(growing.slopeLastHalfMbPerH, 60, 8);
  // Grows to minute 30, flat after.
  const levelling = summarizeSoak(sawTooth(60, (m) => 300 + 2 * Math.min(m, 30)), 60);
  assert(levelling.slopeAfterWarmUpMbPerH > 40);
  assertAlmostEquals(levelling.slopeLastHalfMbPerH, 0, 8);
});

Deno.test("soak summary: slope of a line, and of too few points", () => {
  assertAlmostEquals(slope([0, 1, 2, 3], [5, 7, 9, 11]), 2, 1e-12);
  assertEquals(slope([1], [5]), 0);
  assertEquals(slope([2, 2], [5, 9]), 0);
});

Deno.test("soak: the box gets the environment and V8 flags of `deno task start`", () => {
  const task = "MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=1048576 deno run --allow-all " +
    "--v8-flags=--optimize-for-size main.ts serve NOT_ENV=1";
  const { flags, env } = startTask(task);
  assertEquals(flags, ["--v8-flags=--optimize-for-size"]);
  assertEquals(env, { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "1048576" });
  assertEquals(startTask("deno run main.ts serve").env, {});
});
