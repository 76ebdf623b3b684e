/**
 * The box, booted: the plain-Debian image built by the same pi-gen stage as the Raspberry Pi
 * image (tools/image.ts, cached) runs under full-system qemu with the x86_64 release under test
 * passed in through a 9p share, and everything is checked from the host over the VM's network
 * and qemu's guest agent:
 *   first boot (hostname from the serial, the boot partition's Wi-Fi presets) and the unit
 *   reaching active; health, the app and the API docs on ports 80 and 7624; the unit verified
 *   and its systemd-analyze security score; the phone's time set through the unit's capability;
 *   `systemctl kill -s KILL` → systemd restarts it; SIGSTOP → the watchdog restarts it; a hard
 *   power cut (QMP system_reset) in the middle of a sequence → after the boot the sequence
 *   resumes by itself and every planned frame exists exactly once, whole, with the database
 *   intact; a reboot from the API keeps config, token and frames (and parks first); a shutdown
 *   from the API powers the VM off.
 * Run alone: npx -y deno@2.9.6 test -A tests/vm/  (root; qemu-system-x86, debootstrap).
 */
import { ensureTestImage } from "../../tools/image.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { testReleases } from "../release/_release.ts";
import { FirstBootDto, SystemInfoDto } from "../../core/schemas/system.ts";
import { bootTestBox, ok, SMALL_SIM_CAMERA, until, vmTestCanRun } from "./_vm.ts";

const FRAMES_PLANNED = 6;

Deno.test({
  name:
    "VM: the image boots, serves, survives kills, a frozen loop and a power cut, reboots and powers off",
  async fn(t) {
    if (!await vmTestCanRun()) return;
    const started = performance.now();
    const figures: Record<string, string> = {};
    const [image, releases] = await Promise.all([ensureTestImage(), testReleases()]);
    figures.image = image.cached ? "cached" : `built in ${image.buildSeconds.toFixed(0)} s`;
    figures.release = releases.buildSeconds === 0
      ? "cached"
      : `built in ${releases.buildSeconds.toFixed(0)} s`;

    const { vm, work, httpPort, apiPort } = await bootTestBox({
      image,
      releaseTarball: releases.tarball("x86_64"),
      // What a user writes on the SD card's boot partition before the first boot.
      bootConfig: "wifi_country=SE\nhotspot_password=orion-nebula\nhome_ssid=Observatory\n" +
        "home_password=andromeda31\n",
      prefix: "openskylab-vm-",
    });
    const bootMs = vm.startedMs;
    let token = "";
    const call = (method: string, path: string, body?: unknown, port = apiPort) =>
      fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A port forward to a guest that is booting can hang rather than refuse.
        signal: AbortSignal.timeout(30_000),
      });
    const json = async <T = Record<string, unknown>>(
      method: string,
      path: string,
      body?: unknown,
    ) => {
      const res = await call(method, path, body);
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return JSON.parse(text) as T;
    };
    const healthy = (port = apiPort) =>
      fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(10_000) }).then(
        async (r) => {
          const body = await r.text();
          return r.ok ? JSON.parse(body) : null;
        },
      );
    const unit = async () => {
      const out = ok(
        await vm.exec("systemctl show openskylab -p MainPID -p NRestarts -p ActiveState"),
        "systemctl show",
      );
      return Object.fromEntries(out.split("\n").map((l) => l.split("=", 2))) as Record<
        string,
        string
      >;
    };

    try {
      await t.step("first boot: the unit reaches active and answers on 7624 and 80", async () => {
        await until("health on port 7624", () => healthy(), (h) => h !== null, 900_000, 2000);
        figures.first_boot_to_healthy_s = ((Date.now() - bootMs) / 1000).toFixed(0);
        token = ok(
          await vm.exec(`sed -n 's/^token = "\\(.*\\)"$/\\1/p' /etc/openskylab/config.toml`),
          "the token",
        );
        assert(token.length >= 43, "the app wrote a generated token into the preset config");
        await until("health on port 80", () => healthy(httpPort), (h) => h !== null, 300_000);
        const state = await until(
          "the unit to be active",
          unit,
          (u) => u.ActiveState === "active",
          120_000,
        );
        assertEquals(state.NRestarts, "0");
        const health = await until(
          "the first boot to finish",
          () => healthy(),
          (h) => FirstBootDto.parse(h.first_boot).done,
          300_000,
        );
        const steps = Object.fromEntries(
          FirstBootDto.parse(health.first_boot).steps.map((s) => [s.name, s.state]),
        );
        assertEquals(steps, {
          hostname: "done",
          preset: "done",
          wifi_country: "done",
          hotspot: "done",
          home_network: "done",
          config: "done",
          database: "done",
          catalog: "done",
          api: "done",
        });
        const nm = ok(
          await vm.exec(
            "nmcli -t -f NAME,TYPE connection show | sort; test ! -e /boot/firmware/openskylab.txt",
          ),
          "NetworkManager's connections",
        );
        assertMatch(nm, /openskylab-home:802-11-wireless/);
        assertMatch(nm, /openskylab-hotspot:802-11-wireless/);
        // The journal has each line at its level: info is not among the warnings.
        const info = ok(
          await vm.exec("journalctl -u openskylab -p info..info -o cat --no-pager"),
          "info lines",
        );
        assertMatch(info, /"message":"OpenSkyLab is ready"/);
        const warnings = ok(
          await vm.exec("journalctl -u openskylab -p warning -o cat --no-pager"),
          "warning lines",
        );
        assert(!warnings.includes("OpenSkyLab is ready"), warnings);
        // A small camera on a random star field from here on: the true sky's catalogue build
        // takes minutes under emulation, and its exposures time out while it runs.
        const active = await json<{ id: string; devices: Record<string, unknown> }>(
          "GET",
          "/profiles/active",
        );
        await json("PUT", `/profiles/${active.id}`, {
          ...active,
          devices: {
            ...active.devices,
            camera: SMALL_SIM_CAMERA,
          },
        });
      });

      await t.step("the unit verifies; its sandbox is scored", async () => {
        ok(
          await vm.exec("systemd-analyze verify openskylab.service openskylab-firstboot.service"),
          "systemd-analyze verify",
        );
        const security = ok(
          await vm.exec("systemd-analyze security --no-pager openskylab.service | tail -n 1"),
          "systemd-analyze security",
        );
        figures.security = /([\d.]+ \w+)/.exec(security)?.[1] ?? security;
        // The shipped 30 s, scaled for emulation by the test image's drop-in.
        assertEquals(
          ok(await vm.exec("systemctl show -p WatchdogUSec --value openskylab"), "watchdog"),
          "1min 30s",
        );
        const score = Number(/level for openskylab\.service: ([\d.]+)/.exec(security)?.[1]);
        assert(score <= 3.5, `exposure ${score} should stay "OK" or better`);
      });

      await t.step(
        "the app and the API docs over the VM's network, ports 80 and 7624",
        async () => {
          for (const port of [httpPort, apiPort]) {
            const base = `http://127.0.0.1:${port}`;
            const app = await fetch(`${base}/`);
            assertEquals(app.status, 200);
            assertMatch(await app.text(), /<!doctype html>/i);
            const docs = await fetch(`${base}/api/docs`);
            assertEquals(docs.status, 200);
            await docs.body?.cancel();
            const asset = await fetch(`${base}/api/docs/swagger-ui-bundle.js`);
            assertEquals(asset.status, 200);
            assert((await asset.arrayBuffer()).byteLength > 1_000_000);
            // The host is not on a trusted network: the document needs the token.
            const anonymous = await fetch(`${base}/api/v1/openapi.json`);
            assertEquals(anonymous.status, 401);
            await anonymous.body?.cancel();
            const doc = await fetch(`${base}/api/v1/openapi.json`, {
              headers: { authorization: `Bearer ${token}` },
            });
            assertEquals(doc.status, 200);
            assert("/api/v1/system/time" in (await doc.json()).paths);
          }
        },
      );

      await t.step(
        "GET /system; the phone's time, set through the unit's CAP_SYS_TIME",
        async () => {
          const info = SystemInfoDto.parse(await json("GET", "/system"));
          const hostname = ok(await vm.exec("hostname"), "hostname");
          assertEquals(info.hostname, hostname);
          assertEquals(hostname, `openskylab-${info.serial.slice(-4)}`);
          assertEquals(info.arch, "x86_64");
          assertEquals(info.time.synchronized, false);
          assertEquals(info.storage.data_dir, "/var/lib/openskylab");
          assert(info.storage.free_bytes > 100e6);
          const phoneMs = Date.now() + 3_600_000;
          assertEquals(await json("POST", "/system/time", { time_ms: phoneMs }), {
            time_ms: phoneMs,
            source: "phone",
          });
          const guestS = Number(ok(await vm.exec("date +%s"), "date"));
          assert(Math.abs(guestS * 1000 - (Date.now() + 3_600_000)) < 120_000, "the clock moved");
          assertEquals(SystemInfoDto.parse(await json("GET", "/system")).time.source, "phone");
          const nonsense = await call("POST", "/system/time", { time_ms: 0 });
          assertEquals(nonsense.status, 400);
          await nonsense.body?.cancel();
          // Back to the host's time for what follows.
          await json("POST", "/system/time", { time_ms: Date.now() });
        },
      );

      await t.step("systemctl kill -s KILL: systemd restarts the service", async () => {
        const before = await unit();
        const killedMs = Date.now();
        ok(await vm.exec("systemctl kill -s KILL openskylab"), "systemctl kill");
        const after = await until(
          "a restart after SIGKILL",
          unit,
          (u) => u.MainPID !== before.MainPID && u.MainPID !== "0" && u.ActiveState === "active",
          300_000,
        );
        assertEquals(Number(after.NRestarts), Number(before.NRestarts) + 1);
        await until("health after the restart", () => healthy(), (h) => h !== null, 300_000);
        figures.kill_to_healthy_s = ((Date.now() - killedMs) / 1000).toFixed(0);
      });

      await t.step("a frozen process (SIGSTOP): the watchdog kills and restarts it", async () => {
        const before = await unit();
        const frozenMs = Date.now();
        ok(await vm.exec("systemctl kill -s STOP openskylab"), "SIGSTOP");
        const after = await until(
          "a watchdog restart",
          unit,
          (u) => u.MainPID !== before.MainPID && u.MainPID !== "0" && u.ActiveState === "active",
          300_000,
        );
        assertEquals(Number(after.NRestarts), Number(before.NRestarts) + 1);
        const journal = ok(
          await vm.exec(
            `journalctl -u openskylab --since=@${Math.floor(frozenMs / 1000) - 5} --no-pager`,
          ),
          "journal",
        );
        assertMatch(journal, /[Ww]atchdog timeout/);
        await until("health after the watchdog", () => healthy(), (h) => h !== null, 300_000);
        figures.freeze_to_healthy_s = ((Date.now() - frozenMs) / 1000).toFixed(0);
      });

      let sequenceId = "";
      await t.step(
        "a power cut mid-sequence: the sequence resumes; every frame once, whole",
        async () => {
          const created = await json<{ id: string }>("POST", "/sequences", {
            name: "power cut",
            targets: [{
              name: "M 42",
              ra: 5.588,
              dec: -5.39,
              groups: [{ filter: "R", exposure_s: 3, count: FRAMES_PLANNED }],
            }],
            options: { slew: false },
          });
          sequenceId = created.id;
          await json("POST", "/sequencer/start", { sequence_id: sequenceId });
          await until(
            "two frames before the power cut",
            () => json<{ frames_done: number }>("GET", "/sequencer/checkpoint"),
            (c) => c.frames_done >= 2,
            300_000,
            500,
          );
          const cutMs = Date.now();
          await vm.qmp("system_reset");
          await until(
            "health after the power cut",
            () => healthy(),
            (h) => h !== null,
            600_000,
            2000,
          );
          figures.power_cut_to_healthy_s = ((Date.now() - cutMs) / 1000).toFixed(0);
          const done = await until(
            "the resumed sequence to complete",
            () => json<{ state: string }>("GET", "/sequencer/status"),
            (s) => s.state === "completed",
            600_000,
            2000,
          );
          assertEquals(done.state, "completed");
          const check = ok(
            await vm.exec(
              `cd /var/lib/openskylab && ` +
                `sqlite3 openskylab.db 'PRAGMA integrity_check' && ` +
                `sqlite3 -separator '|' openskylab.db "SELECT path, bytes FROM frames WHERE sequence_id = '${sequenceId}'" && ` +
                `echo files && find frames -type f | sort`,
            ),
            "the frames in the guest",
          );
          const [integrity, ...rest] = check.split("\n");
          assertEquals(integrity, "ok");
          const rows = rest.slice(0, rest.indexOf("files")).map((l) => l.split("|"));
          const files = rest.slice(rest.indexOf("files") + 1);
          assertEquals(rows.length, FRAMES_PLANNED, `frames rows: ${rows.join("; ")}`);
          assertEquals(new Set(rows.map(([p]) => p)).size, FRAMES_PLANNED, "no frame twice");
          assertEquals(files.filter((f) => !f.endsWith(".fits")), [], "no partial file left");
          assertEquals(new Set(files), new Set(rows.map(([p]) => p)));
          // Whole: the size recorded, a multiple of FITS's 2880-byte blocks, a FITS header.
          const sizes = ok(
            await vm.exec(
              `cd /var/lib/openskylab && for f in ${rows.map(([p]) => `'${p}'`).join(" ")}; do ` +
                `printf '%s|%s\\n' "$(stat -c %s "$f")" "$(head -c 9 "$f")"; done`,
            ),
            "frame sizes",
          ).split("\n");
          for (const [i, line] of sizes.entries()) {
            const [size, head] = line.split("|");
            assertEquals(size, rows[i]![1]);
            assertEquals(Number(size) % 2880, 0);
            assertEquals(head, "SIMPLE  =");
          }
        },
      );

      await t.step(
        "a reboot from the API keeps config, token and frames, and parks first",
        async () => {
          const snapshot = () =>
            vm.exec(
              "sha256sum /etc/openskylab/config.toml && " +
                "find /var/lib/openskylab/frames -type f -exec sha256sum {} + | sort",
            );
          const before = ok(await snapshot(), "before the reboot");
          const bootBefore = SystemInfoDto.parse(await json("GET", "/system")).boot_time_ms;
          await json("POST", "/mount/unpark");
          const rebootMs = Date.now();
          const res = await call("POST", "/system/reboot");
          assertEquals(res.status, 202);
          await res.body?.cancel();
          const info = await until(
            "the box to come back from its reboot",
            async () => SystemInfoDto.parse(await json("GET", "/system")),
            (i) => i.boot_time_ms > bootBefore + 1000,
            600_000,
            2000,
          );
          figures.reboot_to_healthy_s = ((Date.now() - rebootMs) / 1000).toFixed(0);
          assertEquals(info.first_boot.done, true);
          const after = ok(await vm.execWhenUp("true", 60_000).then(() => snapshot()), "after");
          assertEquals(after, before, "config (with its token) and frames are as they were");
          const previous = ok(
            await vm.exec("journalctl -b -1 -u openskylab --no-pager -o cat"),
            "the previous boot's journal",
          );
          assertMatch(previous, /parked the mount for shutdown/);
          assertMatch(previous, /stopped cleanly/);
          assertMatch(previous, /asked the system to reboot/);
        },
      );

      await t.step("a shutdown from the API powers the box off", async () => {
        const res = await call("POST", "/system/shutdown");
        assertEquals(res.status, 202);
        await res.body?.cancel();
        assertEquals(await vm.exited(300_000), 0);
      });
    } catch (err) {
      await Deno.readTextFile(vm.consoleLog).then(
        (text) =>
          console.error(
            `--- VM console (last 80 lines) ---\n${text.split("\n").slice(-80).join("\n")}`,
          ),
        () => {},
      );
      await vm.exec("journalctl -b --no-pager | tail -n 150", 30_000).then(
        (r) => console.error(`--- guest journal ---\n${r.stdout}`),
        () => {},
      );
      throw err;
    } finally {
      await vm[Symbol.asyncDispose]();
      await Deno.remove(work, { recursive: true });
      figures.total_s = ((performance.now() - started) / 1000).toFixed(0);
      console.log(
        `bench vm: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join("  ")}`,
      );
    }
  },
});
