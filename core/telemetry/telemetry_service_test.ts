/**
 * The telemetry service on a copy of the recorded Raspberry Pi tree: the sample it builds, the
 * alerts on the edges of under-voltage and throttling, since-boot flags latched and kept across a
 * restart of the process (and dropped after a reboot), and its Prometheus exposition accepted by
 * promtool.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ManualClock } from "../../lib/clock.ts";
import { silentLogger } from "../../lib/log.ts";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { HAVE_PROMTOOL, promtoolCheckMetrics } from "../../tests/_promtool.ts";
import { EventBus } from "../event_bus.ts";
import type { WsEvent } from "../events.ts";
import { openDatabase } from "../store/db.ts";
import { KvRepository } from "../store/kv.ts";
import { TelemetrySampleRepository } from "../store/telemetry_samples.ts";
import { DiskGuard } from "./disk_guard.ts";
import { defaultTiers, TelemetryHistory } from "./history.ts";
import { HostFiles } from "./host_files.ts";
import { type DiskSpace, HostReader } from "./host_reader.ts";
import { LoopDelayMonitor } from "./loop_delay.ts";
import { SINCE_BOOT_KEY, TelemetryService } from "./telemetry_service.ts";
import { SYSFS_GET_THROTTLED } from "./throttled.ts";

const PI_TREE = join(dirname(fileURLToPath(import.meta.url)), "testdata", "pi4_rpios");

async function withBox(
  fn: (box: {
    root: string;
    start: () => Promise<TelemetryService>;
    alerts: WsEvent<"alert">["data"][];
    updates: number;
    clock: ManualClock;
    kv: KvRepository;
    /** Ten seconds on: the service's next sample, waited for. */
    tick: () => Promise<void>;
  }) => Promise<void>,
  /** The data disk's free space (statfs of a temporary directory by default). */
  space?: (dir: string) => Promise<DiskSpace | null>,
) {
  const dir = await Deno.makeTempDir({ prefix: "telemetry-service-" });
  const root = join(dir, "root");
  await new Deno.Command("cp", { args: ["-r", PI_TREE, root] }).output();
  const db = await openDatabase(join(dir, "data"));
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 21));
  const bus = new EventBus({ clock, validate: true });
  const box = {
    root,
    alerts: [] as WsEvent<"alert">["data"][],
    updates: 0,
    clock,
    kv: new KvRepository(db),
    tick: async () => {
      const sampled = bus.next("telemetry.update");
      await clock.advance(10_000);
      await sampled;
    },
    start: async () => {
      const service = new TelemetryService({
        reader: new HostReader({
          files: new HostFiles(root),
          vcgencmd: null,
          kernelFallback: false,
        }),
        guard: new DiskGuard({
          dataDir: dir,
          warnBytes: 2 * 1024 ** 2,
          reserveBytes: 1024 ** 2,
          bus,
          log: silentLogger,
          space,
        }),
        history: new TelemetryHistory({
          repo: new TelemetrySampleRepository(db),
          tiers: defaultTiers(10_000),
          clock,
        }),
        loop: new LoopDelayMonitor(100),
        bus,
        clock,
        log: silentLogger,
        kv: box.kv,
        intervalMs: 10_000,
        cpuTempWarnC: 80,
        version: "9.9.9",
      });
      await service.start();
      running.push(service);
      return service;
    },
  };
  const running: TelemetryService[] = [];
  bus.subscribe((e) => {
    if (e.type === "alert") box.alerts.push(e.data as WsEvent<"alert">["data"]);
    if (e.type === "telemetry.update") box.updates++;
  });
  try {
    await fn(box);
  } finally {
    for (const s of running) await s.stop();
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("telemetry: a Raspberry Pi's sample, and alerts on the edges only", async () => {
  await withBox(async (box) => {
    const service = await box.start();
    const t = service.latest!;
    assertEquals(t.cpu.temperature_c, 61.8);
    assertEquals(t.cpu.load_1m, 0.84);
    assertEquals(t.memory.total_bytes, 3885348 * 1024);
    assertEquals(t.memory.used_percent, 12.5);
    assertEquals(t.uptime_s, 86527);
    assertEquals(t.wifi, { interface: "wlan0", signal_dbm: -52, link_quality: 58 });
    assertEquals(t.throttling.source, "sysfs");
    assertEquals(t.throttling.raw, "0x50005");
    assertEquals(t.throttling.now.under_voltage, true);
    assertEquals(t.throttling.now.throttled, true);
    assertEquals(t.throttling.since_boot.arm_freq_capped, false);
    assertEquals(t.disk.state, "ok");
    assertEquals(t.imaging, { allowed: true, reason: null, paused_sequence: false });
    assert(t.process.rss_bytes > 0);
    assertEquals(box.alerts.map((a) => a.level), ["error", "warning"]);
    assertEquals(box.updates, 1);

    // Ten seconds later, same flags: nothing new to say.
    await box.tick();
    assertEquals(box.updates, 2);
    assertEquals(box.alerts.length, 2);

    // The supply recovers: present bits clear, the since-boot bits stay.
    await Deno.writeTextFile(join(box.root, SYSFS_GET_THROTTLED), "50000\n");
    await box.tick();
    assertEquals(box.alerts.slice(2).map((a) => a.level), ["info", "info"]);
    assertEquals(service.latest!.throttling.now.under_voltage, false);
    assertEquals(service.latest!.throttling.since_boot.under_voltage, true);

    // An ARM frequency cap that came and went between samples: reported once, as since boot.
    await Deno.writeTextFile(join(box.root, SYSFS_GET_THROTTLED), "70000\n");
    await box.tick();
    assertEquals(box.alerts.length, 5);
    assertEquals(box.alerts[4]!.level, "warning");
    assert(box.alerts[4]!.message.includes("ARM frequency capped"));
    await box.tick();
    assertEquals(box.alerts.length, 5);
    assertEquals((await box.kv.get<{ bits: number }>(SINCE_BOOT_KEY))?.bits, 0b111);
  });
});

Deno.test("telemetry: since-boot flags survive a restart of the process, not a reboot", async () => {
  await withBox(async (box) => {
    await Deno.writeTextFile(join(box.root, SYSFS_GET_THROTTLED), "0\n");
    // The hwmon poll cleared the firmware's sticky bits, but this boot saw under-voltage before.
    const first = await box.start();
    assertEquals(first.latest!.throttling.since_boot.under_voltage, false);
    await Deno.writeTextFile(join(box.root, SYSFS_GET_THROTTLED), "1\n");
    await box.tick();
    assertEquals(box.alerts.map((a) => a.level), ["error"]);
    await first.stop();

    await Deno.writeTextFile(join(box.root, SYSFS_GET_THROTTLED), "0\n");
    await box.clock.advance(60_000);
    await Deno.writeTextFile(join(box.root, "proc/uptime"), "86597.41 341098.93\n");
    const second = await box.start();
    assertEquals(second.latest!.throttling.since_boot.under_voltage, true);
    assertEquals(box.alerts.length, 1, "nothing repeated after the restart");
    await second.stop();

    // A reboot: uptime is small again, the latch starts afresh.
    await Deno.writeTextFile(join(box.root, "proc/uptime"), "42.00 100.00\n");
    const third = await box.start();
    assertEquals(third.latest!.throttling.since_boot.under_voltage, false);
  });
});

Deno.test({
  name: "telemetry: the Prometheus exposition of a Raspberry Pi passes promtool check metrics",
  ignore: !HAVE_PROMTOOL,
  async fn() {
    await withBox(async (box) => {
      const service = await box.start();
      const text = await service.metrics();
      const check = await promtoolCheckMetrics(text);
      assert(check.ok, `promtool: ${check.output}\n${text}`);
      assertEquals(check.output, "", "no lint problems");
      for (
        const line of [
          'openskylab_build_info{version="9.9.9"} 1',
          "openskylab_cpu_temperature_celsius 61.8",
          'openskylab_throttle_active{flag="under_voltage"} 1',
          'openskylab_throttle_since_boot{flag="soft_temp_limit"} 0',
          'openskylab_wifi_signal_dbm{interface="wlan0"} -52',
          "openskylab_imaging_allowed 1",
        ]
      ) assert(text.includes(`\n${line}\n`), `missing: ${line}`);
      assert(/\nopenskylab_event_loop_delay_seconds_count \d+\n/.test(text));
    });
  },
});

Deno.test("telemetry: a frame that fills the disk between samples closes the gate at once", async () => {
  const MIB = 1024 ** 2;
  let freeBytes = 100 * MIB;
  await withBox(async (box) => {
    const service = await box.start();
    assertEquals((await service.current()).imaging.allowed, true);
    freeBytes = MIB / 2;
    // The guard's check after a saved frame; no sample is due for another 10 s.
    await service.guard.check();
    const now = await service.current();
    assertEquals(box.updates, 1, "no new sample was taken");
    assertEquals([now.disk.state, now.disk.free_bytes, now.imaging.allowed], [
      "reserve",
      MIB / 2,
      false,
    ]);
    assert((await service.metrics()).includes("\nopenskylab_imaging_allowed 0\n"));
  }, () => Promise.resolve({ totalBytes: 1000 * MIB, freeBytes }));
});
