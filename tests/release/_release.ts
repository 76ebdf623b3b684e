/**
 * The release under test, built once per source state: `deno task release`'s own code
 * (buildReleases) into the build cache, keyed on a hash of everything that goes into a release,
 * so the release test and the VM test (parallel test files) share one build and a rerun with no
 * change reuses it. Test builds use xz level 1 (the level changes the tarball's size, not its
 * contents); the test key is stable per build, so the same public key signs both arches.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReleaseArch } from "../../core/system/release_format.ts";
import { buildCacheDir, hashTree, withLock } from "../../tools/build_cache.ts";
import { buildReleases } from "../../tools/release.ts";

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Everything a release is built from. */
export const RELEASE_INPUTS = [
  "main.ts",
  "deno.json",
  "deno.lock",
  "lib",
  "core",
  "devices",
  "routes",
  "cli",
  "web",
  "tools/release.ts",
  "tools/release",
];

export const TEST_VERSION = "0.0.0-test";

export interface TestReleases {
  dir: string;
  tarball(arch: ReleaseArch): string;
  /** Seconds the build took (0 when cached). */
  buildSeconds: number;
}

export async function testReleases(): Promise<TestReleases> {
  const cache = buildCacheDir();
  const key = (await hashTree(REPO_DIR, RELEASE_INPUTS)).slice(0, 16);
  const dir = join(cache, "test-releases", key);
  await Deno.mkdir(join(cache, "test-releases"), { recursive: true });
  const tarball = (arch: ReleaseArch) =>
    join(dir, `openskylab-${TEST_VERSION}-linux-${arch}.tar.xz`);
  return await withLock(`${dir}.lock`, async () => {
    if (await Deno.stat(join(dir, "release-key.pem")).then(() => true, () => false)) {
      return { dir, tarball, buildSeconds: 0 };
    }
    const started = performance.now();
    const part = `${dir}.part`;
    await Deno.remove(part, { recursive: true }).catch(() => {});
    await buildReleases({
      arches: ["x86_64", "aarch64"],
      outDir: part,
      version: TEST_VERSION,
      xzLevel: 1,
      cacheDir: cache,
      // No signing key from the environment: a throwaway key, as a developer's build has.
      env: { HOME: Deno.env.get("HOME"), PATH: Deno.env.get("PATH") },
      log: (line) => console.error(`test release: ${line}`),
    });
    await Deno.rename(part, dir);
    // Releases of older source states are of no further use.
    for await (const entry of Deno.readDir(join(cache, "test-releases"))) {
      if (entry.isDirectory && entry.name !== key && !entry.name.endsWith(".part")) {
        await Deno.remove(join(cache, "test-releases", entry.name), { recursive: true })
          .catch(() => {});
      }
    }
    return { dir, tarball, buildSeconds: (performance.now() - started) / 1000 };
  });
}

/** Unpacks `tarball` into a new temporary folder; returns the release's own folder in it. */
export async function unpack(tarball: string): Promise<{ root: string; release: string }> {
  const root = await Deno.makeTempDir({ prefix: "openskylab-release-" });
  const out = await new Deno.Command("tar", { args: ["-xJf", tarball, "-C", root] }).output();
  if (!out.success) throw new Error(`tar -xJf ${tarball} failed`);
  const [entry] = await Array.fromAsync(Deno.readDir(root));
  return { root, release: join(root, entry!.name) };
}
