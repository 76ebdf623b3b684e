/**
 * What an installed npm package says about its licence: its package.json (`license`, the
 * repository, the os/cpu/libc of a native build) and its notice texts — the LICENSE / LICENCE /
 * COPYING / NOTICE files at its root, or, when it ships none, the licence section of its README
 * when that section is a licence text (some authors put the whole MIT text there); when
 * package.json declares no licence, the name that section gives (`## License\n\n  MIT`). Deno installs
 * a package at `node_modules/.deno/<name>@<version>/node_modules/<name>/` (nodeModulesDir auto).
 * A package the lock pins but this machine did not install (another platform's native build) is
 * described by the registry through the ordinary npm client (`npm view`); it ships no files here.
 */
import { join } from "node:path";

export interface PackageJson {
  name?: string;
  version?: string;
  license?: unknown;
  licenses?: unknown;
  repository?: unknown;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  /** Neon's native-build metadata; `abi` names the C library when `libc` is missing. */
  neon?: { abi?: string };
}

export interface NoticeText {
  file: string;
  text: string;
}

export interface PackageRead {
  json: PackageJson;
  notices: NoticeText[];
  /** Only type declarations (`.d.ts`): nothing of it runs. */
  typesOnly: boolean;
  /** The licence the README's licence section names, read only when package.json names none. */
  readmeLicence?: string | null;
}

export const NOTICE_FILE = /^(licen[cs]e|copying|notice|copyright)([-._][^/]*)?$/i;
/** "License", "Licence", "Licensing", "Copyright and Licensing" as a whole heading. */
const HEADING = /(copyright( and licen[cs]ing)?|licen[cs]e|licen[cs]ing)\s*$/;
const README = /^readme(\.(md|markdown|txt))?$/i;
/** Files that say what a package is rather than being it. */
const DOCUMENTATION = /^(readme|changelog|history|changes|authors|contributors)([-._].*)?$/i;

export function installedPackageDir(repoDir: string, name: string, version: string): string {
  return join(
    repoDir,
    "node_modules",
    ".deno",
    `${name.replace("/", "+")}@${version}`,
    "node_modules",
    name,
  );
}

/** The package at `dir`, or null when it is not installed there. */
export async function readInstalledPackage(dir: string): Promise<PackageRead | null> {
  let json: PackageJson;
  try {
    json = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new Error(`${dir}/package.json: ${(err as Error).message}`);
  }
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
  names.sort();
  const notices: NoticeText[] = [];
  for (const name of names.filter((n) => NOTICE_FILE.test(n))) {
    notices.push({ file: name, text: await Deno.readTextFile(join(dir, name)) });
  }
  const declares = json.license !== undefined || json.licenses !== undefined;
  let readmeLicence: string | null = null;
  for (const name of names.filter((n) => README.test(n))) {
    const markdown = await Deno.readTextFile(join(dir, name));
    const section = notices.length === 0 ? readmeLicenceSection(markdown) : null;
    if (section) notices.push({ file: `${name} (licence section)`, text: section });
    if (!declares) readmeLicence ??= readmeLicenceName(markdown);
  }
  const typesOnly = await onlyTypeDeclarations(dir);
  return { json, notices, typesOnly, ...(declares ? {} : { readmeLicence }) };
}

/** The bodies of the README's "License" sections (each up to the next heading of its level). */
function readmeLicenceBodies(markdown: string): string[] {
  const found: string[] = [];
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const atx = new RegExp(`^(#{1,6})\\s+${HEADING.source}`, "i").exec(lines[i]!);
    const setext = new RegExp(`^${HEADING.source}`, "i").test(lines[i]!) &&
      /^(=+|-+)\s*$/.test(lines[i + 1] ?? "");
    if (!atx && !setext) continue;
    const level = atx ? atx[1]!.length : lines[i + 1]!.startsWith("=") ? 1 : 2;
    const body: string[] = [];
    for (let j = i + (setext ? 2 : 1); j < lines.length; j++) {
      const heading = /^(#{1,6})\s/.exec(lines[j]!);
      const under = /^(=+|-+)\s*$/.test(lines[j + 1] ?? "") && lines[j]!.trim() !== "";
      if (heading && heading[1]!.length <= level) break;
      if (under && (lines[j + 1]!.startsWith("=") ? 1 : 2) <= level) break;
      body.push(lines[j]!);
    }
    const text = body.join("\n").trim();
    if (text !== "") found.push(text);
  }
  return found;
}

/**
 * The README's "License" section when it carries a licence text (a copyright line or a grant),
 * not just a name ("## License\n\nMIT").
 */
export function readmeLicenceSection(markdown: string): string | null {
  const text = readmeLicenceBodies(markdown).find((t) =>
    t.length >= 100 && /copyright|permission is hereby granted/i.test(t)
  );
  return text === undefined ? null : `${text}\n`;
}

/** The licence a README's "License" section names on one short line ("MIT"), or null. */
export function readmeLicenceName(markdown: string): string | null {
  // Only what could be an SPDX expression: letters, digits, `.-+()` and spaces; not a badge.
  return readmeLicenceBodies(markdown).find((t) => /^[\w.+() -]{1,60}$/.test(t)) ?? null;
}

/** Whether every file of the package but its documentation is a `.d.ts` declaration. */
async function onlyTypeDeclarations(dir: string): Promise<boolean> {
  let code = 0;
  let declarations = 0;
  const walk = async (path: string): Promise<void> => {
    for await (const e of Deno.readDir(path)) {
      if (e.name === "node_modules") continue;
      if (e.isDirectory) await walk(join(path, e.name));
      else if (/\.d\.[cm]?ts$/.test(e.name)) declarations++;
      else if (
        !/\.(json|md|markdown|txt)$/i.test(e.name) && !DOCUMENTATION.test(e.name) &&
        !NOTICE_FILE.test(e.name)
      ) code++;
    }
  };
  await walk(dir);
  return declarations > 0 && code === 0;
}

/** A version's package.json fields as the registry has them (`npm view name@version --json`). */
export async function registryPackageJson(name: string, version: string): Promise<PackageJson> {
  const out = await new Deno.Command("npm", {
    args: ["view", "--json", `${name}@${version}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `${name}@${version} is not installed here and npm view failed: ` +
        new TextDecoder().decode(out.stderr).trim(),
    );
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
