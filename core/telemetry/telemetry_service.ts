/**
 * The box's health, sampled every `intervalMs` (10 s): host figures (host_reader.ts), the data
 * disk through the disk guard, the process's memory and the event loop's delay. Each sample is
 * published as `telemetry.update`, raises or clears alerts on its edges (health_alerts.ts), and
 * goes into the bounded history (history.ts), written once a minute and at shutdown. Throttling
 * flags seen this boot are latched and kept in the database, so "since boot" survives a restart
 * of the box's process (not a reboot of the machine: a new boot time starts afresh).
 */
import type { Clock } from "../../lib/clock.ts";
import { badRequest } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { EventBus } from "../event_bus.ts";
import {
  type HistoryDto,
  type HistoryPointDto,
  type TelemetryDto,
  THROTTLE_FLAGS,
} from "../schemas/telemetry.ts";
import type { KvRepository } from "../store/kv.ts";
import type { TelemetryRow } from "../store/telemetry_samples.ts";
import type { DiskGuard } from "./disk_guard.ts";
import { HealthAlerts } from "./health_alerts.ts";
import { TelemetryHistory, TIER_NAMES, type TierName } from "./history.ts";
import type { HostReader, HostReading } from "./host_reader.ts";
import type { LoopDelayMonitor } from "./loop_delay.ts";
import { type MetricFamily, renderExposition } from "./prometheus.ts";
import { encodeFlags } from "./throttled.ts";

export const SINCE_BOOT_KEY = "telemetry.since_boot";
/** Two boot times closer than this are the same boot (uptime and the clock both jitter). */
const SAME_BOOT_MS = 120_000;
const FLUSH_EVERY_MS = 60_000;
/** `auto` resolution aims at no more points than this; an explicit one refuses above MAX. */
const AUTO_POINTS = 1500;
const MAX_POINTS = 10_000;

export interface TelemetryServiceOptions {
  reader: HostReader;
  guard: DiskGuard;
  history: TelemetryHistory;
  loop: LoopDelayMonitor;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** Where the since-boot flags are kept across restarts; null: this run only. */
  kv: KvRepository | null;
  intervalMs: number;
  cpuTempWarnC: number;
  version: string;
}

export class TelemetryService {
  readonly guard: DiskGuard;
  readonly #o: TelemetryServiceOptions;
  #alerts: HealthAlerts;
  #latest: TelemetryDto | null = null;
  #latched = { bootMs: null as number | null, bits: 0 };
  #stop: AbortController | null = null;
  #task: Promise<void> | null = null;
  #samples = 0;
  #first = true;
  #unsubscribe: (() => void) | null = null;

  constructor(options: TelemetryServiceOptions) {
    if (!(options.intervalMs >= 1000)) {
      throw new RangeError(`intervalMs must be ≥ 1000, got ${options.intervalMs}`);
    }
    this.#o = options;
    this.guard = options.guard;
    this.#alerts = new HealthAlerts({ cpuTempWarnC: options.cpuTempWarnC });
  }

  /** The last sample, or null before the first. */
  get latest(): TelemetryDto | null {
    return this.#latest;
  }

  get intervalMs(): number {
    return this.#o.intervalMs;
  }

  /** Loads the flags latched this boot, takes a first sample and samples on from then. */
  async start(): Promise<void> {
    if (this.#stop) return;
    const stored = await this.#o.kv?.get<{ boot_ms: number; bits: number }>(SINCE_BOOT_KEY)
      .catch(() => null);
    if (stored) this.#latched = { bootMs: stored.boot_ms, bits: stored.bits };
    this.#o.loop.start();
    // After every saved frame the disk is asked again: the guard's figure is never a frame old.
    this.#unsubscribe = this.#o.bus.subscribe((event) => {
      if (event.type === "camera.frame_ready" || event.type === "sequencer.frame_saved") {
        this.guard.check().catch(() => {});
      }
    });
    this.#stop = new AbortController();
    await this.sample().catch((err) =>
      this.#o.log.warn("telemetry sample failed", { err: String(err) })
    );
    this.#task = this.#run(this.#stop.signal);
  }

  /** Stops sampling and writes the samples not yet in the database. */
  async stop(): Promise<void> {
    if (!this.#stop) return;
    this.#stop.abort();
    this.#unsubscribe?.();
    await this.#task;
    this.#stop = null;
    this.#o.loop.stop();
    await this.#o.history.flush().catch((err) =>
      this.#o.log.warn("telemetry history could not be written", { err: String(err) })
    );
  }

  /**
   * The latest sample, or a fresh one if none was taken yet. The disk and the imaging gate are
   * the guard's own state now (it also checks after every saved frame), so this never says
   * imaging is allowed while an exposure would get 507.
   */
  async current(): Promise<TelemetryDto> {
    const latest = this.#latest ?? await this.sample();
    return { ...latest, disk: this.#disk(), imaging: this.#imaging() };
  }

  /** Takes one sample now: reads, alerts, history, `telemetry.update`. */
  async sample(): Promise<TelemetryDto> {
    const [host] = await Promise.all([this.#o.reader.read(), this.guard.check()]);
    const nowMs = this.#o.clock.now();
    const sinceBoot = await this.#latch(host, nowMs);
    for (
      const alert of this.#alerts.evaluate({
        now: host.throttle?.now ?? null,
        sinceBootBits: sinceBoot,
        cpuTempC: host.cpuTempC,
      })
    ) {
      this.#o.bus.publish("alert", { ...alert, source: "telemetry" });
    }
    const dto = this.#dto(host, sinceBoot, nowMs);
    this.#latest = dto;
    this.#o.history.add(toRaw(dto, nowMs));
    this.#o.bus.publish("telemetry.update", dto);
    return dto;
  }

  /** Points of the history between `from` and `to` at a resolution (auto: the finest fitting). */
  async history(
    query: { from?: string; to?: string; resolution: "auto" | TierName },
  ): Promise<HistoryDto> {
    const nowMs = this.#o.clock.now();
    const toMs = query.to === undefined ? nowMs : Date.parse(query.to);
    const fromMs = query.from === undefined ? toMs - 3_600_000 : Date.parse(query.from);
    if (!(fromMs < toMs)) {
      throw badRequest(
        query.from === undefined ? "query.to" : "query.from",
        "`from` must be before `to`",
      );
    }
    const tiers = this.#o.history.tiers;
    let tier: number;
    if (query.resolution === "auto") {
      tier = tiers.findIndex((t) =>
        nowMs - fromMs <= t.retentionMs && (toMs - fromMs) / t.stepMs <= AUTO_POINTS
      );
      if (tier < 0) tier = tiers.length - 1;
    } else {
      tier = TIER_NAMES.indexOf(query.resolution);
      const points = Math.ceil((toMs - fromMs) / tiers[tier]!.stepMs);
      if (points > MAX_POINTS) {
        throw badRequest(
          "query.resolution",
          `${query.resolution} over this range is up to ${points} points (at most ${MAX_POINTS}): ` +
            "choose a coarser resolution or a shorter range",
        );
      }
    }
    const rows = await this.#o.history.range(tier, fromMs, toMs);
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      resolution: tiers[tier]!.name,
      step_s: tiers[tier]!.stepMs / 1000,
      points: rows.map(toPoint),
    };
  }

  /** The Prometheus exposition of the latest sample (a fresh one if none was taken yet). */
  async metrics(): Promise<string> {
    return renderExposition(
      metricFamilies(await this.current(), this.#o.loop.totals, this.#o.version),
    );
  }

  async #run(signal: AbortSignal): Promise<void> {
    const flushEvery = Math.max(1, Math.round(FLUSH_EVERY_MS / this.#o.intervalMs));
    while (!signal.aborted) {
      try {
        await this.#o.clock.sleep(this.#o.intervalMs, signal);
      } catch {
        return;
      }
      try {
        await this.sample();
      } catch (err) {
        this.#o.log.warn("telemetry sample failed", { err: String(err) });
      }
      if (++this.#samples % flushEvery === 0) {
        await this.#o.history.flush().catch((err) =>
          this.#o.log.warn("telemetry history could not be written", { err: String(err) })
        );
      }
    }
  }

  /** ORs this reading's flags into the boot's latch (stored when it grows); the latched bits. */
  async #latch(host: HostReading, nowMs: number): Promise<number> {
    const t = host.throttle;
    const seen = t ? encodeFlags(t.now) | encodeFlags(t.sinceBoot) : 0;
    const bootMs = host.uptimeS === null ? null : nowMs - host.uptimeS * 1000;
    const latched = this.#latched;
    const sameBoot = bootMs === null || latched.bootMs === null ||
      Math.abs(bootMs - latched.bootMs) < SAME_BOOT_MS;
    if (!sameBoot) {
      // The machine rebooted since the flags were latched: they belong to the last boot.
      this.#latched = { bootMs, bits: 0 };
      this.#alerts = new HealthAlerts({ cpuTempWarnC: this.#o.cpuTempWarnC });
    } else if (this.#first && latched.bits !== 0) {
      // A restarted process in the same boot: what was latched has been reported already.
      this.#alerts = new HealthAlerts({
        cpuTempWarnC: this.#o.cpuTempWarnC,
        knownSinceBootBits: latched.bits,
      });
    }
    this.#first = false;
    const before = this.#latched;
    const next = { bootMs: before.bootMs ?? bootMs, bits: before.bits | seen };
    this.#latched = next;
    if (next.bootMs !== null && (next.bits !== before.bits || next.bootMs !== latched.bootMs)) {
      await this.#o.kv?.set(SINCE_BOOT_KEY, { boot_ms: next.bootMs, bits: next.bits })
        .catch(() => {});
    }
    return next.bits;
  }

  #dto(host: HostReading, sinceBootBits: number, nowMs: number): TelemetryDto {
    const memory = Deno.memoryUsage();
    const loop = this.#o.loop.take();
    const t = host.throttle;
    const known = (flag: (typeof THROTTLE_FLAGS)[number]) => t !== null && t.now[flag] !== null;
    return {
      ts: new Date(nowMs).toISOString(),
      cpu: {
        temperature_c: host.cpuTempC === null ? null : round(host.cpuTempC, 1),
        load_1m: host.load?.[0] ?? null,
        load_5m: host.load?.[1] ?? null,
        load_15m: host.load?.[2] ?? null,
        cores: navigator.hardwareConcurrency,
      },
      throttling: {
        source: t?.source ?? null,
        raw: t?.word === null || t === null ? null : `0x${t.word.toString(16)}`,
        now: Object.fromEntries(
          THROTTLE_FLAGS.map((f) => [f, t?.now[f] ?? null]),
        ) as TelemetryDto["throttling"]["now"],
        since_boot: Object.fromEntries(THROTTLE_FLAGS.map((f, bit) => [
          f,
          (sinceBootBits >> bit) & 1 ? true : known(f) ? false : null,
        ])) as TelemetryDto["throttling"]["since_boot"],
      },
      memory: {
        total_bytes: host.memory?.totalBytes ?? null,
        available_bytes: host.memory?.availableBytes ?? null,
        used_percent: host.memory && host.memory.availableBytes !== null
          ? round(100 * (1 - host.memory.availableBytes / host.memory.totalBytes), 1)
          : null,
      },
      disk: this.#disk(),
      uptime_s: host.uptimeS === null ? null : Math.round(host.uptimeS),
      wifi: host.wifi && {
        interface: host.wifi.interface,
        signal_dbm: host.wifi.signalDbm,
        link_quality: host.wifi.linkQuality,
      },
      process: {
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        heap_total_bytes: memory.heapTotal,
        external_bytes: memory.external,
        uptime_s: Math.round(performance.now() / 1000),
      },
      event_loop: {
        delay_mean_ms: loop.meanMs,
        delay_p99_ms: loop.p99Ms,
        delay_max_ms: loop.maxMs,
        samples: loop.count,
      },
      imaging: this.#imaging(),
    };
  }

  #disk(): TelemetryDto["disk"] {
    const disk = this.guard.last;
    return {
      path: this.guard.dataDir,
      total_bytes: disk?.totalBytes ?? null,
      free_bytes: disk?.freeBytes ?? null,
      free_percent: disk && disk.totalBytes > 0
        ? round(100 * disk.freeBytes / disk.totalBytes, 1)
        : null,
      warn_bytes: this.guard.warnBytes,
      reserve_bytes: this.guard.reserveBytes,
      state: this.guard.state,
    };
  }

  #imaging(): TelemetryDto["imaging"] {
    const refusal = this.guard.refusal();
    return {
      allowed: refusal === null,
      reason: refusal,
      paused_sequence: this.guard.pausedSequence,
    };
  }
}

function toRaw(dto: TelemetryDto, nowMs: number) {
  const now = dto.throttling.now;
  const anyKnown = THROTTLE_FLAGS.some((f) => now[f] !== null);
  return {
    ts_ms: nowMs,
    cpu_temp_c: dto.cpu.temperature_c,
    cpu_temp_max_c: dto.cpu.temperature_c,
    load_1m: dto.cpu.load_1m,
    mem_available_bytes: dto.memory.available_bytes,
    mem_total_bytes: dto.memory.total_bytes,
    disk_free_bytes: dto.disk.free_bytes,
    disk_total_bytes: dto.disk.total_bytes,
    wifi_signal_dbm: dto.wifi?.signal_dbm ?? null,
    rss_bytes: dto.process.rss_bytes,
    heap_used_bytes: dto.process.heap_used_bytes,
    loop_delay_mean_ms: dto.event_loop.delay_mean_ms,
    loop_delay_max_ms: dto.event_loop.delay_max_ms,
    throttled_bits: anyKnown ? encodeFlags(now) : null,
  };
}

function toPoint(row: TelemetryRow): HistoryPointDto {
  const bits = row.throttled_bits;
  const r = (v: number | null, digits: number) => v === null ? null : round(v, digits);
  return {
    ts: new Date(row.ts_ms).toISOString(),
    n: row.n,
    cpu_temp_c: r(row.cpu_temp_c, 2),
    cpu_temp_max_c: r(row.cpu_temp_max_c, 2),
    load_1m: r(row.load_1m, 3),
    mem_available_bytes: r(row.mem_available_bytes, 0),
    mem_total_bytes: r(row.mem_total_bytes, 0),
    disk_free_bytes: r(row.disk_free_bytes, 0),
    disk_total_bytes: r(row.disk_total_bytes, 0),
    wifi_signal_dbm: r(row.wifi_signal_dbm, 1),
    rss_bytes: r(row.rss_bytes, 0),
    heap_used_bytes: r(row.heap_used_bytes, 0),
    loop_delay_mean_ms: r(row.loop_delay_mean_ms, 2),
    loop_delay_max_ms: r(row.loop_delay_max_ms, 2),
    under_voltage: bits === null ? null : (bits & 1) === 1,
    throttled: bits === null ? null : (bits & 0b1110) !== 0,
  };
}

/** The Prometheus families of one sample. */
export function metricFamilies(
  t: TelemetryDto,
  loopTotals: { sumS: number; count: number },
  version: string,
): MetricFamily[] {
  const g = (
    name: string,
    help: string,
    value: number | null,
    labels?: Record<string, string>,
  ) => ({
    name,
    help,
    type: "gauge" as const,
    samples: [{ value, labels }],
  });
  const flags = (flagSet: TelemetryDto["throttling"]["now"]) =>
    THROTTLE_FLAGS.map((flag) => ({
      labels: { flag },
      value: flagSet[flag] === null ? null : flagSet[flag] ? 1 : 0,
    }));
  const ms = (v: number | null) => v === null ? null : v / 1000;
  return [
    g("openskylab_build_info", "The box's firmware version (value 1)", 1, { version }),
    g("openskylab_cpu_temperature_celsius", "CPU temperature", t.cpu.temperature_c),
    g("openskylab_load1", "Load average over 1 minute", t.cpu.load_1m),
    g("openskylab_load5", "Load average over 5 minutes", t.cpu.load_5m),
    g("openskylab_load15", "Load average over 15 minutes", t.cpu.load_15m),
    g("openskylab_memory_total_bytes", "Memory of the machine", t.memory.total_bytes),
    g(
      "openskylab_memory_available_bytes",
      "Memory available without swapping",
      t.memory.available_bytes,
    ),
    g("openskylab_system_uptime_seconds", "Seconds since the machine booted", t.uptime_s),
    {
      name: "openskylab_throttle_active",
      help: "Raspberry Pi firmware flag present now (1) or not (0)",
      type: "gauge",
      samples: flags(t.throttling.now),
    },
    {
      name: "openskylab_throttle_since_boot",
      help: "Raspberry Pi firmware flag seen since the machine booted (1) or not (0)",
      type: "gauge",
      samples: flags(t.throttling.since_boot),
    },
    g(
      "openskylab_data_disk_total_bytes",
      "Size of the data directory's file system",
      t.disk.total_bytes,
    ),
    g(
      "openskylab_data_disk_free_bytes",
      "Free space of the data directory's file system",
      t.disk.free_bytes,
    ),
    g("openskylab_data_disk_warn_bytes", "Free space below which the box warns", t.disk.warn_bytes),
    g(
      "openskylab_data_disk_reserve_bytes",
      "Free space below which no new exposure starts",
      t.disk.reserve_bytes,
    ),
    g(
      "openskylab_imaging_allowed",
      "1 while new exposures may start (disk above its reserve)",
      t.imaging.allowed ? 1 : 0,
    ),
    ...(t.wifi
      ? [
        g("openskylab_wifi_signal_dbm", "Wi-Fi signal level", t.wifi.signal_dbm, {
          interface: t.wifi.interface,
        }),
        g(
          "openskylab_wifi_link_quality",
          "Wi-Fi link quality (the driver's scale)",
          t.wifi.link_quality,
          {
            interface: t.wifi.interface,
          },
        ),
      ]
      : []),
    g("process_resident_memory_bytes", "Resident memory of the box's process", t.process.rss_bytes),
    g(
      "process_start_time_seconds",
      "Start time of the box's process since the Unix epoch",
      Math.round(performance.timeOrigin / 1000),
    ),
    g("openskylab_process_heap_used_bytes", "JavaScript heap in use", t.process.heap_used_bytes),
    g(
      "openskylab_process_heap_total_bytes",
      "JavaScript heap reserved",
      t.process.heap_total_bytes,
    ),
    g(
      "openskylab_process_external_memory_bytes",
      "Memory of buffers outside the heap (frames)",
      t.process.external_bytes,
    ),
    {
      name: "openskylab_event_loop_delay_seconds",
      help: "How late a 100 ms timer fired: the 99th percentile over the last sample period",
      type: "summary",
      samples: [
        { labels: { quantile: "0.99" }, value: ms(t.event_loop.delay_p99_ms) },
        { suffix: "_sum", value: loopTotals.sumS },
        { suffix: "_count", value: loopTotals.count },
      ],
    },
    g(
      "openskylab_event_loop_delay_max_seconds",
      "Longest event-loop delay over the last sample period",
      ms(t.event_loop.delay_max_ms),
    ),
  ];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
