/**
 * The releases the update tests install, apply and roll back: real x86_64 releases built by
 * `deno task release` (tools/release.ts, run as a program) from this tree, signed with one test
 * key kept in the build cache (made once with openssl, never in git), under three versions —
 * OLD, the box before the update; NEW, the good update; BROKEN, a real build of a temporary copy
 * of this tree whose server exits at start (a broken build, not a hook in the product). Cached
 * under a hash of the release inputs, so a rerun with no change reuses them.
 */
import { join } from "node:path";
import { buildCacheDir, hashTree, withLock } from "../../tools/build_cache.ts";
import { RELEASE_INPUTS, REPO_DIR } from "../release/_release.ts";

export const OLD_VERSION = "0.9.0-ota.1";
export const NEW_VERSION = "0.9.0-ota.2";
export const BROKEN_VERSION = "0.9.0-ota.3";

export interface UpdateReleases {
  dir: string;
  keyFile: string;
  tarball(version: string): string;
  descriptor(version: string): string;
  buildSeconds: number;
}

const name = (version: string) => `openskylab-${version}-linux-x86_64`;

export async function updateReleases(): Promise<UpdateReleases> {
  const cache = buildCacheDir();
  const keyFile = join(cache, "update-test", "release.key");
  await Deno.mkdir(join(cache, "update-test"), { recursive: true });
  await withLock(`${keyFile}.lock`, async () => {
    if (await exists(keyFile)) return;
    await run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", `${keyFile}.part`]);
    await Deno.rename(`${keyFile}.part`, keyFile);
  });
  const key = (await hashTree(REPO_DIR, RELEASE_INPUTS)).slice(0, 16);
  const dir = join(cache, "update-test", key);
  const result = (buildSeconds: number): UpdateReleases => ({
    dir,
    keyFile,
    tarball: (v) => join(dir, `${name(v)}.tar.xz`),
    descriptor: (v) => join(dir, `${name(v)}.json`),
    buildSeconds,
  });
  return await withLock(`${dir}.lock`, async () => {
    if (await exists(join(dir, "done"))) return result(0);
    const started = performance.now();
    await Deno.mkdir(dir, { recursive: true });
    const broken = await brokenTree();
    try {
      // One at a time: two builds of one tree step on each other's scratch files.
      await build(REPO_DIR, OLD_VERSION, dir, keyFile, cache);
      await build(REPO_DIR, NEW_VERSION, dir, keyFile, cache);
      await build(broken, BROKEN_VERSION, dir, keyFile, cache);
    } finally {
      await Deno.remove(broken, { recursive: true }).catch(() => {});
    }
    await Deno.writeTextFile(join(dir, "done"), "");
    for await (const entry of Deno.readDir(join(cache, "update-test"))) {
      if (entry.isDirectory && entry.name !== key) {
        await Deno.remove(join(cache, "update-test", entry.name), { recursive: true })
          .catch(() => {});
      }
    }
    return result((performance.now() - started) / 1000);
  });
}

async function build(tree: string, version: string, out: string, keyFile: string, cache: string) {
  await run(Deno.execPath(), [
    "run",
    "--allow-all",
    join(tree, "tools", "release.ts"),
    "--arch",
    "x86_64",
    "--out",
    out,
    "--version",
    version,
    "--key",
    keyFile,
    "--xz-level",
    "0",
    "--cache",
    cache,
  ], tree);
}

/** A copy of the tree (tracked files and new ones git does not ignore) whose server exits with status 3 as it starts. */
async function brokenTree(): Promise<string> {
  const copy = await Deno.makeTempDir({ prefix: "openskylab-broken-" });
  const files =
    (await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO_DIR))
      .split("\0").filter((f) => f);
  for (const file of files) {
    const info = await Deno.lstat(join(REPO_DIR, file)).catch(() => null);
    if (!info?.isFile) continue;
    await Deno.mkdir(join(copy, file, ".."), { recursive: true });
    await Deno.copyFile(join(REPO_DIR, file), join(copy, file));
  }
  const server = join(copy, "cli", "server.ts");
  const text = await Deno.readTextFile(server);
  const start = "export async function startServer(o: ServerOptions): Promise<RunningServer> {";
  if (!text.includes(start)) throw new Error(`cli/server.ts no longer has "${start}"`);
  await Deno.writeTextFile(
    server,
    text.replace(start, `${start}\n  console.error("a broken build");\n  Deno.exit(3);`),
  );
  return copy;
}

async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdin: "null" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed:\n${new TextDecoder().decode(out.stderr).slice(-3000)}`,
    );
  }
  return text;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
