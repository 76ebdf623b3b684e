/**
 * `deno task release`: builds OpenSkyLab's releases for x86_64 and aarch64 Linux into dist/ —
 * a single compiled file where a real denort is available, otherwise (as on these machines) a
 * signed tarball that runs from any folder: the runtime from npm, the bundled app and workers,
 * the addons, the web app and the docs' assets, a launcher, a MANIFEST and its signature. The
 * format is in tools/RELEASE.md.
 *
 * usage: deno task release [--arch x86_64,aarch64] [--out DIR] [--version V] [--key FILE]
 *                          [--xz-level 0-9] [--cache DIR]
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildInfo, SOURCE_VERSION } from "../core/system/build_info.ts";
import {
  RELEASE_ARCHES,
  type ReleaseArch,
  type ReleaseInfo,
  ReleaseInfoSchema,
  sha256Hex,
} from "../core/system/release_format.ts";
import { buildCacheDir } from "./build_cache.ts";
import { bundleApp, writeEntry } from "./release/bundle.ts";
import { compileBinary, findDenort } from "./release/compile.ts";
import { assembleBundle, packTarXz, seal } from "./release/layout.ts";
import {
  denoRuntimePackage,
  libsqlAddonPackage,
  run,
  swaggerUiPackage,
  unpackedPackage,
} from "./release/npm_packages.ts";
import { loadSigner, publicKeyPem, spkiBase64 } from "./release/signing.ts";

const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface ReleaseOptions {
  arches: ReleaseArch[];
  outDir: string;
  version: string;
  keyFile?: string;
  xzLevel: number;
  cacheDir: string;
  env: Record<string, string | undefined>;
  log: (line: string) => void;
}

export interface BuiltRelease {
  arch: ReleaseArch;
  kind: ReleaseInfo["kind"];
  tarball: string;
  bytes: number;
}

export async function buildReleases(o: ReleaseOptions): Promise<BuiltRelease[]> {
  const deno = Deno.execPath();
  const signer = await loadSigner({ keyFile: o.keyFile, env: o.env });
  if (signer.dev) {
    o.log(
      "no signing key (--key, OPENSKYLAB_RELEASE_KEY_FILE, OPENSKYLAB_RELEASE_KEY): " +
        "signing with a throwaway development key; only its public half is kept",
    );
  }
  const info: BuildInfo = {
    version: o.version,
    kind: "release",
    build_time_ms: o.env.SOURCE_DATE_EPOCH ? Number(o.env.SOURCE_DATE_EPOCH) * 1000 : Date.now(),
    commit: await gitCommit(),
    update_key_spki_b64: spkiBase64(signer.spki),
  };
  await Deno.mkdir(o.outDir, { recursive: true });
  await Deno.mkdir(join(REPO_DIR, "dist"), { recursive: true });
  // Inside the repository, so deno.json's import map resolves the generated entry's imports.
  const scratch = await Deno.makeTempDir({ dir: join(REPO_DIR, "dist"), prefix: ".build-" });
  try {
    const entry = await writeEntry({ repoDir: REPO_DIR, scratchDir: scratch, info });
    const lock = JSON.parse(await Deno.readTextFile(join(REPO_DIR, "deno.lock")));
    let appDir: string | null = null;
    const built: BuiltRelease[] = [];
    for (const arch of o.arches) {
      const name = `openskylab-${o.version}-linux-${arch}`;
      const dir = join(scratch, name);
      const denort = await findDenort(arch, o.env, Deno.version.deno);
      let kind: ReleaseInfo["kind"];
      if (denort) {
        o.log(`${arch}: compiling with the denort at ${denort}`);
        await Deno.mkdir(join(dir, "bin"), { recursive: true });
        await compileBinary({
          deno,
          repoDir: REPO_DIR,
          entry,
          arch,
          out: join(dir, "bin", "openskylab"),
          version: o.version,
          denort,
        });
        kind = "compiled";
      } else {
        o.log(`${arch}: no denort here; building the tarball release`);
        if (appDir === null) {
          appDir = join(scratch, "app");
          await bundleApp({ repoDir: REPO_DIR, entry, appDir, deno });
        }
        const libsql = libsqlAddonPackage(lock, arch);
        await assembleBundle(dir, {
          appDir,
          webDir: join(REPO_DIR, "web"),
          runtimeDir: await unpackedPackage(
            denoRuntimePackage(arch, Deno.version.deno),
            o.cacheDir,
          ),
          libsqlDir: await unpackedPackage(libsql, o.cacheDir),
          libsqlName: libsql.name,
          swaggerDir: await unpackedPackage(swaggerUiPackage(lock), o.cacheDir),
          launcher: join(REPO_DIR, "tools", "release", "launcher.sh"),
        });
        kind = "bundle";
      }
      const releaseInfo = ReleaseInfoSchema.parse({
        format: 1,
        name: "openskylab",
        version: o.version,
        arch,
        kind,
        deno_version: Deno.version.deno,
        build_time_ms: info.build_time_ms,
        commit: info.commit,
        update_key_spki_b64: info.update_key_spki_b64,
        dev_key: signer.dev,
      });
      await seal(dir, releaseInfo, signer);
      const tarball = join(o.outDir, `${name}.tar.xz`);
      await packTarXz(dir, tarball, {
        mtimeS: Math.floor(info.build_time_ms / 1000),
        xzLevel: o.xzLevel,
      });
      await Deno.remove(dir, { recursive: true });
      const bytes = (await Deno.stat(tarball)).size;
      // What an update check reads before downloading: small, signed, naming the tarball's hash.
      const descriptor = new TextEncoder().encode(
        JSON.stringify(
          {
            ...releaseInfo,
            tarball: `${name}.tar.xz`,
            tarball_sha256: await sha256Hex(await Deno.readFile(tarball)),
            tarball_bytes: bytes,
          },
          null,
          2,
        ) + "\n",
      );
      await Deno.writeFile(join(o.outDir, `${name}.json`), descriptor);
      await Deno.writeFile(join(o.outDir, `${name}.json.sig`), await signer.sign(descriptor));
      o.log(`${arch}: ${tarball} (${(bytes / 1e6).toFixed(1)} MB, ${kind})`);
      built.push({ arch, kind, tarball, bytes });
    }
    await Deno.writeTextFile(join(o.outDir, "release-key.pem"), publicKeyPem(signer.spki));
    return built;
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}

async function gitCommit(): Promise<string | null> {
  try {
    const head = (await run("git", ["rev-parse", "HEAD"], REPO_DIR)).trim();
    const dirty = (await run("git", ["status", "--porcelain"], REPO_DIR)).trim() !== "";
    return dirty ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}

function parseArgs(args: string[], env: Record<string, string | undefined>): ReleaseOptions {
  const o: ReleaseOptions = {
    arches: [...RELEASE_ARCHES],
    outDir: join(REPO_DIR, "dist"),
    version: SOURCE_VERSION,
    xzLevel: 6,
    cacheDir: buildCacheDir(env),
    env,
    log: (line) => console.error(`release: ${line}`),
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--arch":
        o.arches = value().split(",").map((a) => {
          if (!(RELEASE_ARCHES as readonly string[]).includes(a)) {
            throw new Error(`--arch: expected ${RELEASE_ARCHES.join(" or ")}, got "${a}"`);
          }
          return a as ReleaseArch;
        });
        break;
      case "--out":
        o.outDir = resolve(value());
        break;
      case "--version":
        o.version = value();
        break;
      case "--key":
        o.keyFile = value();
        break;
      case "--xz-level":
        o.xzLevel = Number(value());
        if (!Number.isInteger(o.xzLevel) || o.xzLevel < 0 || o.xzLevel > 9) {
          throw new Error("--xz-level: expected 0 to 9");
        }
        break;
      case "--cache":
        o.cacheDir = resolve(value());
        break;
      default:
        throw new Error(`unknown option "${flag}"`);
    }
  }
  return o;
}

if (import.meta.main) {
  try {
    const built = await buildReleases(parseArgs(Deno.args, Deno.env.toObject()));
    for (const b of built) console.log(b.tarball);
  } catch (err) {
    console.error(`release: ${err instanceof Error ? err.message : err}`);
    Deno.exit(1);
  }
}
