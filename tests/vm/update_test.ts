/**
 * Over-the-air updates in the booted box: the test image (tools/image.ts, the same as the VM
 * test's) under qemu starts on OLD, a real release signed with the update tests' key, and
 * everything goes through its API and real systemd, checked from the host. Two boots:
 *   1. a release with one byte changed and one signed by another key are refused (400) with
 *      nothing changed; NEW is uploaded and applied: installed beside OLD, the box restarts into
 *      it, its health gate passes and the update is confirmed;
 *   2. BROKEN (a real build whose server exits at start) is uploaded and applied, and the power
 *      is cut (QMP system_reset) in the middle of the apply: the box boots and serves, its guard
 *      finishing or undoing the apply, and NEW survives (the power cut is the harsher reboot:
 *      nothing is flushed or stopped first);
 *   3. BROKEN applied again fails its health gate (it exits at every start) and the box rolls
 *      back to NEW and NEW's database by itself, still offering a rollback by hand to OLD.
 * A `bench vm-update:` line gives each scenario's time (boot, refusals, upload, apply, cut,
 * rollback) and the total. Timeouts are hang guards, never speed requirements.
 * Run alone (root; qemu-system-x86, debootstrap):
 *   OPENSKYLAB_BUILD_CACHE=<dir> CI=true npx -y deno@2.9.6 test -A tests/vm/update_test.ts
 */
import { ensureTestImage } from "../../tools/image.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { flipByte, repacked, resignWithOtherKey } from "../update/_fixture.ts";
import { BROKEN_VERSION, NEW_VERSION, OLD_VERSION, updateReleases } from "../update/_releases.ts";
import { bootTestBox, ok, SMALL_SIM_CAMERA, until, vmTestCanRun } from "./_vm.ts";

Deno.test({
  name:
    "VM: updates refuse tampering, apply, survive a power cut mid-apply, roll back by themselves",
  async fn(t) {
    if (!(await vmTestCanRun())) return;
    const started = performance.now();
    const figures: Record<string, string> = {};
    const since = (ms: number) => ((performance.now() - ms) / 1000).toFixed(0);
    /** Times `step` into figures[name] (seconds). */
    const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
      const at = performance.now();
      const result = await step();
      figures[name] = since(at);
      return result;
    };

    const [image, releases] = await timed(
      "prepare",
      () => Promise.all([ensureTestImage(), updateReleases()]),
    );
    if (releases.buildSeconds > 0) figures.releases_built = releases.buildSeconds.toFixed(0);
    // The image installs OLD at first boot (the box's own xz runs in the uploads below).
    const { vm, work, apiPort } = await bootTestBox({
      image,
      releaseTarball: releases.tarball(OLD_VERSION),
      prefix: "openskylab-vm-update-",
    });
    const booted = performance.now();
    // The tampered releases are packed on the host while the box boots.
    const tampered = Promise.all([
      repacked(releases.tarball(NEW_VERSION), (r) => flipByte(r, "app/main.js")),
      repacked(releases.tarball(NEW_VERSION), resignWithOtherKey),
    ]);
    tampered.catch(() => {}); // awaited in its step; a failure there is reported there
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
      // The box decompresses (xz) and hashes the release as it unpacks: a minute or more
      // under TCG for a good one.
      const r = await call("POST", "/update/upload", file.readable, 1_200_000);
      return { status: r.status, body: await r.json() };
    };
    const apply = async () => {
      const r = await call("POST", "/update/apply");
      assertEquals(r.status, 202, await r.text());
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
        figures.boot = since(booted);
        token = ok(
          await vm.exec(`sed -n 's/^token = "\\(.*\\)"$/\\1/p' /etc/openskylab/config.toml`),
          "the token",
        );
        assertEquals((await health()).version, OLD_VERSION);
        const s = await status();
        assertEquals(s.running.installed, true, JSON.stringify(s.running));
        // A small camera on a random field: the true sky's catalogue takes minutes under TCG,
        // and every release's health gate waits for the profile's devices.
        const active = await (await call("GET", "/profiles/active")).json();
        const put = await call("PUT", `/profiles/${active.id}`, {
          ...active,
          devices: {
            ...active.devices,
            camera: SMALL_SIM_CAMERA,
          },
        });
        assertEquals(put.status, 200, await put.text());
      });

      await t.step(
        "a tampered release (one byte; another key) is refused, nothing changed",
        async () => {
          const [oneByte, otherKey] = await tampered;
          for (
            const [what, bad, reason] of [
              ["one_byte", oneByte, /app\/main\.js does not match its sha256/],
              ["other_key", otherKey, /MANIFEST\.sig is not a signature of MANIFEST/],
            ] as const
          ) {
            try {
              const r = await timed(`refused_${what}`, () => upload(bad.path));
              assertEquals(r.status, 400, JSON.stringify(r.body));
              assertMatch(r.body.error.message, /^release: /);
              assertMatch(r.body.error.message, reason);
            } finally {
              await bad.cleanup();
            }
            const s = await status();
            assertEquals(s.staged, null);
            assertEquals(await current(), `releases/${OLD_VERSION}`);
            assertEquals(await releasesOnBox(), [OLD_VERSION]);
            assertEquals(
              ok(await vm.exec("ls -A /var/lib/openskylab/update/incoming"), "incoming"),
              "",
            );
            const refused = await call("POST", "/update/apply");
            assertEquals(refused.status, 409, await refused.text());
          }
        },
      );

      await t.step(
        "a good release applies: installed beside, restarted into, confirmed",
        async () => {
          const up = await timed("upload", () => upload(releases.tarball(NEW_VERSION)));
          assertEquals(up.status, 200, JSON.stringify(up.body));
          assertEquals(up.body.staged.version, NEW_VERSION);
          const s = await timed("apply", async () => {
            await apply();
            return await settled(NEW_VERSION, "applied", OLD_VERSION, 900_000);
          });
          assertEquals(s.previous, OLD_VERSION);
          assertEquals(await current(), `releases/${NEW_VERSION}`);
          assertEquals(await releasesOnBox(), [OLD_VERSION, NEW_VERSION].sort());
          // OLD's database as OLD left it, for a rollback to OLD.
          ok(
            await vm.exec(
              `test -f /var/lib/openskylab/update/backups/${OLD_VERSION}/openskylab.db`,
            ),
            "OLD's database backup",
          );
        },
      );

      await t.step("a power cut mid-apply: the box boots and serves, NEW survives", async () => {
        const up = await timed("upload_broken", () => upload(releases.tarball(BROKEN_VERSION)));
        assertEquals(up.status, 200, JSON.stringify(up.body));
        await apply();
        // Cut once the root side is under way (installing, stopping, switching or at the gate)
        // and has recorded it: while installing, once the copy has begun (the record is on disk
        // before install-release starts; a cut before that leaves nothing to finish or undo).
        const phase = await until(
          "the apply to be under way",
          async () =>
            (await vm.exec(
              'p=$(sed -n \'s/.*"phase": "\\(.*\\)".*/\\1/p\' ' +
                "/var/lib/openskylab/update/pending.json 2>/dev/null); " +
                'if [ "$p" = installing ] && ! ls -d /opt/openskylab/releases/.incoming.* ' +
                `>/dev/null 2>&1 && [ ! -d /opt/openskylab/releases/${BROKEN_VERSION} ]; ` +
                "then p=; fi; " +
                'echo "$p"',
            )).stdout.trim(),
          (p) => p !== "",
          300_000,
          250,
        );
        await vm.qmp("system_reset");
        const cut = performance.now();
        figures.cut_during = phase;
        const after = await until(
          "the box to serve after the cut, the apply finished or undone",
          async () => ({ h: await health(), s: await status() }),
          ({ h, s }) => h !== null && s.pending === null,
          900_000,
        );
        figures.boot_after_cut = since(cut);
        // Undone before the switch, or rolled back after it (BROKEN never confirms itself).
        assertEquals(after.h.version, NEW_VERSION, JSON.stringify(after.s.last));
        assertEquals(await current(), `releases/${NEW_VERSION}`);
        figures.cut_outcome = after.s.last.result;
        assert(["aborted", "rolled_back"].includes(after.s.last.result), after.s.last.result);
        assertEquals(after.s.previous, OLD_VERSION);
        ok(await vm.exec("test ! -e /var/lib/openskylab/update/pending.json"), "no pending");
        ok(await vm.exec("! ls -d /opt/openskylab/releases/.incoming.*"), "no half-copied release");
      });

      await t.step("a release that fails its health gate rolls back by itself", async () => {
        // Something recorded under NEW, which must come back with NEW's database.
        const site = await (await call("GET", "/profiles/active")).json();
        const made = await call("POST", "/profiles", {
          name: "made under NEW",
          site: site.site,
          optics: site.optics,
        });
        assertEquals(made.status, 201, await made.text());
        if ((await status()).staged?.version !== BROKEN_VERSION) {
          // The cut came after the switch: the apply had used up the staged release.
          const up = await upload(releases.tarball(BROKEN_VERSION));
          assertEquals(up.status, 200, JSON.stringify(up.body));
        }
        const s = await timed("rollback", async () => {
          await apply();
          return await settled(NEW_VERSION, "rolled_back", BROKEN_VERSION, 1_200_000);
        });
        // It exits at every start: rolled back after its third exit, not at the deadline.
        assertMatch(s.last.reason, /exited \d+ times before confirming itself/);
        assertEquals(await current(), `releases/${NEW_VERSION}`);
        assertEquals(s.previous, OLD_VERSION);
        const profiles = JSON.stringify(await (await call("GET", "/profiles")).json());
        assert(profiles.includes("made under NEW"), "NEW's database is back");
        const runs = ok(
          await vm.exec("journalctl -u openskylab -o cat --no-pager | grep -c 'a broken build'"),
          "the broken build's runs",
        );
        assert(Number(runs) >= 3, runs);
      });
    } catch (err) {
      const log = await Deno.readTextFile(vm.consoleLog).catch(() => "");
      const units = await vm.exec(
        "journalctl -u openskylab-update -u openskylab-update-guard -u openskylab-rollback " +
          "-o short-monotonic --no-pager | tail -n 60",
        30_000,
      ).catch(() => null);
      console.error(`console tail:\n${log.slice(-3000)}\nunits:\n${units?.stdout ?? ""}`);
      throw err;
    } finally {
      await vm[Symbol.asyncDispose]();
      await tampered.then((all) => Promise.all(all.map((b) => b.cleanup().catch(() => {}))))
        .catch(() => {});
      await Deno.remove(work, { recursive: true }).catch(() => {});
      figures.total = since(started);
      console.log(
        `bench vm-update: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join("  ")}` +
          "  (seconds; cut_during: the apply's phase at the power cut)",
      );
    }
  },
});
