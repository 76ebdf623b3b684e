/**
 * Copies the phone app's browser libraries from their npm packages into `web/vendor/`, so the box
 * serves them itself (it is usually offline, and nothing may come from a CDN). The versions are
 * the ones deno.json pins for `./web/` (its `scopes`), which is also what `deno check` types the
 * app against, so the code is checked against exactly the files the phone runs. Each package's
 * licence is copied beside its files, and `web/vendor/VENDORED.json` records package, version,
 * source path and SHA-256 of every file.
 *
 *   deno task vendor           copy (after `deno install` has fetched the packages)
 *   deno task vendor --check   exit 1 if web/vendor/ differs from the pinned packages
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const VENDOR = join(ROOT, "web", "vendor");

interface VendoredFile {
  /** Path inside the npm package. */
  from: string;
  /** Path under web/vendor/. */
  to: string;
}

interface VendoredPackage {
  name: string;
  files: VendoredFile[];
}

/** What the app loads. ES module builds only; the import map in index.html names the same paths. */
const PACKAGES: VendoredPackage[] = [
  {
    name: "preact",
    files: [
      { from: "dist/preact.mjs", to: "preact/preact.mjs" },
      { from: "hooks/dist/hooks.mjs", to: "preact/hooks.mjs" },
      { from: "LICENSE", to: "preact/LICENSE" },
    ],
  },
  {
    name: "htm",
    files: [
      { from: "dist/htm.mjs", to: "htm/htm.mjs" },
      { from: "preact/index.mjs", to: "htm/preact.mjs" },
      { from: "LICENSE", to: "htm/LICENSE" },
    ],
  },
  {
    name: "@preact/signals-core",
    files: [
      { from: "dist/signals-core.mjs", to: "signals/signals-core.mjs" },
      { from: "LICENSE", to: "signals/LICENSE-signals-core" },
    ],
  },
  {
    name: "@preact/signals",
    files: [
      { from: "dist/signals.mjs", to: "signals/signals.mjs" },
      { from: "LICENSE", to: "signals/LICENSE" },
    ],
  },
  {
    name: "uplot",
    files: [
      { from: "dist/uPlot.esm.js", to: "uplot/uPlot.esm.js" },
      { from: "dist/uPlot.min.css", to: "uplot/uPlot.min.css" },
      { from: "LICENSE", to: "uplot/LICENSE" },
    ],
  },
];

interface Manifest {
  packages: {
    name: string;
    version: string;
    files: { to: string; from: string; sha256: string }[];
  }[];
}

/** `npm:name@1.2.3[/sub]` of deno.json's web scope → the version pinned for `name`. */
async function pinnedVersions(): Promise<Map<string, string>> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const scope: Record<string, string> | undefined = config.scopes?.["./web/"];
  if (!scope) throw new Error('deno.json has no "scopes" entry for "./web/"');
  const versions = new Map<string, string>();
  for (const target of Object.values(scope)) {
    const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)/.exec(target);
    if (m) versions.set(m[1]!, m[2]!);
  }
  return versions;
}

/** Where Deno put the package (nodeModulesDir "auto"): node_modules/.deno/<name>@<v>/… */
function packageDir(name: string, version: string): string {
  return join(
    ROOT,
    "node_modules",
    ".deno",
    `${name.replace("/", "+")}@${version}`,
    "node_modules",
    name,
  );
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The files as they should be under web/vendor/ (path → bytes), and the manifest. */
export async function expectedVendor(): Promise<
  { files: Map<string, Uint8Array>; manifest: Manifest }
> {
  const versions = await pinnedVersions();
  const files = new Map<string, Uint8Array>();
  const manifest: Manifest = { packages: [] };
  for (const pkg of PACKAGES) {
    const version = versions.get(pkg.name);
    if (!version) throw new Error(`deno.json's web scope pins no version of ${pkg.name}`);
    const dir = packageDir(pkg.name, version);
    const entry = { name: pkg.name, version, files: [] as Manifest["packages"][0]["files"] };
    for (const file of pkg.files) {
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(join(dir, file.from));
      } catch (err) {
        throw new Error(
          `${pkg.name}@${version}: cannot read ${file.from} under ${relative(ROOT, dir)} ` +
            `(run "deno install" first): ${err instanceof Error ? err.message : err}`,
        );
      }
      files.set(file.to, bytes);
      entry.files.push({ to: file.to, from: file.from, sha256: await sha256(bytes) });
    }
    manifest.packages.push(entry);
  }
  files.set("VENDORED.json", new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
  return { files, manifest };
}

async function differences(files: Map<string, Uint8Array>): Promise<string[]> {
  const found: string[] = [];
  for (const [to, bytes] of files) {
    let current: Uint8Array | null = null;
    try {
      current = await Deno.readFile(join(VENDOR, to));
    } catch { /* missing */ }
    if (current === null) found.push(`missing: web/vendor/${to}`);
    else if (await sha256(current) !== await sha256(bytes)) found.push(`differs: web/vendor/${to}`);
  }
  return found;
}

if (import.meta.main) {
  const { files, manifest } = await expectedVendor();
  if (Deno.args.includes("--check")) {
    const found = await differences(files);
    if (found.length > 0) {
      console.error(`web/vendor/ is not what deno.json pins (run "deno task vendor"):`);
      for (const line of found) console.error(`  ${line}`);
      Deno.exit(1);
    }
    console.log(`web/vendor/ matches ${manifest.packages.length} pinned packages`);
  } else {
    await Deno.remove(VENDOR, { recursive: true }).catch(() => {});
    for (const [to, bytes] of files) {
      await Deno.mkdir(dirname(join(VENDOR, to)), { recursive: true });
      await Deno.writeFile(join(VENDOR, to), bytes);
    }
    for (const pkg of manifest.packages) console.log(`vendored ${pkg.name}@${pkg.version}`);
  }
}
