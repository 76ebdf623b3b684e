/**
 * Builds the third-party inventory from what is installed: every npm package deno.lock pins
 * (name, version, SPDX licence, notice texts), marked by how the box uses it — shipped in the
 * app's module graph or in the phone app's web/vendor/, used only by tests and tools, a native
 * build for a platform no release targets, or type declarations only — plus the Deno runtime a
 * release carries and the project's own licence. A package without notice files borrows them
 * from a package of the same repository and licence (libsql's native builds from libsql); one
 * still without notice or with an unknown licence is a problem, listed by name, unless
 * tools/licenses/acknowledged.json explains the missing notice.
 */
import { join } from "node:path";
import { sha256Hex } from "./hash.ts";
import { type DenoLock, type LockPackage, lockPackages } from "./lockfile.ts";
import { appGraph } from "./module_graph.ts";
import { type NpmLicence, npmLicence } from "./npm_licence.ts";
import {
  installedPackageDir,
  type NoticeText,
  type PackageJson,
  readInstalledPackage,
  registryPackageJson,
} from "./package_files.ts";
import { readDenoRuntime } from "./runtime.ts";
import type {
  NoticeRefT,
  ThirdPartyComponentT,
  ThirdPartyDocumentT,
} from "../../core/schemas/license.ts";

export interface ReleasePlatform {
  id: string;
  os: string;
  cpu: string;
  libc: string;
}

/** What `deno task release` builds for (tools/RELEASE.md): Linux on x86_64 and aarch64, glibc. */
export const RELEASE_PLATFORMS: ReleasePlatform[] = [
  { id: "linux-x64-glibc", os: "linux", cpu: "x64", libc: "glibc" },
  { id: "linux-arm64-glibc", os: "linux", cpu: "arm64", libc: "glibc" },
];

export interface GenerateOptions {
  repoDir: string;
  /** The deno that runs `deno info` (default: this one). */
  deno?: string;
  /** The inventory generated before: its entries stand in for packages not installed here. */
  previous?: ThirdPartyDocumentT | null;
  /** Ask the registry (`npm view`) about packages neither installed nor in `previous`. */
  registry?: boolean;
  /** Where Deno's npm package is (default: beside the running deno). */
  denoExecPath?: string;
  log?: (line: string) => void;
}

export interface GenerateResult {
  document: ThirdPartyDocumentT;
  /** Packages with an unknown licence or no notice text, each naming the package and why. */
  problems: string[];
  /** Missing notices that acknowledged.json explains. */
  acknowledged: string[];
}

interface Facts {
  pkg: LockPackage;
  json: PackageJson;
  notices: NoticeText[];
  typesOnly: boolean;
  /** From the previous inventory, for a package not installed here: its platforms. */
  platforms?: string[] | null;
  /** Taken from the previous inventory: its notices are final, and nobody borrows them. */
  reused?: boolean;
  /** The licence its README names, when package.json declares none. */
  readmeLicence?: string | null;
}

/** package.json's licence; when it declares none, the one the README's licence section names. */
function licenceOf(f: Facts): NpmLicence {
  const declared = npmLicence(f.json);
  if (declared.declared !== null || !f.readmeLicence) return declared;
  const readme = npmLicence({ license: f.readmeLicence });
  return readme.expression === null ? declared : {
    ...readme,
    problem: "package.json declares no licence; the README's licence section names it",
  };
}

/** `git+https://github.com/a/b.git`, `github:a/b`, `a/b` → `https://github.com/a/b`. */
export function normalizeRepository(repository: unknown): string | null {
  const raw = typeof repository === "string"
    ? repository
    : (repository as { url?: unknown } | null)?.url;
  if (typeof raw !== "string" || raw.trim() === "") return null;
  let url = raw.trim().replace(/^git\+/, "").replace(/\.git$/, "").replace(/\/$/, "");
  const short = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(url);
  if (short) return `https://github.com/${short[1]}/${short[2]}`;
  url = url.replace(/^(git|ssh|http):\/\//, "https://").replace(/^https:\/\/git@/, "https://");
  return url.replace(/^git@([^:]+):/, "https://$1/");
}

function matches(allowed: string[] | undefined | null, value: string): boolean {
  if (!allowed || allowed.length === 0) return true;
  if (allowed.includes(`!${value}`)) return false;
  const positive = allowed.filter((a) => !a.startsWith("!"));
  return positive.length === 0 || positive.includes(value);
}

/** The release platforms a native package is for; null when it is not platform-specific. */
export function releasePlatforms(json: PackageJson, pkg: LockPackage): string[] | null {
  const os = json.os ?? pkg.os;
  const cpu = json.cpu ?? pkg.cpu;
  // Neon's builds (libsql's) say their C library only in neon.abi.
  const abi = json.neon?.abi;
  const libc = json.libc ?? (abi === "musl" ? ["musl"] : abi === "gnu" ? ["glibc"] : undefined);
  if (!os && !cpu && !libc) return null;
  return RELEASE_PLATFORMS.filter((p) =>
    matches(os, p.os) && matches(cpu, p.cpu) && matches(libc, p.libc)
  ).map((p) => p.id);
}

async function readAcknowledged(repoDir: string): Promise<Record<string, { reason: string }>> {
  const path = join(repoDir, "tools", "licenses", "acknowledged.json");
  return JSON.parse(await Deno.readTextFile(path)).missing_notice ?? {};
}

async function readFacts(o: GenerateOptions, pkg: LockPackage, localPath?: string): Promise<Facts> {
  const read = await readInstalledPackage(
    localPath ?? installedPackageDir(o.repoDir, pkg.name, pkg.version),
  );
  if (read) return { pkg, ...read };
  // Not installed on this machine (another platform's native build).
  const before = o.previous?.components.find((c) =>
    c.kind === "npm" && c.name === pkg.name && c.version === pkg.version &&
    c.integrity === pkg.integrity
  );
  if (before) {
    const texts = o.previous!.texts;
    return {
      pkg,
      json: { license: before.licence_declared ?? undefined, repository: before.repository },
      notices: before.notices.map((n) => ({ file: n.file, text: texts[n.sha256] ?? "" })),
      typesOnly: before.use === "types",
      platforms: before.platforms,
      reused: true,
    };
  }
  if (o.registry === false) {
    throw new Error(
      `${pkg.id} is not installed here and the inventory has no entry for it: ` +
        "run deno task licenses (it asks the registry)",
    );
  }
  o.log?.(`${pkg.id}: not installed here, asking the registry`);
  return {
    pkg,
    json: await registryPackageJson(pkg.name, pkg.version),
    notices: [],
    typesOnly: false,
  };
}

async function webVendored(
  repoDir: string,
): Promise<{ name: string; version: string; files: { to: string; sha256: string }[] }[]> {
  const manifest = JSON.parse(
    await Deno.readTextFile(join(repoDir, "web", "vendor", "VENDORED.json")),
  );
  return manifest.packages;
}

async function projectLicence(repoDir: string, addText: (t: NoticeText) => Promise<NoticeRefT>) {
  const config = JSON.parse(await Deno.readTextFile(join(repoDir, "deno.json")));
  let notice: NoticeRefT | null = null;
  for (const name of ["LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING"]) {
    const text = await Deno.readTextFile(join(repoDir, name)).catch(() => null);
    if (text !== null) {
      notice = await addText({ file: name, text });
      break;
    }
  }
  const spdx = typeof config.license === "string" ? npmLicence({ license: config.license }) : null;
  return {
    name: "OpenSkyLab",
    spdx: spdx?.expression ?? null,
    reason: spdx?.expression
      ? null
      : spdx
      ? `deno.json "license": ${spdx.problem}`
      : notice
      ? `${notice.file} exists but deno.json declares no SPDX "license"`
      : "not yet chosen",
    notice,
  };
}

export async function generateLicenses(o: GenerateOptions): Promise<GenerateResult> {
  const deno = o.deno ?? Deno.execPath();
  const lock: DenoLock = JSON.parse(await Deno.readTextFile(join(o.repoDir, "deno.lock")));
  const config = JSON.parse(await Deno.readTextFile(join(o.repoDir, "deno.json")));
  const graph = await appGraph({ deno, repoDir: o.repoDir, lock, imports: config.imports ?? {} });
  o.log?.(`module graph from ${graph.roots.join(", ")}: ${graph.packages.size} npm packages`);

  const texts = new Map<string, string>();
  const addText = async (n: NoticeText): Promise<NoticeRefT> => {
    const bytes = new TextEncoder().encode(n.text);
    const sha256 = await sha256Hex(bytes);
    texts.set(sha256, n.text);
    return { file: n.file, sha256, bytes: bytes.length };
  };
  const problems: string[] = [];
  const acknowledgedNotes: string[] = [];
  const acknowledged = await readAcknowledged(o.repoDir);

  const facts: Facts[] = [];
  for (const pkg of lockPackages(lock)) {
    facts.push(await readFacts(o, pkg, graph.localPaths.get(pkg.id)));
  }
  const vendored = await webVendored(o.repoDir);

  const components: ThirdPartyComponentT[] = [];
  for (const f of facts) {
    const { pkg, json } = f;
    const licence = licenceOf(f);
    const repository = normalizeRepository(json.repository);
    let notices = f.notices;
    if (notices.length === 0 && repository !== null && !f.reused) {
      // Borrow from the same repository under the same licence, the same version first.
      const sibling = facts
        .filter((s) =>
          s !== f && !s.reused && s.notices.length > 0 &&
          normalizeRepository(s.json.repository) === repository &&
          licenceOf(s).expression === licence.expression
        )
        .sort((a, b) =>
          Number(b.pkg.version === pkg.version) - Number(a.pkg.version === pkg.version) ||
          (a.pkg.id < b.pkg.id ? -1 : 1)
        )[0];
      if (sibling) {
        notices = sibling.notices.map((n) => ({
          file: `${sibling.pkg.name}@${sibling.pkg.version}/${n.file}`,
          text: n.text,
        }));
      }
    }
    const platforms = f.platforms !== undefined ? f.platforms : releasePlatforms(json, pkg);
    const web = vendored.find((v) => v.name === pkg.name && v.version === pkg.version);
    const inApp = graph.packages.has(pkg.id);
    const use = inApp && f.typesOnly
      ? "types"
      : inApp && platforms !== null && platforms.length === 0
      ? "platform"
      : inApp || web
      ? "shipped"
      : "test";
    const shippedIn: ("app" | "web")[] = [];
    if (use === "shipped" && inApp) shippedIn.push("app");
    if (web) shippedIn.push("web");
    const refs = [];
    for (const n of notices) refs.push(await addText(n));
    if (web) {
      for (
        const file of web.files.filter((x) => /(^|\/)(LICEN[CS]E|COPYING|NOTICE)[^/]*$/i.test(x.to))
      ) {
        if (!refs.some((r) => r.sha256 === file.sha256)) {
          problems.push(
            `${pkg.id}: web/vendor/${file.to} is not the package's notice (run deno task vendor)`,
          );
        }
      }
    }
    let noticeMissing: string | null = null;
    if (refs.length === 0) {
      const ack = acknowledged[`${pkg.name}@${pkg.version}`];
      noticeMissing = ack?.reason ??
        "the package ships no licence text (no LICENSE, COPYING or NOTICE file, no licence " +
          "section in its README) and no package of its repository does";
      if (ack) acknowledgedNotes.push(`${pkg.name}@${pkg.version}: ${ack.reason}`);
      else {
        problems.push(
          `${pkg.name}@${pkg.version} has no notice text: ${noticeMissing}. Find its licence ` +
            "text or explain in tools/licenses/acknowledged.json",
        );
      }
    }
    if (licence.expression === null) {
      problems.push(`${pkg.name}@${pkg.version} has an unknown licence: ${licence.problem}`);
    }
    components.push({
      kind: "npm",
      name: pkg.name,
      version: pkg.version,
      licence: licence.expression,
      licence_declared: licence.declared,
      licence_problem: licence.problem,
      use,
      shipped_in: shippedIn,
      platforms,
      repository,
      integrity: pkg.integrity,
      notices: refs,
      notice_missing: noticeMissing,
    });
  }

  const runtime = await readDenoRuntime(o.denoExecPath);
  const runtimeLicence = npmLicence(runtime.json);
  if (runtimeLicence.expression === null) {
    problems.push(`the Deno runtime has an unknown licence: ${runtimeLicence.problem}`);
  }
  const runtimeRefs = [];
  for (const n of runtime.notices) runtimeRefs.push(await addText(n));
  components.push({
    kind: "runtime",
    name: "deno",
    version: runtime.version,
    licence: runtimeLicence.expression,
    licence_declared: runtimeLicence.declared,
    licence_problem: runtimeLicence.problem,
    use: "shipped",
    shipped_in: ["runtime"],
    platforms: RELEASE_PLATFORMS.map((p) => p.id),
    repository: normalizeRepository(runtime.json.repository),
    integrity: null,
    notices: runtimeRefs,
    notice_missing: null,
  });

  const key = (c: ThirdPartyComponentT) => `${c.kind === "runtime" ? 0 : 1} ${c.name} ${c.version}`;
  components.sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const project = await projectLicence(o.repoDir, addText);
  const used = new Set([
    ...components.flatMap((c) => c.notices.map((n) => n.sha256)),
    ...(project.notice ? [project.notice.sha256] : []),
  ]);
  const sortedTexts = Object.fromEntries(
    [...texts].filter(([k]) => used.has(k)).sort(([a], [b]) => a < b ? -1 : 1),
  );
  return {
    document: {
      format: 1,
      generated_by: "tools/licenses.ts (deno task licenses)",
      project,
      release_platforms: RELEASE_PLATFORMS.map((p) => p.id),
      components,
      texts: sortedTexts,
    },
    problems,
    acknowledged: acknowledgedNotes,
  };
}
