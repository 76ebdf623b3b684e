/**
 * The image's scripts and units, checked without booting: shellcheck over every shell script the
 * image and the release carry; the pi-gen stage laid out as pi-gen reads it (a run script that is
 * not executable is skipped silently by pi-gen, so that is an error here); the units verified by
 * systemd-analyze against an installed tree, and their sandbox scored offline.
 */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { REPO_DIR } from "../release/_release.ts";

const STAGE = join(REPO_DIR, "image/stage-openskylab");

async function run(cmd: string, args: string[], cwd = REPO_DIR) {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function have(tool: string): Promise<boolean> {
  return (await run("sh", ["-c", `command -v ${tool}`])).code === 0;
}

/** In CI a missing checker fails the test; elsewhere it is reported and the check skipped. */
async function requireTool(tool: string, pkg: string): Promise<boolean> {
  if (await have(tool)) return true;
  const message = `${tool} is missing (apt-get install ${pkg})`;
  if (Deno.env.get("CI")) throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
  return false;
}

async function shellScripts(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(join(REPO_DIR, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else {
        const head = (await Deno.readTextFile(join(REPO_DIR, path))).slice(0, 32);
        if (/^#!\/bin\/(ba)?sh/.test(head)) found.push(path);
      }
    }
  };
  await walk("image");
  await walk("tools/release");
  return found.sort();
}

Deno.test("shellcheck: every script of the image and the release is clean", async () => {
  if (!await requireTool("shellcheck", "shellcheck")) return;
  const scripts = await shellScripts();
  for (
    const expected of [
      "image/build_debian.sh",
      "image/stage-openskylab/01-release/files/install-release",
      "image/stage-openskylab/01-release/files/update-release",
      "image/stage-openskylab/02-system/files/first-boot",
      "image/stage-openskylab/02-system/files/wifi-scan",
      "tools/release/launcher.sh",
    ]
  ) assert(scripts.includes(expected), `${expected} is checked`);
  const result = await run("shellcheck", ["--external-sources", ...scripts]);
  assertEquals(result.code, 0, result.stdout + result.stderr);
});

Deno.test("the pi-gen stage: executable run scripts, package lists, an exported image", async () => {
  assert((await Deno.stat(join(STAGE, "prerun.sh"))).mode! & 0o100, "prerun.sh is executable");
  assertMatch(await Deno.readTextFile(join(STAGE, "EXPORT_IMAGE")), /^IMG_SUFFIX=/m);
  const runScripts: string[] = [];
  for await (const sub of Deno.readDir(STAGE)) {
    if (!sub.isDirectory) continue;
    assertMatch(sub.name, /^\d\d-[a-z0-9-]+$/, "sub-stages are NN-name");
    for await (const entry of Deno.readDir(join(STAGE, sub.name))) {
      const path = join(STAGE, sub.name, entry.name);
      if (/^\d\d-run\.sh$/.test(entry.name)) {
        runScripts.push(`${sub.name}/${entry.name}`);
        assert((await Deno.stat(path)).mode! & 0o100, `${sub.name}/${entry.name} is executable`);
      }
      if (/^\d\d-packages(-nr)?$/.test(entry.name)) {
        const names = (await Deno.readTextFile(path)).replace(/#.*/g, "").trim();
        assert(names.length > 0, `${entry.name} names packages`);
      }
    }
  }
  assert(runScripts.length >= 3, `run scripts: ${runScripts.join(", ")}`);
});

Deno.test("systemd units verify against an installed tree; the service's sandbox is scored", async () => {
  if (!await requireTool("systemd-analyze", "systemd")) return;
  const root = await Deno.makeTempDir({ prefix: "openskylab-units-" });
  try {
    // What the image installs: the units, their executables, and systemd's own units.
    const units = join(root, "usr/lib/systemd/system");
    await Deno.mkdir(units, { recursive: true });
    const copy = await run("cp", ["-a", "/lib/systemd/system/.", units]);
    assertEquals(copy.code, 0, copy.stderr);
    const ours = [
      "openskylab.service",
      "openskylab-firstboot.service",
      "openskylab-wifi-scan@.service",
      "openskylab-update.service",
      "openskylab-rollback.service",
      "openskylab-update-guard.service",
    ];
    for (const name of ours) {
      await Deno.copyFile(join(REPO_DIR, "systemd", name), join(units, name));
    }
    for (
      const exe of [
        "opt/openskylab/current/bin/openskylab",
        "usr/lib/openskylab/first-boot",
        "usr/lib/openskylab/wifi-scan",
        "usr/lib/openskylab/update-release",
      ]
    ) {
      await Deno.mkdir(join(root, exe, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, exe), "#!/bin/sh\n");
      await Deno.chmod(join(root, exe), 0o755);
    }
    const verify = await run("systemd-analyze", [
      "verify",
      `--root=${root}`,
      // A template is verified as one of its instances.
      ...ours.map((name) => name.replace("@.service", "@wlan0.service")),
    ]);
    assertEquals(verify.code, 0, verify.stdout + verify.stderr);

    const security = await run("systemd-analyze", [
      "security",
      "--offline=true",
      "--no-pager",
      join(REPO_DIR, "systemd/openskylab.service"),
    ]);
    const overall = /Overall exposure level for openskylab\.service: ([\d.]+) (\w+)/.exec(
      security.stdout,
    );
    assert(overall, security.stdout + security.stderr);
    console.log(`bench unit-security: exposure=${overall[1]} verdict=${overall[2]}`);
    assert(Number(overall[1]) <= 3.5, `exposure ${overall[1]} should stay "OK" or better`);
    // The settings the box depends on stay, whatever else changes.
    const unit = await Deno.readTextFile(join(REPO_DIR, "systemd/openskylab.service"));
    for (
      const line of [
        "Type=notify",
        "WatchdogSec=",
        "Restart=on-failure",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "ProtectHome=yes",
        "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_SYS_TIME",
        "StateDirectory=openskylab",
        "CacheDirectory=openskylab",
        "ConfigurationDirectory=openskylab",
      ]
    ) assert(unit.includes(`\n${line}`), `the unit has ${line}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
