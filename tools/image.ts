/**
 * `deno task image`: builds the box's images.
 *
 *   deno task image [--arch amd64|arm64]
 *     The plain-Debian test image (image/build_debian.sh: debootstrap, then the same pi-gen stage
 *     as the Raspberry Pi image), cached in the build cache under a key hashed from image/ and
 *     systemd/: a rerun with nothing changed returns at once. Prints the folder holding
 *     rootfs.img, vmlinuz and initrd.img. The image carries no release: the VM test passes the
 *     build under test in at boot (tests/vm/).
 *
 *   deno task image --pi-gen PI_GEN_DIR --release dist/openskylab-<v>-linux-aarch64.tar.xz
 *     The Raspberry Pi OS image: runs a pi-gen checkout (branch bookworm-arm64) with its stages
 *     0-2 and image/stage-openskylab, as root (WPA_COUNTRY from the environment, as pi-gen reads
 *     it). It needs Raspberry Pi's archive, which these machines cannot reach; the image lands in
 *     PI_GEN_DIR/deploy/.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCacheDir, hashTree, withLock } from "./build_cache.ts";

const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** What the test image is built from: a change to any of these makes a new image. */
const IMAGE_INPUTS = ["image", "systemd"];

export interface TestImage {
  dir: string;
  rootfs: string;
  kernel: string;
  initrd: string;
  /** True when the cache had it. */
  cached: boolean;
  buildSeconds: number;
}

/** The plain-Debian test image for `arch`, from the cache or built now. */
export async function ensureTestImage(o: {
  arch?: "amd64" | "arm64";
  cacheDir?: string;
  log?: (line: string) => void;
} = {}): Promise<TestImage> {
  const arch = o.arch ?? "amd64";
  const cacheDir = o.cacheDir ?? buildCacheDir();
  const log = o.log ?? ((line) => console.error(`image: ${line}`));
  const key = (await hashTree(REPO_DIR, IMAGE_INPUTS)).slice(0, 16);
  const dir = join(cacheDir, "images", `debian-${arch}-${key}`);
  const paths = {
    dir,
    rootfs: join(dir, "rootfs.img"),
    kernel: join(dir, "vmlinuz"),
    initrd: join(dir, "initrd.img"),
  };
  await Deno.mkdir(join(cacheDir, "images"), { recursive: true });
  return await withLock(`${dir}.lock`, async () => {
    if (await Deno.stat(paths.rootfs).then(() => true, () => false)) {
      log(`cached: ${dir}`);
      return { ...paths, cached: true, buildSeconds: 0 };
    }
    log(`building the ${arch} test image into ${dir} (key ${key})`);
    const started = performance.now();
    const part = `${dir}.part`;
    await Deno.remove(part, { recursive: true }).catch(() => {});
    const out = await new Deno.Command(join(REPO_DIR, "image", "build_debian.sh"), {
      args: [part],
      env: { ARCH: arch, CACHE_DIR: cacheDir, OPENSKYLAB_RELEASE: "none" },
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`image/build_debian.sh failed (exit ${out.code})`);
    await Deno.rename(part, dir);
    // Older images of this architecture are of no further use.
    for await (const entry of Deno.readDir(join(cacheDir, "images"))) {
      const old = join(cacheDir, "images", entry.name);
      if (
        entry.name.startsWith(`debian-${arch}-`) && old !== dir && !entry.name.endsWith(".lock")
      ) {
        await Deno.remove(old, { recursive: true }).catch(() => {});
      }
    }
    const buildSeconds = (performance.now() - started) / 1000;
    log(`built in ${buildSeconds.toFixed(0)} s`);
    return { ...paths, cached: false, buildSeconds };
  });
}

async function runPiGen(piGenDir: string, release: string): Promise<void> {
  const config = join(piGenDir, "config.openskylab");
  await Deno.writeTextFile(
    config,
    [
      "# Written by `deno task image --pi-gen`: Raspberry Pi OS Lite + OpenSkyLab.",
      "IMG_NAME=openskylab",
      "RELEASE=bookworm",
      "TARGET_HOSTNAME=openskylab",
      "FIRST_USER_NAME=openskylab-admin",
      "DISABLE_FIRST_BOOT_USER_RENAME=0",
      "ENABLE_SSH=0",
      `STAGE_LIST="stage0 stage1 stage2 ${join(REPO_DIR, "image", "stage-openskylab")}"`,
      `export OPENSKYLAB_RELEASE="${resolve(release)}"`,
      "",
    ].join("\n"),
  );
  const out = await new Deno.Command("./build.sh", {
    args: ["-c", config],
    cwd: piGenDir,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`pi-gen failed (exit ${out.code})`);
}

if (import.meta.main) {
  const args = [...Deno.args];
  const take = (flag: string) => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const value = args[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    args.splice(i, 2);
    return value;
  };
  try {
    const piGen = take("--pi-gen");
    const release = take("--release");
    const arch = take("--arch") ?? "amd64";
    if (args.length > 0) throw new Error(`unknown arguments: ${args.join(" ")}`);
    if (piGen) {
      if (!release) {
        throw new Error("--pi-gen needs --release dist/openskylab-<v>-linux-aarch64.tar.xz");
      }
      await runPiGen(resolve(piGen), release);
    } else {
      if (arch !== "amd64" && arch !== "arm64") throw new Error("--arch: amd64 or arm64");
      const image = await ensureTestImage({ arch });
      console.log(image.dir);
    }
  } catch (err) {
    console.error(`image: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
}
