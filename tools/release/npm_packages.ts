/**
 * The npm packages a release carries as files rather than bundled code: the Deno runtime of the
 * target architecture (`@deno/linux-<cpu>-glibc`, pinned below by its integrity), libsql's
 * native addon for it (the version deno.lock resolves @libsql/client to, checked against the
 * lock's integrity) and swagger-ui-dist's assets. Each tarball comes from the ordinary npm client
 * (`npm pack`), is kept in the build cache, and is refused unless its sha512 is the one expected.
 */
import { join } from "node:path";
import type { ReleaseArch } from "../../core/system/release_format.ts";

/** sha512 integrity of the npm packages of each Deno runtime a release may ship. */
const DENO_RUNTIMES: Record<string, Record<ReleaseArch, string>> = {
  "2.9.6": {
    x86_64:
      "sha512-3md4TKLCuzsLDmfOoC5KN7NAZaxSVkMgm64vg6foD00JBADCpYS2/5QqXfzgnP5ZQz3iLP9vBQJtEgc116OAoQ==",
    aarch64:
      "sha512-poqhoH9B3nYloigEMPT5t8HY+wBeiuea1An5Q7fqgJzP0SYmWsoS/oUnWO/pEiA4ofzIBy1Elt/in58xKtxEoQ==",
  },
};

const NPM_CPU: Record<ReleaseArch, string> = { x86_64: "x64", aarch64: "arm64" };

export interface NpmPackage {
  name: string;
  version: string;
  integrity: string;
}

export function denoRuntimePackage(arch: ReleaseArch, denoVersion: string): NpmPackage {
  const integrity = DENO_RUNTIMES[denoVersion]?.[arch];
  if (!integrity) {
    throw new Error(
      `no pinned integrity for the Deno ${denoVersion} runtime on ${arch}: add it to ` +
        "tools/release/npm_packages.ts (npm view @deno/linux-<cpu>-glibc@<version> dist.integrity)",
    );
  }
  return { name: `@deno/linux-${NPM_CPU[arch]}-glibc`, version: denoVersion, integrity };
}

interface DenoLock {
  specifiers?: Record<string, string>;
  npm?: Record<string, { integrity?: string; dependencies?: string[] }>;
}

/** libsql's native addon for `arch`, at the version deno.lock resolves the app's client to. */
export function libsqlAddonPackage(lock: DenoLock, arch: ReleaseArch): NpmPackage {
  const client = lock.specifiers?.["npm:@libsql/client@0.18.0"] ??
    Object.entries(lock.specifiers ?? {}).find(([k]) => k.startsWith("npm:@libsql/client@"))?.[1];
  if (!client) throw new Error("deno.lock resolves no @libsql/client");
  const libsql = lock.npm?.[`@libsql/client@${client}`]?.dependencies?.find((d) =>
    d.startsWith("libsql@")
  );
  if (!libsql) throw new Error(`deno.lock: @libsql/client@${client} has no libsql dependency`);
  return lockedPackage(lock, `@libsql/linux-${NPM_CPU[arch]}-gnu`, libsql.slice("libsql@".length));
}

/** swagger-ui-dist at the version deno.json's import map pins (and deno.lock checks). */
export function swaggerUiPackage(lock: DenoLock): NpmPackage {
  const spec = Object.keys(lock.specifiers ?? {}).find((k) => k.startsWith("npm:swagger-ui-dist@"));
  if (!spec) throw new Error("deno.lock resolves no swagger-ui-dist");
  return lockedPackage(lock, "swagger-ui-dist", lock.specifiers![spec]!);
}

function lockedPackage(lock: DenoLock, name: string, version: string): NpmPackage {
  const integrity = lock.npm?.[`${name}@${version}`]?.integrity;
  if (!integrity) throw new Error(`deno.lock has no integrity for ${name}@${version}`);
  return { name, version, integrity };
}

/**
 * The package's contents (npm's `package/` folder) unpacked under `cacheDir`, fetched with
 * `npm pack` the first time. Returns the folder.
 */
export async function unpackedPackage(pkg: NpmPackage, cacheDir: string): Promise<string> {
  const dir = join(cacheDir, "npm", `${pkg.name.replace("/", "+")}@${pkg.version}`);
  const tgz = `${dir}.tgz`;
  if (await exists(join(dir, "package", "package.json"))) return join(dir, "package");
  await Deno.mkdir(join(cacheDir, "npm"), { recursive: true });
  if (!await exists(tgz) || await integrityOf(tgz) !== pkg.integrity) {
    const scratch = await Deno.makeTempDir({ dir: join(cacheDir, "npm") });
    try {
      const packed = await run("npm", [
        "pack",
        "--json",
        "--silent",
        "--pack-destination",
        scratch,
        `${pkg.name}@${pkg.version}`,
      ]);
      const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
      await Deno.rename(join(scratch, filename), tgz);
    } finally {
      await Deno.remove(scratch, { recursive: true });
    }
  }
  const actual = await integrityOf(tgz);
  if (actual !== pkg.integrity) {
    throw new Error(`${pkg.name}@${pkg.version}: integrity ${actual}, expected ${pkg.integrity}`);
  }
  const part = `${dir}.part`;
  await Deno.remove(part, { recursive: true }).catch(() => {});
  await Deno.mkdir(part, { recursive: true });
  await run("tar", ["-xzf", tgz, "-C", part, "--no-same-owner"]);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.rename(part, dir);
  return join(dir, "package");
}

async function integrityOf(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-512", await Deno.readFile(path));
  return `sha512-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Runs a build tool; its stdout on success, an error with its stderr otherwise. */
export async function run(
  cmd: string,
  args: string[],
  cwd?: string,
  env?: Record<string, string>,
): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, env, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim();
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code}): ${err}`);
  }
  return new TextDecoder().decode(out.stdout);
}
