/**
 * The box's health: the telemetry service (host readings, history, alerts, /metrics) and its
 * disk guard, which every imaging part consults before it starts a frame. Built first, so the
 * exposure service and the sequencer can be given the guard; the guard is handed the sequencer
 * once it exists (`sequenceControl`).
 */
import { DiskGuard, type SequenceControl } from "../../core/telemetry/disk_guard.ts";
import { defaultTiers, TelemetryHistory } from "../../core/telemetry/history.ts";
import { HostFiles } from "../../core/telemetry/host_files.ts";
import { HostReader } from "../../core/telemetry/host_reader.ts";
import { LoopDelayMonitor } from "../../core/telemetry/loop_delay.ts";
import { TelemetryService } from "../../core/telemetry/telemetry_service.ts";
import { vcgencmdRunner } from "../../core/telemetry/throttled.ts";
import type { SequencerService } from "../../core/sequencer/service.ts";
import { KvRepository } from "../../core/store/kv.ts";
import { TelemetrySampleRepository } from "../../core/store/telemetry_samples.ts";
import type { BoxContext } from "./context.ts";

const MIB = 1024 * 1024;
/** The event-loop delay timer's period: fine enough to see a 100 ms stall, ~10 wake-ups/s. */
const LOOP_TICK_MS = 100;

export function composeTelemetry(ctx: BoxContext, version: string) {
  const { config, dataDir, clock, logs, bus, db } = ctx;
  const t = config.telemetry;
  const log = logs.logger("telemetry");
  const intervalMs = t.sample_interval_s * 1000;
  const guard = new DiskGuard({
    dataDir,
    warnBytes: t.disk_warn_mb * MIB,
    reserveBytes: t.disk_reserve_mb * MIB,
    bus,
    log,
  });
  const telemetry = new TelemetryService({
    reader: new HostReader({
      files: new HostFiles(t.host_root),
      vcgencmd: t.vcgencmd === "" ? null : vcgencmdRunner(t.vcgencmd),
      // What a sandbox hides from /proc is asked of the kernel, on the real machine only.
      kernelFallback: t.host_root === "/",
    }),
    guard,
    history: new TelemetryHistory({
      repo: new TelemetrySampleRepository(db),
      tiers: defaultTiers(intervalMs),
      clock,
    }),
    loop: new LoopDelayMonitor(LOOP_TICK_MS),
    bus,
    clock,
    log,
    kv: new KvRepository(db),
    intervalMs,
    cpuTempWarnC: t.cpu_temp_warn_c,
    version,
  });
  return { telemetry };
}

/** What the disk guard may do to the sequencer: pause the running run, resume that same run. */
export function sequenceControl(sequencer: SequencerService): SequenceControl {
  return {
    pause(reason) {
      const status = sequencer.status();
      if (status.state !== "running" || status.run_id === null) return null;
      sequencer.pause(reason);
      return status.run_id;
    },
    resume(runId) {
      const status = sequencer.status();
      // Not a run the user paused since, nor one that has ended.
      if (status.state === "paused" && status.run_id === runId) sequencer.resume();
    },
  };
}
