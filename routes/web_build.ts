/**
 * One build of the phone app as the box serves it: every file of `web/` read once, with its
 * content type, a SHA-256 for a strong ETag, and a gzipped copy of text; the build id (firmware
 * version + a hash over all files) that versions the asset URLs; and the three files rendered
 * from it — the shell (`index.html`, whose `%ASSETS%` become `/app/<build>`), the service worker
 * (`sw.js`, given the build and the files to keep offline) and `precache.json`.
 */
import { gzipSync } from "node:zlib";
import { extname, join, posix } from "node:path";

export interface Asset {
  bytes: Uint8Array;
  gzip: Uint8Array | null;
  contentType: string;
  /** Hex SHA-256 prefix of the bytes. */
  hash: string;
}

export interface WebBuild {
  /** `<version>-<hash>`: changes whenever any file of web/ does. */
  id: string;
  /** By path relative to web/, with "/" separators. */
  assets: Map<string, Asset>;
  /** index.html, sw.js and precache.json, rendered for this build. */
  rendered: Map<string, Asset>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
};

/** Files the service worker does not keep offline (the phone never needs them to run). */
const NOT_PRECACHED = /(^|\/)(LICENSE[^/]*|VENDORED\.json|README[^/]*)$|^sw\.js$|^index\.html$/;

async function hashHex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function isText(type: string): boolean {
  return /^text\/|json|javascript|svg|manifest/.test(type);
}

async function asset(bytes: Uint8Array, contentType: string): Promise<Asset> {
  return {
    bytes,
    contentType,
    hash: (await hashHex(bytes)).slice(0, 32),
    // Small files are not worth the header and the CPU.
    gzip: isText(contentType) && bytes.length > 512 ? gzipSync(bytes, { level: 9 }) : null,
  };
}

async function* walk(dir: string, prefix = ""): AsyncGenerator<string> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) entries.push(entry);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) yield* walk(join(dir, entry.name), rel);
    else if (entry.isFile) yield rel;
  }
}

export async function loadWebBuild(root: string, version: string): Promise<WebBuild> {
  const assets = new Map<string, Asset>();
  const hashes: string[] = [];
  for await (const rel of walk(root)) {
    const bytes = await Deno.readFile(join(root, rel));
    const type = CONTENT_TYPES[extname(rel).toLowerCase()] ?? "application/octet-stream";
    const a = await asset(bytes, type);
    assets.set(rel, a);
    hashes.push(`${rel}:${a.hash}`);
  }
  const digest = await hashHex(new TextEncoder().encode(hashes.join("\n")));
  const id = `${version.replace(/[^A-Za-z0-9.]/g, "_")}-${digest.slice(0, 10)}`;
  const base = `/app/${id}`;
  const precache = [...assets.keys()].filter((rel) => !NOT_PRECACHED.test(rel)).map((rel) =>
    `${base}/${rel}`
  );
  const text = (rel: string) =>
    new TextDecoder().decode(assets.get(rel)?.bytes ?? new Uint8Array());
  const shell = text("index.html");
  const preload = moduleClosure("app.js", text, importMapOf(shell))
    .map((rel) => `<link rel="modulepreload" href="%ASSETS%/${rel}">`).join("\n    ");
  const fill = (template: string) =>
    template.replace("%PRELOAD%", preload).replaceAll("%ASSETS%", base).replaceAll("%BUILD%", id)
      .replaceAll(
        "%VERSION%",
        version,
      );
  const encode = (s: string) => new TextEncoder().encode(s);
  const rendered = new Map<string, Asset>([
    ["index.html", await asset(encode(fill(shell)), CONTENT_TYPES[".html"]!)],
    [
      "sw.js",
      await asset(
        encode(fill(text("sw.js")).replace("/*%PRECACHE%*/ []", JSON.stringify(precache))),
        CONTENT_TYPES[".js"]!,
      ),
    ],
    ["precache.json", await asset(encode(JSON.stringify(precache)), CONTENT_TYPES[".json"]!)],
  ]);
  return { id, assets, rendered };
}

/** Bare specifier → path under web/, from the shell's import map (its %ASSETS%/ prefix removed). */
function importMapOf(html: string): Map<string, string> {
  const m = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html);
  const map = new Map<string, string>();
  if (!m) return map;
  const imports: Record<string, string> = JSON.parse(m[1]!).imports ?? {};
  for (const [name, target] of Object.entries(imports)) {
    map.set(name, target.replace(/^%ASSETS%\//, ""));
  }
  return map;
}

const STATIC_IMPORT =
  /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g;

/**
 * Every module `entry` loads through static imports (not `import()`), entry first: the files
 * the shell preloads so that a slow link fetches them in parallel, not level by level.
 */
export function moduleClosure(
  entry: string,
  read: (rel: string) => string,
  importMap: Map<string, string>,
): string[] {
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    for (const m of read(rel).matchAll(STATIC_IMPORT)) {
      const spec = m[1]!;
      const target = spec.startsWith(".")
        ? posix.normalize(posix.join(posix.dirname(rel), spec))
        : importMap.get(spec);
      if (target) visit(target);
    }
  };
  visit(entry);
  return [...seen];
}
