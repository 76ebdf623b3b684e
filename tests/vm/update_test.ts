/**
 * Over-the-air updates in the booted box (one boot of the test image under qemu, the same image
 * the VM test uses): the box starts on OLD (a real release signed with the update tests' key) and
 * everything goes through its API and real systemd, checked from the host:
 *   a release with one byte changed and one signed by another key are refused (400) with nothing
 *   changed; a good newer release is uploaded and applied, and a power cut (QMP system_reset)
 *   in the middle of the apply leaves a box that boots and serves, its guard finishing or
 *   undoing the apply; the good release then applies (again, if the cut undid it) and survives
 *   a reboot; a build whose server exits at start is rolled back by itself, with its database.
 * Scenario times are printed (apply, rollback).
 * Run alone: npx -y deno@2.9.6 test -A tests/vm/update_test.ts  (root; qemu-system-x86, debootstrap).
 */
import { join } from "node:path";
import { ensureTestImage } from "../../tools/image.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";
import { flipByte, repacked, resignWithOtherKey } from "../update/_fixture.ts";
import { BROKEN_VERSION, NEW_VERSION, OLD_VERSION, updateReleases } from "../update/_releases.ts";
import { type ExecResult, Vm } from "./_vm.ts";

const NEEDED = ["qemu-system-x86_64", "debootstrap", "mkfs.ext4"];

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of NEEDED) {
    const found = await new Deno.Command("sh", { args: ["-c", `command -v ${tool}`] }).output();
    if (!found.success) missing.push(tool);
  }
  if (Deno.uid() !== 0) missing.push("root (debootstrap, chroot)");
  return missing;
}

/** Polls `read` until `done`; the timeout is a hang guard, never a speed requirement. */
async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  everyMs = 2000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `timed out after ${timeoutMs / 1000} s waiting for ${what}; last: ${
      JSON.stringify(last) ?? String(lastError)
    }`,
  );
}

function ok(result: ExecResult, what: string): string {
  assertEquals(result.code, 0, `${what}: ${result.stdout}${result.stderr}`);
  return result.stdout.trim();
}

const seconds = (sinceMs: number) => `${((performance.now() - sinceMs) / 1000).toFixed(0)} s`;

Deno.test({
  name:
    "VM: updates refuse tampering, survive a power cut mid-apply and a reboot, roll back by themselves",
  async fn(t) {
    const missing = await missingTools();
    if (missing.length > 0) {
      const message = `needs ${missing.join(", ")} (.ci/run installs qemu-system-x86, debootstrap)`;
      if (Deno.env.get("CI")) throw new Error(message);
      console.warn(`SKIPPED: ${message}`);
      return;
    }
    const figures: Record<string, string> = {};
    const [image, releases] = await Promise.all([ensureTestImage(), updateReleases()]);
    const work = await Deno.makeTempDir({ prefix: "openskylab-vm-update-" });
    const share = join(work, "share");
    await Deno.mkdir(share);
    const unxz = await new Deno.Command("sh", {
      args: ["-c", 'xz -dc "$0" >"$1"', releases.tarball(OLD_VERSION), join(share, "release.tar")],
    }).output();
    assert(unxz.success, "xz -d of the release");
    const apiPort = freePort();
    const vm = Vm.boot({
      kernel: image.kernel,
      initrd: image.initrd,
      rootfs: image.rootfs,
      shareDir: share,
      workDir: work,
      httpPort: freePort(),
      apiPort,
    });
    let token = "";
    const call = (method: string, path: string, body?: BodyInit | object, timeoutMs = 30_000) => {
      const raw = body instanceof ReadableStream || body instanceof Uint8Array;
      return fetch(`http://127.0.0.1:${apiPort}/api/v1${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined
            ? {}
            : { "content-type": raw ? "application/octet-stream" : "application/json" }),
        },
        body: body === undefined ? undefined : raw ? body as BodyInit : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    };
    const health = () =>
      call("GET", "/health", undefined, 10_000).then(async (r) => r.ok ? await r.json() : null);
    const status = async () => {
      const r = await call("GET", "/update/status");
      const text = await r.text();
      if (!r.ok) throw new Error(`status ${r.status}: ${text}`);
      return JSON.parse(text);
    };
    const upload = async (path: string) => {
      const file = await Deno.open(path);
      // Verification inside the emulated box unpacks and hashes ~110 MB: minutes under TCG.
      const r = await call("POST", "/update/upload", file.readable, 1_200_000);
      return { status: r.status, body: await r.json() };
    };
    const current = async () => ok(await vm.exec("readlink /opt/openskylab/current"), "readlink");
    const releasesOnBox = async () =>
      ok(await vm.exec("ls /opt/openskylab/releases"), "ls releases").split("\n").sort();
    /** The box answers as `version`, and the last outcome is `result` from `from`. */
    const settled = (version: string, result: string, from: string, timeoutMs: number) =>
      until(
        `${version} serving after "${result}" from ${from}`,
        async () => ({ h: await health(), s: await status() }),
        ({ h, s }) =>
          h?.version === version && s.pending === null && s.last?.result === result &&
          s.last.from === from,
        timeoutMs,
      ).then(({ s }) => s);

    try {
      await t.step("first boot on OLD", async () => {
        await until("health", health, (h) => h !== null, 900_000);
        token = ok(
          await vm.exec(`sed -n 's/^token = "\\(.*\\)"$/\\1/p' /etc/openskylab/config.toml`),
          "the token",
        );
        assertEquals((await health()).version, OLD_VERSION);
        const s = await status();
        assertEquals(s.running.installed, true, JSON.stringify(s.running));
        // A small camera on a random field: the true sky's catalogue takes minutes under TCG.
        const active = await (await call("GET", "/profiles/active")).json();
        const put = await call("PUT", `/profiles/${active.id}`, {
          ...active,
          devices: {
            ...active.devices,
            camera: {
              driver: "sim",
              options: { widthPx: 640, heightPx: 480, readoutMs: 100, sky: "random" },
            },
          },
        });
        assertEquals(put.status, 200, await put.text());
      });

      await t.step(
        "a tampered release (one byte; another key) is refused, nothing changed",
        async () => {
          for (
            const [what, change] of [
              ["one byte", (r: string) => flipByte(r, "app/main.js")],
              ["another key", resignWithOtherKey],
            ] as const
          ) {
            const bad = await repacked(releases.tarball(NEW_VERSION), change);
            try {
              const started = performance.now();
              const r = await upload(bad.path);
              figures[`refused (${what})`] = seconds(started);
              assertEquals(r.status, 400, JSON.stringify(r.body));
              assertMatch(r.body.error.message, /^release: /);
            } finally {
              await bad.cleanup();
            }
            const s = await status();
            assertEquals(s.staged, null);
            assertEquals(await current(), `releases/${OLD_VERSION}`);
            assertEquals(await releasesOnBox(), [OLD_VERSION]);
            const apply = await call("POST", "/update/apply");
            assertEquals(apply.status, 409, await apply.text());
          }
        },
      );

      await t.step("a power cut mid-apply leaves a box that boots and serves", async () => {
        const up = await upload(releases.tarball(NEW_VERSION));
        assertEquals(up.status, 200, JSON.stringify(up.body));
        const accepted = await call("POST", "/update/apply");
        assertEquals(accepted.status, 202, await accepted.text());
        // Cut once the root side is under way (installing, stopping, switching or at the gate).
        const phase = await until(
          "the apply to be under way",
          async () =>
            (await vm.exec(
              'sed -n \'s/.*"phase": "\\(.*\\)".*/\\1/p\' ' +
                "/var/lib/openskylab/update/pending.json 2>/dev/null",
            )).stdout.trim(),
          (p) => p !== "",
          300_000,
          250,
        );
        await vm.qmp("system_reset");
        figures["power cut during"] = phase;
        const after = await until(
          "the box to serve after the cut, the apply finished or undone",
          async () => ({ h: await health(), s: await status() }),
          ({ h, s }) => h !== null && s.pending === null,
          900_000,
        );
        assert([OLD_VERSION, NEW_VERSION].includes(after.h.version), after.h.version);
        figures["after the cut"] = `${after.h.version} (${after.s.last?.result})`;
        assertEquals(await current(), `releases/${after.h.version}`);
      });

      await t.step("a good newer release applies and survives a reboot", async () => {
        if ((await health()).version !== NEW_VERSION) {
          const up = await upload(releases.tarball(NEW_VERSION));
          assertEquals(up.status, 200, JSON.stringify(up.body));
          const started = performance.now();
          assertEquals((await call("POST", "/update/apply")).status, 202);
          await settled(NEW_VERSION, "applied", OLD_VERSION, 900_000);
          figures.apply = seconds(started);
        }
        assertEquals((await status()).previous, OLD_VERSION);
        const reboot = await call("POST", "/system/reboot");
        assertEquals(reboot.status, 202);
        await until("the box to go down", health, (h) => h === null, 300_000, 1000)
          .catch(() => {});
        const back = await until("health after the reboot", health, (h) => h !== null, 900_000);
        assertEquals(back.version, NEW_VERSION);
        assertEquals(await current(), `releases/${NEW_VERSION}`);
      });

      await t.step("a release that fails its health gate rolls back by itself", async () => {
        const up = await upload(releases.tarball(BROKEN_VERSION));
        assertEquals(up.status, 200, JSON.stringify(up.body));
        const started = performance.now();
        assertEquals((await call("POST", "/update/apply")).status, 202);
        // The unit's deadline is 300 s for a verdict; then the guard rolls back.
        const s = await settled(NEW_VERSION, "rolled_back", BROKEN_VERSION, 1_200_000);
        figures.rollback = seconds(started);
        assertMatch(s.last.reason, /did not confirm itself within 300 s/);
        assertEquals(await current(), `releases/${NEW_VERSION}`);
        const journal = ok(
          await vm.exec("journalctl -u openskylab -o cat --no-pager | grep -c 'a broken build'"),
          "the broken build's runs",
        );
        assert(Number(journal) >= 1, journal);
      });
      console.log(
        `vm update: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" ")}`,
      );
    } catch (err) {
      const log = await Deno.readTextFile(vm.consoleLog).catch(() => "");
      const units = await vm.exec(
        "journalctl -u openskylab-update -u openskylab-update-guard -u openskylab-rollback " +
          "-o cat --no-pager | tail -n 60",
        30_000,
      ).catch(() => null);
      console.error(`console tail:\n${log.slice(-3000)}\nunits:\n${units?.stdout ?? ""}`);
      throw err;
    } finally {
      await vm[Symbol.asyncDispose]();
      await Deno.remove(work, { recursive: true }).catch(() => {});
    }
  },
});
