/**
 * Which npm packages the app really runs: the module graph of main.ts (`deno info --json`),
 * followed along code imports only (a type-only import ships nothing), plus what the graph loads
 * in ways `deno info` does not follow — each module started by URL (`new URL("./worker.ts",
 * import.meta.url)`, the Web Workers) becomes a root of its own, and each package reached by
 * `import.meta.resolve("pkg/…")` (assets read from disk, like swagger-ui-dist) counts as used.
 * Then the npm dependencies of those packages, transitively, as the lock resolves them. What
 * tests and build tools import is never reached from these roots.
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DenoLock, resolveSpecifier } from "./lockfile.ts";

interface InfoDependency {
  specifier: string;
  code?: { specifier: string };
}

interface InfoModule {
  specifier: string;
  kind?: string;
  local?: string;
  npmPackage?: string;
  dependencies?: InfoDependency[];
}

export interface DenoInfo {
  roots: string[];
  modules: InfoModule[];
  redirects: Record<string, string>;
  npmPackages: Record<
    string,
    { name: string; version: string; dependencies: string[]; localPath?: string }
  >;
}

export interface AppGraph {
  /** The entry modules, relative to the repository: main.ts and the workers found. */
  roots: string[];
  /** Lock ids of the npm packages the app imports directly (or resolves files from). */
  direct: string[];
  /** Those and everything they depend on, optional (platform) dependencies included. */
  packages: Set<string>;
  /** Where Deno installed each package of the lock (whether or not it is there). */
  localPaths: Map<string, string>;
}

export async function denoInfo(deno: string, repoDir: string, root: string): Promise<DenoInfo> {
  const out = await new Deno.Command(deno, {
    args: ["info", "--json", root],
    cwd: repoDir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`deno info ${root} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const STARTED_BY_URL =
  /new\s+URL\(\s*["'](\.{1,2}\/[^"']+\.(?:ts|js|mjs))["']\s*,\s*import\.meta\.url\s*\)/g;
const RESOLVED_BARE = /import\.meta\.resolve\(\s*["']([^"'./][^"']*)["']\s*\)/g;

/** The import map's target for a bare specifier (exact key, else the longest "dir/" key). */
export function mapImport(imports: Record<string, string>, spec: string): string | null {
  if (imports[spec] !== undefined) return imports[spec]!;
  let best: string | null = null;
  for (const key of Object.keys(imports)) {
    if (key.endsWith("/") && spec.startsWith(key) && (best === null || key.length > best.length)) {
      best = key;
    }
  }
  return best === null ? null : imports[best]! + spec.slice(best.length);
}

/** `npm:/name@1.2.3/sub` → name and the version asked for. */
export function npmTarget(target: string): { name: string; range: string } | null {
  const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)/.exec(target);
  return m ? { name: m[1]!, range: m[2]! } : null;
}

/** The code-reachable modules of one `deno info` graph, from its root. */
function reachable(info: DenoInfo): InfoModule[] {
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const out: InfoModule[] = [];
  const stack = [...info.roots];
  while (stack.length > 0) {
    let spec = stack.pop()!;
    spec = info.redirects[spec] ?? spec;
    if (seen.has(spec)) continue;
    seen.add(spec);
    const mod = bySpecifier.get(spec);
    if (!mod) continue;
    out.push(mod);
    for (const dep of mod.dependencies ?? []) {
      if (dep.code) stack.push(dep.code.specifier);
    }
  }
  return out;
}

export async function appGraph(o: {
  deno: string;
  repoDir: string;
  lock: DenoLock;
  imports: Record<string, string>;
  entry?: string;
}): Promise<AppGraph> {
  const roots = [o.entry ?? "main.ts"];
  const direct = new Set<string>();
  let edges: DenoInfo["npmPackages"] = {};
  for (let i = 0; i < roots.length; i++) {
    const info = await denoInfo(o.deno, o.repoDir, roots[i]!);
    edges = { ...edges, ...info.npmPackages };
    for (const mod of reachable(info)) {
      if (mod.npmPackage) direct.add(mod.npmPackage);
      if (!mod.local || !mod.specifier.startsWith("file:")) continue;
      const text = await Deno.readTextFile(mod.local);
      for (const [, rel] of text.matchAll(STARTED_BY_URL)) {
        const file = resolve(dirname(fileURLToPath(mod.specifier)), rel!);
        const root = relative(o.repoDir, file);
        if (!roots.includes(root) && await exists(join(o.repoDir, root))) roots.push(root);
      }
      for (const [, spec] of text.matchAll(RESOLVED_BARE)) {
        const target = mapImport(o.imports, spec!);
        const npm = target && npmTarget(target);
        const id = npm && resolveSpecifier(o.lock, npm.name, npm.range);
        if (!id) {
          throw new Error(
            `${relative(o.repoDir, mod.local)} resolves "${spec}", which the import map and ` +
              "deno.lock do not map to an npm package: teach tools/licenses/module_graph.ts",
          );
        }
        direct.add(id);
      }
    }
  }
  const packages = new Set<string>();
  const stack = [...direct];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (packages.has(id)) continue;
    packages.add(id);
    stack.push(...(edges[id]?.dependencies ?? []));
  }
  const localPaths = new Map<string, string>();
  for (const [id, p] of Object.entries(edges)) if (p.localPath) localPaths.set(id, p.localPath);
  return { roots, direct: [...direct].sort(), packages, localPaths };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}
