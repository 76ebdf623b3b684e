/**
 * The box's system side on the host: `serve` under a stand-in for systemd (READY=1 only once the
 * API answers, watchdog pings, STOPPING=1, journal levels), the image's own first-boot script
 * followed by the app's steps, and a reboot from the API that parks the mount and finishes the
 * frame being written before the box goes down. The real systemd, reboot and power cut are the
 * VM test's (tests/vm/).
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";
import { FirstBootDto, SystemInfoDto } from "../../core/schemas/system.ts";
import { useFastSimulators, withServer } from "./_server.ts";

const REPO = new URL("../../", import.meta.url).pathname;
const FIRST_BOOT_SCRIPT = join(REPO, "image/stage-openskylab/02-system/files/first-boot");

Deno.test("serve under systemd's protocol: READY=1 once listening, watchdog, STOPPING=1, levelled journal lines", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-notify-" });
  const socketPath = join(dir, "notify");
  const systemd = Deno.listenDatagram({ transport: "unixpacket", path: socketPath });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO, "main.ts"), "serve", "--port", String(port)],
    env: {
      OPENSKYLAB_CONFIG: join(dir, "config.toml"),
      OPENSKYLAB_DATA_DIR: join(dir, "data"),
      NOTIFY_SOCKET: socketPath,
      WATCHDOG_USEC: "400000",
      JOURNAL_STREAM: "8:1234",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  const next = async () => decoder.decode((await systemd.receive())[0]);
  try {
    const ready = await next();
    assertMatch(ready, /^READY=1\nSTATUS=serving on port \d+$/);
    // READY=1 promises a listening API: no retry.
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    assertEquals(health.status, 200);
    const { first_boot } = await health.json();
    const steps = FirstBootDto.parse(first_boot).steps.map((s) => s.name);
    assertEquals(steps, ["config", "database", "catalog", "api"]);
    assertEquals(await next(), "WATCHDOG=1");
    assertEquals(await next(), "WATCHDOG=1");
    child.kill("SIGTERM");
    let message = await next();
    while (message === "WATCHDOG=1") message = await next();
    assertEquals(message, "STOPPING=1");
    const { code, stderr } = await child.output();
    assertEquals(code, 0);
    const lines = decoder.decode(stderr).trim().split("\n");
    const info = lines.find((l) => l.includes('"message":"OpenSkyLab is ready"'));
    assert(info?.startsWith('<6>{"ts":'), `an info line carries <6>: ${info}`);
    assert(lines.every((l) => /^<[3467]>\{/.test(l)), "every log line has a syslog priority");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    systemd.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("first boot: the image's script, then the app's steps, done once, reported as it was", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-firstboot-" });
  const etc = join(dir, "etc");
  const dataDir = join(dir, "data");
  await Deno.mkdir(join(etc, "modprobe.d"), { recursive: true });
  await Deno.writeTextFile(join(etc, "machine-id"), "5c4a6a1d0f8e4b9a9d2b3c4d5e6f7a8b\n");
  await Deno.writeTextFile(join(etc, "hosts"), "127.0.0.1\tlocalhost\n127.0.1.1\topenskylab\n");
  await Deno.writeTextFile(
    join(dir, "openskylab.txt"),
    "# written on the boot partition\nwifi_country=de\nhotspot_password=short\n" +
      "home_ssid=Observatory Wi-Fi\nhome_password=andromeda31\nbogus=1\n",
  );
  try {
    const script = await new Deno.Command(FIRST_BOOT_SCRIPT, {
      env: {
        OPENSKYLAB_ETC: etc,
        OPENSKYLAB_STATE_DIR: dataDir,
        OPENSKYLAB_PRESET: join(dir, "openskylab.txt"),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert(script.success, new TextDecoder().decode(script.stderr));
    assertMatch(new TextDecoder().decode(script.stderr), /unknown key "bogus" ignored/);
    // The preset held passwords on a FAT partition: it is gone once applied.
    assertEquals(await Deno.stat(join(dir, "openskylab.txt")).catch(() => null), null);
    const hostname = (await Deno.readTextFile(join(etc, "hostname"))).trim();
    assertMatch(hostname, /^openskylab-[0-9a-f]{4}$/);
    assertMatch(
      await Deno.readTextFile(join(etc, "hosts")),
      new RegExp(`127.0.1.1\t${hostname}\n`),
    );
    assertEquals(
      await Deno.readTextFile(join(etc, "modprobe.d/openskylab-wifi-country.conf")),
      "options cfg80211 ieee80211_regdom=DE\n",
    );
    const home = await Deno.readTextFile(
      join(etc, "NetworkManager/system-connections/openskylab-home.nmconnection"),
    );
    assertMatch(home, /^ssid=Observatory Wi-Fi$/m);
    assertMatch(home, /^psk=andromeda31$/m);
    const homeInfo = await Deno.stat(
      join(etc, "NetworkManager/system-connections/openskylab-home.nmconnection"),
    );
    assertEquals(homeInfo.mode! & 0o777, 0o600);

    await withServer(async (t) => {
      const info = SystemInfoDto.parse(await t.json("GET", "/system"));
      // The script named the host after the serial the API reports.
      assertEquals(hostname, `openskylab-${info.serial.slice(-4)}`);
      const deadline = Date.now() + 60_000;
      let health = await t.json<{ first_boot: unknown }>("GET", "/health");
      while (!FirstBootDto.parse(health.first_boot).done && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        health = await t.json("GET", "/health");
      }
      const firstBoot = FirstBootDto.parse(health.first_boot);
      assert(firstBoot.done, JSON.stringify(firstBoot));
      const state = Object.fromEntries(firstBoot.steps.map((s) => [s.name, s.state]));
      assertEquals(state, {
        hostname: "done",
        preset: "done",
        wifi_country: "done",
        hotspot: "failed", // "short" has fewer than 8 characters
        home_network: "done",
        config: "done",
        database: "done",
        catalog: state.catalog === "skipped" ? "skipped" : "done",
        api: "done",
      });
    }, { dataDir, hostRoot: dir });

    // The next start reports the first boot as it was, done.
    await withServer(async (t) => {
      const health = await t.json<{ first_boot: unknown }>("GET", "/health");
      const firstBoot = FirstBootDto.parse(health.first_boot);
      assertEquals(firstBoot.done, true);
      assertEquals(firstBoot.steps.length, 9);
    }, { dataDir, hostRoot: dir });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reboot from the API: 202, then the mount parks and frames are whole before the box goes down", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    await t.json("POST", "/mount/unpark");
    const ws = await t.events("camera.*,system.*");
    const mount = t.server.services.hub.peek("mount")!;
    // One hour east of the meridian, well up: away from the park position.
    const { lst, dec } = await t.json<{ lst: number; dec: number }>("GET", "/mount/status");
    await t.json("POST", "/mount/goto", { ra: (lst + 1) % 24, dec: Math.min(dec, 60) - 20 });
    await t.json("POST", "/camera/expose", { duration: 1 });
    const res = await t.api("POST", "/system/reboot");
    assertEquals(res.status, 202, await res.text());
    await ws.waitFor("system.power", (d) => d.action === "reboot");
    assertEquals(await t.server.powerRequested, "reboot");
    assertEquals(mount.status().parked, false);
    await t.server.shutdown();
    assert(mount.status().parked, "the mount parked before the box went down");
    // Whatever the exposure was doing, nothing half-written is left behind.
    for (const ready of ws.ofType("camera.frame_ready")) {
      const bytes = await Deno.readFile(join(t.dataDir, ready.data.path as string));
      assertEquals(bytes.byteLength, ready.data.bytes);
    }
    const leftovers: string[] = [];
    const walk = async (d: string) => {
      for await (const e of Deno.readDir(d)) {
        if (e.isDirectory) await walk(join(d, e.name));
        else if (!e.name.endsWith(".fits")) leftovers.push(e.name);
      }
    };
    await walk(join(t.dataDir, "frames")).catch(() => {});
    assertEquals(leftovers, []);
  }, { configToml: "[system]\npark_on_shutdown = true\npark_timeout_s = 60\n" });
});
