/**
 * The whole apply → health gate → rollback state machine on a real directory layout with real
 * releases: OLD installed by the image's install-release into <root>/opt/openskylab, run as the
 * box runs it (the release's own launcher, config and data dir), updated through its own API.
 * The units' work is done by the image's update-release; systemd itself cannot run here, so a
 * small service manager on PATH (_systemctl.sh) starts and stops what the unit files name — the
 * VM test runs the same flow under real systemd. Scenarios, in one box: a good release applies
 * and its database backup is taken; a build whose server exits at start is rolled back by the
 * guard's deadline by itself, to NEW with NEW's database; a rollback by hand after that failed
 * update still brings OLD and its database back; an apply cut before the switch is dropped at the
 * next "boot", one cut after it waits for the gate again.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { freePort } from "../bench/_util.ts";
import { REPO_DIR } from "../release/_release.ts";
import { BROKEN_VERSION, NEW_VERSION, OLD_VERSION, updateReleases } from "./_releases.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const FILES = join(REPO_DIR, "image/stage-openskylab/01-release/files");
/** The guard's deadline for a new release's verdict (the unit says 300 s). */
const GATE_DEADLINE_S = 90;
/** Hang guard for one scenario step: a box under load starts slowly, never this slowly. */
const STEP_MS = 240_000;

interface Box {
  root: string;
  data: string;
  port: number;
  env: Record<string, string>;
  api(method: string, path: string, body?: BodyInit | object): Promise<Response>;
  sh(args: string[]): Promise<{ code: number; out: string }>;
}

async function layBox(): Promise<Box> {
  const releases = await updateReleases();
  const root = await Deno.makeTempDir({ prefix: "openskylab-box-" });
  const data = join(root, "var/lib/openskylab");
  const bin = join(root, "test-bin");
  await Deno.mkdir(data, { recursive: true });
  await Deno.mkdir(bin, { recursive: true });
  await Deno.symlink(join(HERE, "_systemctl.sh"), join(bin, "systemctl"));
  const port = freePort();
  const config = join(root, "etc/openskylab/config.toml");
  await Deno.mkdir(dirname(config), { recursive: true });
  await Deno.writeTextFile(
    config,
    [
      `[server]\nport = ${port}\nhostname = "127.0.0.1"\nextra_ports = []`,
      `[alpaca]\nport = ${freePort()}`,
      `[update]\ninstall_dir = "${root}/opt/openskylab"\ngate_timeout_s = 60`,
      "",
    ].join("\n"),
  );
  const env = {
    PATH: `${bin}:${Deno.env.get("PATH")}`,
    HOME: root,
    XDG_CACHE_HOME: join(root, "cache"),
    OSL_ROOT: root,
    OSL_CONFIG: config,
    OSL_DATA: data,
    OSL_UPDATE_RELEASE: join(FILES, "update-release"),
    OPENSKYLAB_GATE_DEADLINE_S: String(GATE_DEADLINE_S),
  };
  const sh = async (args: string[]) => {
    const out = await new Deno.Command(args[0]!, {
      args: args.slice(1),
      env,
      stdin: "null",
    }).output();
    const text = new TextDecoder();
    return { code: out.code, out: text.decode(out.stdout) + text.decode(out.stderr) };
  };
  const installed = await sh([
    join(FILES, "install-release"),
    "--root",
    root,
    releases.tarball(OLD_VERSION),
  ]);
  assertEquals(installed.code, 0, installed.out);
  const api = (method: string, path: string, body?: BodyInit | object) =>
    fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
      method,
      body: body === undefined || body instanceof ReadableStream || body instanceof Uint8Array
        ? body as BodyInit | undefined
        : JSON.stringify(body),
      headers: body instanceof ReadableStream || body instanceof Uint8Array
        ? { "content-type": "application/octet-stream" }
        : { "content-type": "application/json" },
    });
  return { root, data, port, env, api, sh };
}

/** Polls `probe` until it returns a value; fails with the box's logs at the hang guard. */
async function until<T>(box: Box, what: string, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + STEP_MS;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
  const logs = await Promise.all(
    ["service.log", "update.log"].map((f) =>
      Deno.readTextFile(join(box.root, f)).then((t) => `--- ${f}\n${t.slice(-4000)}`, () => "")
    ),
  );
  throw new Error(`timed out waiting for ${what}\n${logs.join("\n")}`);
}

async function healthVersion(box: Box): Promise<string | null> {
  const r = await box.api("GET", "/health");
  if (!r.ok) {
    await r.body?.cancel();
    return null;
  }
  return (await r.json()).version;
}

async function status(box: Box) {
  const r = await box.api("GET", "/update/status");
  assertEquals(r.status, 200);
  return await r.json();
}

/** Waits until the box answers as `version` with `last` = `result` from `from`. */
async function settled(box: Box, version: string, result: string, from: string) {
  return await until(box, `${version} running after "${result}" from ${from}`, async () => {
    if (await healthVersion(box) !== version) return null;
    const s = await status(box);
    return s.last?.result === result && s.last.from === from && s.pending === null ? s : null;
  });
}

async function upload(box: Box, version: string) {
  const releases = await updateReleases();
  const file = await Deno.open(releases.tarball(version));
  const r = await box.api("POST", "/update/upload", file.readable);
  const body = await r.json();
  assertEquals(r.status, 200, JSON.stringify(body));
  assertEquals(body.staged.version, version);
}

const readLink = (box: Box) => Deno.readLink(join(box.root, "opt/openskylab/current"));

Deno.test({
  name: "update on a real layout: apply + gate, a broken build rolled back by itself, then by hand",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const box = await layBox();
    const times: string[] = [];
    try {
      assertEquals((await box.sh(["systemctl", "start", "openskylab.service"])).code, 0);
      await until(
        box,
        "OLD to answer",
        async () => await healthVersion(box) === OLD_VERSION ? true : null,
      );
      const before = await status(box);
      assertEquals(before.running, {
        version: OLD_VERSION,
        kind: "release",
        installed: true,
        reason: null,
      });

      // A good release: uploaded, applied, healthy, confirmed.
      await upload(box, NEW_VERSION);
      let started = performance.now();
      const accepted = await box.api("POST", "/update/apply");
      assertEquals(accepted.status, 202, await accepted.text());
      const applied = await settled(box, NEW_VERSION, "applied", OLD_VERSION);
      times.push(`apply ${((performance.now() - started) / 1000).toFixed(1)} s`);
      assertEquals(applied.last.from, OLD_VERSION);
      assertEquals(applied.previous, OLD_VERSION);
      assertEquals(await readLink(box), `releases/${NEW_VERSION}`);
      const oldBackup = join(box.data, "update/backups", OLD_VERSION);
      assertEquals((await Deno.readTextFile(join(oldBackup, "version"))).trim(), OLD_VERSION);
      assert((await Deno.stat(join(oldBackup, "openskylab.db"))).isFile);

      // Something recorded under NEW.
      const profiles = await (await box.api("GET", "/profiles")).json();
      const one = (Array.isArray(profiles) ? profiles : profiles.profiles)[0];
      const made = await box.api("POST", "/profiles", {
        name: "made under NEW",
        site: one.site,
        optics: one.optics,
      });
      assertEquals(made.status, 201, await made.text());
      const profileNames = async () =>
        JSON.stringify(await (await box.api("GET", "/profiles")).json());

      // A build whose server exits at start: no verdict, so the guard rolls back by itself, to
      // NEW with NEW's database.
      await upload(box, BROKEN_VERSION);
      started = performance.now();
      assertEquals((await box.api("POST", "/update/apply")).status, 202);
      const failed = await settled(box, NEW_VERSION, "rolled_back", BROKEN_VERSION);
      times.push(`broken build rolled back ${((performance.now() - started) / 1000).toFixed(1)} s`);
      assertEquals(failed.last.to, NEW_VERSION);
      assertMatch(
        failed.last.reason,
        new RegExp(`did not confirm itself within ${GATE_DEADLINE_S} s`),
      );
      assertMatch(await Deno.readTextFile(join(box.root, "service.log")), /a broken build/);
      assertEquals(await readLink(box), `releases/${NEW_VERSION}`);
      assert((await profileNames()).includes("made under NEW"), "NEW's database is back");
      // The failed update did not take away the way back to the release before NEW.
      assertEquals(failed.previous, OLD_VERSION);

      // A rollback by hand: OLD and its database (from before NEW migrated it) come back.
      started = performance.now();
      const back = await box.api("POST", "/update/rollback");
      assertEquals(back.status, 202, await back.text());
      const rolled = await settled(box, OLD_VERSION, "rolled_back", NEW_VERSION);
      times.push(`rollback by hand ${((performance.now() - started) / 1000).toFixed(1)} s`);
      assertEquals(rolled.last.reason, "rolled back by hand");
      assertEquals(rolled.previous, null);
      assertEquals(await readLink(box), `releases/${OLD_VERSION}`);
      assert(!(await profileNames()).includes("made under NEW"), "OLD's database is back");
      assert((await Deno.stat(join(box.data, `update/db-of-${NEW_VERSION}/openskylab.db`))).isFile);
      const again = await box.api("POST", "/update/rollback");
      assertEquals(again.status, 409, await again.text());
      console.log(`update host scenario: ${times.join(", ")}`);
    } finally {
      await box.sh(["systemctl", "stop", "openskylab.service"]);
      const update = await Deno.readTextFile(join(box.root, "run/update.pid")).catch(() => null);
      if (update) {
        try {
          Deno.kill(Number(update), "SIGKILL");
        } catch { /* ended */ }
      }
      await Deno.remove(box.root, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "update guard at boot: cut before the switch is dropped; cut after it waits for the gate",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const box = await layBox();
    const releases = await updateReleases();
    const guard = () => box.sh([join(FILES, "update-release"), "--root", box.root, "guard"]);
    const pending = (phase: string) =>
      Deno.writeTextFile(
        join(box.data, "update/pending.json"),
        JSON.stringify({ from: OLD_VERSION, to: NEW_VERSION, phase }, null, 2) + "\n",
      );
    try {
      await Deno.mkdir(join(box.data, "update"), { recursive: true });
      // Power cut while installing: NEW half-copied, current still OLD.
      const half = join(box.root, "opt/openskylab/releases", NEW_VERSION);
      await Deno.mkdir(half, { recursive: true });
      const staging = join(box.root, "opt/openskylab/releases", ".incoming.cut");
      await Deno.mkdir(join(staging, "release"), { recursive: true });
      await pending("installing");
      const dropped = await guard();
      assertEquals(dropped.code, 0, dropped.out);
      const last = JSON.parse(await Deno.readTextFile(join(box.data, "update/last.json")));
      assertEquals(last.result, "aborted");
      assertMatch(last.reason, /interrupted before the switch \(while installing\)/);
      assertEquals(await readLink(box), `releases/${OLD_VERSION}`);
      assert(
        !await Deno.stat(half).then(() => true, () => false),
        "the half-installed release is gone",
      );
      assert(!await Deno.stat(staging).then(() => true, () => false), "its staging folder too");
      await until(
        box,
        "OLD to answer",
        async () => await healthVersion(box) === OLD_VERSION ? true : null,
      );
      await box.sh(["systemctl", "stop", "openskylab.service"]);

      // Power cut after the switch, before the verdict: the gate is waited for again and passes.
      const installed = await box.sh([
        join(FILES, "install-release"),
        "--root",
        box.root,
        releases.tarball(NEW_VERSION),
      ]);
      assertEquals(installed.code, 0, installed.out);
      await pending("switching");
      const confirmed = await guard();
      assertEquals(confirmed.code, 0, confirmed.out);
      const s = await settled(box, NEW_VERSION, "applied", OLD_VERSION);
      assertEquals(s.last.from, OLD_VERSION);
    } finally {
      await box.sh(["systemctl", "stop", "openskylab.service"]);
      await Deno.remove(box.root, { recursive: true }).catch(() => {});
    }
  },
});
