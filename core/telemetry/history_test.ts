/**
 * The history's bound and its downsampling: ninety simulated minutes of 1 s samples through scaled
 * tiers (1 s kept 60 s, 10 s kept 10 min, 60 s kept 1 h) — never more rows than `maxRows`, the
 * oldest dropped, and every coarse point equal to the mean / max / OR of the raw samples it
 * stands for, computed here independently from the generator. Also: a restart completes the
 * buckets it left open, and a range read includes samples not yet written.
 */
import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { openDatabase } from "../store/db.ts";
import { TelemetrySampleRepository } from "../store/telemetry_samples.ts";
import { defaultTiers, maxRows, type RawPoint, TelemetryHistory, type Tier } from "./history.ts";

const SCALED: Tier[] = [
  { name: "raw", stepMs: 1000, retentionMs: 60_000 },
  { name: "1m", stepMs: 10_000, retentionMs: 600_000 },
  { name: "10m", stepMs: 60_000, retentionMs: 3_600_000 },
];
const T0 = Date.UTC(2026, 2, 1, 20, 0, 0);

/** The sample at `tsMs`: temperatures and delays that vary, throttling now and then. */
function sample(tsMs: number): RawPoint {
  const s = (tsMs - T0) / 1000;
  const temp = 40 + (s % 600) / 60 + (s % 7);
  return {
    ts_ms: tsMs,
    cpu_temp_c: temp,
    cpu_temp_max_c: temp,
    load_1m: (s % 13) / 10,
    mem_available_bytes: 1e9 + (s % 101) * 1e6,
    mem_total_bytes: 4e9,
    disk_free_bytes: 5e10 - s * 1e5,
    disk_total_bytes: 6e10,
    // No Wi-Fi figure for a stretch: the mean is over the samples that have one.
    wifi_signal_dbm: s % 50 < 10 ? null : -50 - (s % 9),
    rss_bytes: 1.5e8,
    heap_used_bytes: 6e7 + (s % 17) * 1e5,
    loop_delay_mean_ms: (s % 5) / 2,
    loop_delay_max_ms: (s * 37) % 211,
    throttled_bits: s % 1000 === 500 ? 0b101 : s % 777 === 3 ? 0b010 : 0,
  };
}

async function withHistory(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "telemetry-history-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("history: the production bound is 31 683 rows for 10 s samples", () => {
  assertEquals(maxRows(defaultTiers(10_000)), 8641 + 10081 + 12961);
  assertEquals(maxRows(SCALED), 61 + 61 + 61);
});

Deno.test("history: 90 min of samples stay within the bound; coarse points are true aggregates", async () => {
  await withHistory(async (dir) => {
    const db = await openDatabase(dir);
    try {
      const repo = new TelemetrySampleRepository(db);
      let nowMs = T0;
      const history = new TelemetryHistory({ repo, tiers: SCALED, clock: { now: () => nowMs } });
      const bound = maxRows(SCALED);
      let most = 0;
      for (let i = 0; i < 5400; i++) {
        nowMs = T0 + i * 1000;
        history.add(sample(nowMs));
        if (i % 60 === 59) {
          await history.flush();
          const rows = await repo.count();
          most = Math.max(most, rows);
          assert(rows <= bound, `${rows} rows after ${i + 1} s exceeds the bound ${bound}`);
          for (const [tier, t] of SCALED.entries()) {
            const oldest = await repo.edge(tier, "oldest");
            assert(oldest === null || oldest >= nowMs - t.retentionMs, `tier ${t.name} too old`);
            assert((await repo.count(tier)) <= Math.ceil(t.retentionMs / t.stepMs) + 1);
          }
        }
      }
      // Full after an hour and a half: every tier holds its whole span.
      assert(most >= bound - 6, `the tiers filled up (${most} of ${bound})`);

      const coarse = await history.range(2, nowMs - 3_600_000, nowMs);
      assert(coarse.length >= 59, `${coarse.length} one-minute points in the last hour`);
      let checked = 0;
      for (const point of coarse) {
        const raw = Array.from({ length: 60 }, (_, k) => sample(point.ts_ms + k * 1000));
        const wifi = raw.map((r) => r.wifi_signal_dbm).filter((v) => v !== null) as number[];
        assertEquals(point.n, 60);
        assertAlmostEquals(point.cpu_temp_c!, mean(raw.map((r) => r.cpu_temp_c!)), 1e-3);
        assertAlmostEquals(point.cpu_temp_max_c!, Math.max(...raw.map((r) => r.cpu_temp_c!)), 1e-3);
        assertEquals(point.loop_delay_max_ms, Math.max(...raw.map((r) => r.loop_delay_max_ms!)));
        assertAlmostEquals(point.wifi_signal_dbm!, mean(wifi), 1e-3);
        assertEquals(point.throttled_bits, raw.reduce((b, r) => b | r.throttled_bits!, 0));
        checked++;
      }
      assert(coarse.some((p) => p.throttled_bits !== 0), "a throttled minute is kept");
      assertEquals(checked, coarse.length);
    } finally {
      await db.close();
    }
  });
});

Deno.test("history: a restart completes the buckets it left open; unwritten samples are read", async () => {
  await withHistory(async (dir) => {
    let nowMs = T0;
    const clock = { now: () => nowMs };
    let db = await openDatabase(dir);
    let history = new TelemetryHistory({
      repo: new TelemetrySampleRepository(db),
      tiers: SCALED,
      clock,
    });
    for (let i = 0; i < 95; i++) history.add(sample(T0 + i * 1000));
    nowMs = T0 + 95_000;
    // Before any flush, a range read already shows the samples.
    assertEquals((await history.range(0, T0, nowMs)).length, 60 + 35);
    await history.flush();
    await db.close();

    // Down for 20 s; the first flush after the restart finishes the 90–100 s bucket.
    nowMs = T0 + 115_000;
    db = await openDatabase(dir);
    const repo = new TelemetrySampleRepository(db);
    history = new TelemetryHistory({ repo, tiers: SCALED, clock });
    history.add(sample(nowMs));
    await history.flush();
    const tens = await repo.range(1, T0, nowMs);
    assertEquals(tens.map((r) => (r.ts_ms - T0) / 1000), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    assertEquals(tens.at(-1)!.n, 5);
    assertEquals((await repo.range(2, T0, nowMs)).map((r) => r.n), [60]);
    await db.close();
  });
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
