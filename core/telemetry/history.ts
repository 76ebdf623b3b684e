/**
 * The telemetry history, kept at a bounded size by downsampling. Three tiers:
 *
 * | tier | resolution           | kept    | points at most (10 s samples)      |
 * | ---- | -------------------- | ------- | ---------------------------------- |
 * | raw  | every sample (10 s)  | 24 h    | 24 h / interval + 1 = 8 641        |
 * | 1m   | one-minute buckets   | 7 days  | 10 081                             |
 * | 10m  | ten-minute buckets   | 90 days | 12 961                             |
 *
 * so the table never holds more than `maxRows(tiers)` (31 683 rows, a few MB) however long the
 * box runs; what is older than a tier's span is dropped, oldest first. A bucket is aggregated
 * from the tier below once it is complete: means weighted by their sample counts, maxima for the
 * peaks, OR for the throttling bits. Aggregation reads the stored rows, so buckets left open by
 * a restart are completed at the next flush. Samples are buffered and written once a minute in
 * one transaction (one fsync on the SD card instead of six).
 */
import type { Clock } from "../../lib/clock.ts";
import {
  TELEMETRY_FIELDS,
  type TelemetryField,
  type TelemetryRow,
  type TelemetrySampleRepository,
} from "../store/telemetry_samples.ts";

export type RawPoint = Omit<TelemetryRow, "tier" | "n">;
type Field = TelemetryField;

/** How each figure of a bucket is made from the points below it. */
const AGGREGATE: Record<Field, "mean" | "max" | "or"> = {
  cpu_temp_c: "mean",
  cpu_temp_max_c: "max",
  load_1m: "mean",
  mem_available_bytes: "mean",
  mem_total_bytes: "mean",
  disk_free_bytes: "mean",
  disk_total_bytes: "mean",
  wifi_signal_dbm: "mean",
  rss_bytes: "mean",
  heap_used_bytes: "mean",
  loop_delay_mean_ms: "mean",
  loop_delay_max_ms: "max",
  throttled_bits: "or",
};
const FIELDS = TELEMETRY_FIELDS;

export const TIER_NAMES = ["raw", "1m", "10m"] as const;
export type TierName = typeof TIER_NAMES[number];

export interface Tier {
  name: TierName;
  stepMs: number;
  retentionMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function defaultTiers(sampleIntervalMs: number): Tier[] {
  return [
    { name: "raw", stepMs: sampleIntervalMs, retentionMs: DAY_MS },
    { name: "1m", stepMs: 60_000, retentionMs: 7 * DAY_MS },
    { name: "10m", stepMs: 600_000, retentionMs: 90 * DAY_MS },
  ];
}

/** The most rows the tiers can hold at once: each tier's span over its step, plus the edge. */
export function maxRows(tiers: readonly Tier[]): number {
  return tiers.reduce((sum, t) => sum + Math.ceil(t.retentionMs / t.stepMs) + 1, 0);
}

/** Unwritten samples kept when the database refuses them (10 s samples: ~3 hours). */
const MAX_BUFFER = 1000;

export class TelemetryHistory {
  readonly tiers: readonly Tier[];
  readonly #repo: TelemetrySampleRepository;
  readonly #clock: Pick<Clock, "now">;
  #buffer: RawPoint[] = [];
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    options: { repo: TelemetrySampleRepository; tiers: Tier[]; clock: Pick<Clock, "now"> },
  ) {
    const { tiers } = options;
    tiers.forEach((t, i) => {
      if (i > 0 && t.stepMs % tiers[i - 1]!.stepMs !== 0 && tiers[i - 1]!.stepMs % t.stepMs !== 0) {
        throw new RangeError(`tier ${t.name}: step ${t.stepMs} ms is not a multiple of the last`);
      }
      if (t.retentionMs < t.stepMs) throw new RangeError(`tier ${t.name} keeps less than a step`);
    });
    this.tiers = tiers;
    this.#repo = options.repo;
    this.#clock = options.clock;
  }

  /** Buffers one raw sample; `flush()` writes it. */
  add(point: RawPoint): void {
    this.#buffer.push(point);
    if (this.#buffer.length > MAX_BUFFER) this.#buffer.splice(0, this.#buffer.length - MAX_BUFFER);
  }

  /** Writes buffered samples, completes the buckets that are due and drops what is too old. */
  flush(): Promise<void> {
    // One flush at a time: the shutdown's flush waits for the timer's.
    const next = this.#flushing.then(() => this.#flush());
    this.#flushing = next.catch(() => {});
    return next;
  }

  async #flush(): Promise<void> {
    const nowMs = this.#clock.now();
    const pending = this.#buffer;
    await this.#repo.transaction(async (trx) => {
      await this.#repo.insert(pending.map((p) => ({ ...p, tier: 0, n: 1 })), trx);
      for (let tier = 1; tier < this.tiers.length; tier++) {
        const { stepMs } = this.tiers[tier]!;
        const toMs = Math.floor(nowMs / stepMs) * stepMs;
        const newest = await this.#repo.edge(tier, "newest", trx);
        let fromMs = newest === null ? null : newest + stepMs;
        if (fromMs === null) {
          const oldest = await this.#repo.edge(tier - 1, "oldest", trx);
          if (oldest === null) continue;
          fromMs = Math.floor(oldest / stepMs) * stepMs;
        }
        if (fromMs >= toMs) continue;
        const below = await this.#repo.range(tier - 1, fromMs, toMs, trx);
        await this.#repo.insert(aggregate(below, tier, stepMs), trx);
      }
      for (const [tier, t] of this.tiers.entries()) {
        await this.#repo.deleteOlder(tier, nowMs - t.retentionMs, trx);
      }
    });
    // Only what was written leaves the buffer (samples added meanwhile stay).
    this.#buffer = this.#buffer.slice(pending.length);
  }

  /** Points of `tier` in [fromMs, toMs), with raw samples not yet written included. */
  async range(tier: number, fromMs: number, toMs: number): Promise<TelemetryRow[]> {
    const rows = await this.#repo.range(tier, fromMs, toMs);
    if (tier !== 0) return rows;
    const stored = new Set(rows.map((r) => r.ts_ms));
    const unwritten = this.#buffer
      .filter((p) => p.ts_ms >= fromMs && p.ts_ms < toMs && !stored.has(p.ts_ms))
      .map((p) => ({ ...p, tier: 0, n: 1 }));
    return [...rows, ...unwritten].sort((a, b) => a.ts_ms - b.ts_ms);
  }
}

/** The rows of the tier below grouped into buckets of `stepMs`, one aggregate row per bucket. */
export function aggregate(
  rows: readonly TelemetryRow[],
  tier: number,
  stepMs: number,
): TelemetryRow[] {
  const buckets = new Map<number, TelemetryRow[]>();
  for (const row of rows) {
    const start = Math.floor(row.ts_ms / stepMs) * stepMs;
    const bucket = buckets.get(start);
    if (bucket) bucket.push(row);
    else buckets.set(start, [row]);
  }
  return [...buckets].map(([start, members]) => {
    const out = { tier, ts_ms: start, n: members.reduce((s, r) => s + r.n, 0) } as TelemetryRow;
    for (const field of FIELDS) out[field] = combine(AGGREGATE[field], field, members);
    return out;
  });
}

function combine(how: "mean" | "max" | "or", field: Field, rows: readonly TelemetryRow[]) {
  let weight = 0;
  let acc: number | null = null;
  for (const row of rows) {
    const value = row[field];
    if (value === null || value === undefined) continue;
    if (how === "mean") {
      acc = (acc ?? 0) + value * row.n;
      weight += row.n;
    } else if (how === "max") {
      acc = acc === null ? value : Math.max(acc, value);
    } else {
      acc = (acc ?? 0) | value;
    }
  }
  return how === "mean" && acc !== null ? acc / weight : acc;
}
