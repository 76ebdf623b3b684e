/**
 * The host readers against recorded trees (testdata/README.md): a Raspberry Pi on its own OS, the
 * same board on Debian's kernel inside the box's sandbox, and a PC — each figure read, or null
 * where that machine has no such thing.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertEquals } from "../../tests/_assert.ts";
import { HostFiles } from "./host_files.ts";
import { HostReader } from "./host_reader.ts";
import { parseLoadavg, parseMeminfo, parseUptime, parseWireless } from "./proc_parsers.ts";
import { cpuTemperatureC, readThermalZones } from "./thermal.ts";
import {
  decodeThrottled,
  parseSysfsThrottled,
  parseVcgencmdThrottled,
  readThrottled,
  vcgencmdRunner,
} from "./throttled.ts";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "testdata");
const tree = (name: string) => new HostFiles(join(DATA, name));
const VCGENCMD = join(DATA, "bin", "vcgencmd");

Deno.test("throttled: the firmware word's bits, present and since boot", () => {
  // 0x50005: under-voltage and throttled now; both have occurred since boot.
  assertEquals(decodeThrottled(0x50005), {
    under_voltage: true,
    arm_freq_capped: false,
    throttled: true,
    soft_temp_limit: false,
  });
  assertEquals(decodeThrottled(0x50005, true), {
    under_voltage: true,
    arm_freq_capped: false,
    throttled: true,
    soft_temp_limit: false,
  });
  // 0x80008: soft temperature limit now and since boot, nothing else.
  assertEquals(decodeThrottled(0x80008).soft_temp_limit, true);
  assertEquals(decodeThrottled(0x80008, true).soft_temp_limit, true);
  assertEquals(decodeThrottled(0x80000).soft_temp_limit, false);
  assertEquals(decodeThrottled(0xf000f), {
    under_voltage: true,
    arm_freq_capped: true,
    throttled: true,
    soft_temp_limit: true,
  });
  assertEquals(parseVcgencmdThrottled("throttled=0x50005\n"), 0x50005);
  assertEquals(parseVcgencmdThrottled("throttled=0x0\n"), 0);
  assertEquals(parseVcgencmdThrottled('error=1 error_msg="Command not registered"\n'), null);
  assertEquals(parseSysfsThrottled("50005\n"), 0x50005);
  assertEquals(parseSysfsThrottled("0\n"), 0);
  assertEquals(parseSysfsThrottled("\n"), null);
});

Deno.test("throttled: sysfs first, then vcgencmd, then the hwmon alarm", async () => {
  const rpios = await readThrottled(tree("pi4_rpios"), null);
  assertEquals(rpios?.source, "sysfs");
  assertEquals(rpios?.word, 0x50005);

  // No sysfs file: the (recorded) vcgencmd answers.
  const viaTool = await readThrottled(tree("pi4_debian"), vcgencmdRunner(VCGENCMD));
  assertEquals(viaTool?.source, "vcgencmd");
  assertEquals(viaTool?.word, 0x50005);
  assertEquals(viaTool?.now.throttled, true);

  // vcgencmd that cannot open /dev/vcio, or is not installed: the hwmon alarm (0 here).
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.copyFile(VCGENCMD, join(tmp, "vcgencmd"));
    await Deno.chmod(join(tmp, "vcgencmd"), 0o755);
    for (const runner of [vcgencmdRunner(join(tmp, "vcgencmd")), vcgencmdRunner(join(tmp, "no"))]) {
      const hwmon = await readThrottled(tree("pi4_debian"), runner);
      assertEquals(hwmon, {
        source: "hwmon",
        word: null,
        now: {
          under_voltage: false,
          arm_freq_capped: null,
          throttled: null,
          soft_temp_limit: null,
        },
        sinceBoot: {
          under_voltage: null,
          arm_freq_capped: null,
          throttled: null,
          soft_temp_limit: null,
        },
      });
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
  assertEquals(await readThrottled(tree("pc"), vcgencmdRunner(join(DATA, "missing"))), null);
});

Deno.test("thermal: the CPU's zone by type; an unreadable zone is skipped", async () => {
  const pi = await readThermalZones(tree("pi4_rpios"));
  assertEquals(pi, [{ zone: "thermal_zone0", type: "cpu-thermal", tempC: 61.835 }]);
  const pc = await readThermalZones(tree("pc"));
  assertEquals(pc.map((z) => z.type), ["acpitz", "x86_pkg_temp"]);
  assertEquals(cpuTemperatureC(pc), 45);
  assertEquals(cpuTemperatureC([]), null);
});

Deno.test("proc parsers: meminfo, loadavg, uptime, wireless", async () => {
  const meminfo = (await tree("pi4_rpios").text("proc/meminfo"))!;
  assertEquals(parseMeminfo(meminfo), {
    totalBytes: 3885348 * 1024,
    availableBytes: 3398672 * 1024,
  });
  assertEquals(parseMeminfo("garbage\n"), null);
  assertEquals(parseLoadavg("0.84 0.61 0.55 2/211 1843\n"), [0.84, 0.61, 0.55]);
  assertEquals(parseLoadavg(""), null);
  assertEquals(parseUptime("86527.41 341098.93\n"), 86527.41);
  assertEquals(parseWireless((await tree("pi4_rpios").text("proc/net/wireless"))!), [
    { interface: "wlan0", linkQuality: 58, signalDbm: -52 },
  ]);
  // The hotspot (AP mode) lists the interface with nothing updated.
  assertEquals(
    parseWireless((await tree("pi4_debian").text("proc/self/net/wireless"))!),
    [{ interface: "wlan0", linkQuality: null, signalDbm: null }],
  );
  assertEquals(parseWireless((await tree("pc").text("proc/net/wireless"))!), []);
});

Deno.test("host reader: every figure from a Raspberry Pi tree; nulls elsewhere", async () => {
  const pi = await new HostReader({
    files: tree("pi4_rpios"),
    vcgencmd: null,
    kernelFallback: false,
  })
    .read();
  assertEquals(pi.cpuTempC, 61.835);
  assertEquals(pi.load, [0.84, 0.61, 0.55]);
  assertEquals(pi.memory?.totalBytes, 3885348 * 1024);
  assertEquals(pi.uptimeS, 86527.41);
  assertEquals(pi.wifi, { interface: "wlan0", linkQuality: 58, signalDbm: -52 });
  assertEquals(pi.throttle?.now.under_voltage, true);

  // The sandboxed service on Debian: what /proc hides stays null without the kernel fallback …
  const sandboxed = await new HostReader({
    files: tree("pi4_debian"),
    vcgencmd: null,
    kernelFallback: false,
  }).read();
  assertEquals(sandboxed.memory, null);
  assertEquals(sandboxed.load, null);
  assertEquals(sandboxed.uptimeS, null);
  assertEquals(sandboxed.wifi?.interface, "wlan0");
  assertEquals(sandboxed.throttle?.source, "hwmon");

  // … and on the real machine the kernel is asked instead.
  const here = await new HostReader({
    files: tree("pi4_debian"),
    vcgencmd: null,
    kernelFallback: true,
  }).read();
  assertEquals(here.memory!.totalBytes > 0, true);
  assertEquals(here.load!.length, 3);
  assertEquals(here.uptimeS! > 0, true);

  const pc = await new HostReader({ files: tree("pc"), vcgencmd: null, kernelFallback: false })
    .read();
  assertEquals(pc.cpuTempC, 45);
  assertEquals(pc.wifi, null);
  assertEquals(pc.throttle, null);
});
