/**
 * Telemetry's cost on the box: one sample (every /proc and /sys read, statfs, the DTO) on this
 * machine; the event-loop delay timer's CPU (process CPU over 5 s with the 100 ms timer running,
 * against 5 s without); /metrics rendered; and the history at its bound — 31 683 rows written in
 * one transaction, the database's growth, and reading each tier's whole span. No reference tool
 * samples the same figures here (node_exporter is not installed), so no ratio is printed.
 */
import { cpuUsage } from "node:process";
import { join } from "node:path";
import { EventBus } from "../../core/event_bus.ts";
import { openDatabase } from "../../core/store/db.ts";
import { TelemetrySampleRepository } from "../../core/store/telemetry_samples.ts";
import { DiskGuard } from "../../core/telemetry/disk_guard.ts";
import { defaultTiers, maxRows, TelemetryHistory } from "../../core/telemetry/history.ts";
import { HostFiles } from "../../core/telemetry/host_files.ts";
import { HostReader } from "../../core/telemetry/host_reader.ts";
import { LoopDelayMonitor } from "../../core/telemetry/loop_delay.ts";
import { TelemetryService } from "../../core/telemetry/telemetry_service.ts";
import { systemClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { percentile, report } from "./_util.ts";

async function cpuMsPerS(seconds: number): Promise<number> {
  const before = cpuUsage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = cpuUsage(before);
  return (used.user + used.system) / 1000 / seconds;
}

export async function telemetryBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "telemetry-bench-" });
  const db = await openDatabase(join(dir, "data"));
  try {
    const bus = new EventBus({ clock: systemClock });
    const repo = new TelemetrySampleRepository(db);
    const tiers = defaultTiers(10_000);
    const history = new TelemetryHistory({ repo, tiers, clock: systemClock });
    const loop = new LoopDelayMonitor(100);
    const service = new TelemetryService({
      reader: new HostReader({ files: new HostFiles("/"), vcgencmd: null, kernelFallback: true }),
      guard: new DiskGuard({ dataDir: dir, warnBytes: 2, reserveBytes: 1, bus, log: silentLogger }),
      history,
      loop,
      bus,
      clock: systemClock,
      log: silentLogger,
      kv: null,
      intervalMs: 10_000,
      cpuTempWarnC: 80,
      version: "bench",
    });

    const sampleMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await service.sample();
      sampleMs.push(performance.now() - t0);
    }
    sampleMs.sort((a, b) => a - b);
    const renderMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await service.metrics();
      renderMs.push(performance.now() - t0);
    }
    renderMs.sort((a, b) => a - b);
    report("telemetry sample", {
      sample_p50_ms: percentile(sampleMs, 50),
      sample_p95_ms: percentile(sampleMs, 95),
      metrics_p50_ms: percentile(renderMs, 50),
      samples_per_hour_wall_ms: percentile(sampleMs, 50) * 360,
    });

    const idle = await cpuMsPerS(5);
    loop.start();
    const ticking = await cpuMsPerS(5);
    loop.stop();
    report("telemetry loop-delay timer", {
      cpu_idle_ms_per_s: idle,
      cpu_with_timer_ms_per_s: ticking,
      timer_cost_ms_per_s: ticking - idle,
    });

    // The history at its bound: every tier's whole span, as after 90 days.
    const nowMs = Date.now();
    const rows = tiers.flatMap((t, tier) =>
      Array.from({ length: Math.ceil(t.retentionMs / t.stepMs) + 1 }, (_, i) => ({
        tier,
        ts_ms: Math.floor(nowMs / t.stepMs) * t.stepMs - i * t.stepMs,
        n: tier === 0 ? 1 : t.stepMs / 10_000,
        cpu_temp_c: 50 + (i % 20),
        cpu_temp_max_c: 55 + (i % 20),
        load_1m: 0.5,
        mem_available_bytes: 2e9,
        mem_total_bytes: 4e9,
        disk_free_bytes: 5e10,
        disk_total_bytes: 6e10,
        wifi_signal_dbm: -55,
        rss_bytes: 1.5e8,
        heap_used_bytes: 6e7,
        loop_delay_mean_ms: 1.2,
        loop_delay_max_ms: 8,
        throttled_bits: 0,
      }))
    );
    const sizeBefore = await dbBytes(db.path);
    const t0 = performance.now();
    await repo.transaction((trx) => repo.insert(rows, trx));
    const fillMs = performance.now() - t0;
    const sizeAfter = await dbBytes(db.path);
    const spans: Record<string, number> = {};
    for (const [tier, t] of tiers.entries()) {
      const t1 = performance.now();
      const points = await history.range(tier, nowMs - t.retentionMs, nowMs + 1);
      spans[`read_${t.name}_${points.length}pts_ms`] = performance.now() - t1;
    }
    const t2 = performance.now();
    await history.flush();
    const flushMs = performance.now() - t2;
    report("telemetry history", {
      bound_rows: maxRows(tiers),
      rows_written: rows.length,
      write_all_ms: fillMs,
      db_growth_mb: (sizeAfter - sizeBefore) / 1e6,
      bytes_per_row: (sizeAfter - sizeBefore) / rows.length,
      flush_at_bound_ms: flushMs,
      ...spans,
    });
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function dbBytes(path: string): Promise<number> {
  let total = 0;
  for (const suffix of ["", "-wal"]) {
    total += await Deno.stat(path + suffix).then((s) => s.size, () => 0);
  }
  return total;
}

if (import.meta.main) await telemetryBench();
