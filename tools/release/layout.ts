/**
 * Assembles a release folder (layout in tools/RELEASE.md), writes its MANIFEST and signature,
 * and packs it as a reproducible .tar.xz (sorted names, root-owned, the build time as mtime).
 */
import { dirname, join } from "node:path";
import {
  formatManifest,
  listFiles,
  MANIFEST_FILE,
  RELEASE_INFO_FILE,
  type ReleaseInfo,
  sha256Hex,
  SIGNATURE_FILE,
  UPDATE_KEY_FILE,
} from "../../core/system/release_format.ts";
import { publicKeyPem, type ReleaseSigner } from "./signing.ts";
import { run } from "./npm_packages.ts";

/** swagger-ui-dist files the API docs page serves (routes/docs.ts), and its licence. */
const SWAGGER_FILES = ["package.json", "swagger-ui.css", "swagger-ui-bundle.js", "LICENSE"];

export interface BundleParts {
  /** Folder holding main.js and the workers' bundles. */
  appDir: string;
  webDir: string;
  /** Unpacked npm packages (their `package/` folders). */
  runtimeDir: string;
  libsqlDir: string;
  libsqlName: string;
  swaggerDir: string;
  launcher: string;
}

/** Copies a bundle-kind release's files into `dir` (which must not exist). */
export async function assembleBundle(dir: string, parts: BundleParts): Promise<void> {
  await copyTree(parts.appDir, join(dir, "app"));
  await copyTree(parts.webDir, join(dir, "web"));
  await copyFile(join(parts.runtimeDir, "deno"), join(dir, "lib", "deno"), 0o755);
  await copyFile(parts.launcher, join(dir, "bin", "openskylab"), 0o755);
  const libsqlTarget = join(dir, "node_modules", ...parts.libsqlName.split("/"));
  for (const name of ["package.json", "index.node"]) {
    await copyFile(join(parts.libsqlDir, name), join(libsqlTarget, name), 0o644);
  }
  for (const name of SWAGGER_FILES) {
    await copyFile(join(parts.swaggerDir, name), join(dir, "node_modules/swagger-ui-dist", name));
  }
  const versionOf = async (d: string) =>
    (JSON.parse(await Deno.readTextFile(join(d, "package.json"))) as { version: string }).version;
  // Deno resolves bare specifiers (import.meta.resolve, the addon's require) through this file
  // and the node_modules beside it when run with --no-config --node-modules-dir=manual.
  await Deno.writeTextFile(
    join(dir, "package.json"),
    JSON.stringify(
      {
        name: "openskylab-release",
        private: true,
        dependencies: {
          [parts.libsqlName]: await versionOf(parts.libsqlDir),
          "swagger-ui-dist": await versionOf(parts.swaggerDir),
        },
      },
      null,
      2,
    ) + "\n",
  );
}

/** Writes release.json, the public update key, the MANIFEST and its signature. */
export async function seal(dir: string, info: ReleaseInfo, signer: ReleaseSigner): Promise<void> {
  await Deno.writeTextFile(join(dir, RELEASE_INFO_FILE), JSON.stringify(info, null, 2) + "\n");
  await Deno.writeTextFile(join(dir, UPDATE_KEY_FILE), publicKeyPem(signer.spki));
  const entries = new Map<string, string>();
  for (const path of await listFiles(dir)) {
    if (path === MANIFEST_FILE || path === SIGNATURE_FILE) continue;
    entries.set(path, await sha256Hex(await Deno.readFile(join(dir, path))));
  }
  const manifest = new TextEncoder().encode(formatManifest(entries));
  await Deno.writeFile(join(dir, MANIFEST_FILE), manifest);
  await Deno.writeFile(join(dir, SIGNATURE_FILE), await signer.sign(manifest));
}

/** `dir` as a .tar.xz whose single top folder is dir's name; reproducible for the same inputs. */
export async function packTarXz(
  dir: string,
  out: string,
  o: { mtimeS: number; xzLevel: number },
): Promise<void> {
  const part = `${out}.part`;
  await run("bash", [
    "-c",
    'set -o pipefail; tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$1" -C "$2" -cf - "$3" | ' +
    'xz -T0 "-$4" >"$5"',
    "pack",
    String(o.mtimeS),
    dirname(dir),
    dir.slice(dirname(dir).length + 1),
    String(o.xzLevel),
    part,
  ]);
  await Deno.rename(part, out);
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    if (entry.isDirectory) await copyTree(source, join(to, entry.name));
    else if (entry.isFile) await copyFile(source, join(to, entry.name));
    else throw new Error(`${source}: a release carries regular files and folders only`);
  }
}

async function copyFile(from: string, to: string, mode = 0o644): Promise<void> {
  await Deno.mkdir(dirname(to), { recursive: true });
  await Deno.copyFile(from, to);
  await Deno.chmod(to, mode);
}
