/**
 * Serving the phone app: the shell names the build in every asset URL and preloads the first
 * screen's modules; versioned assets are immutable with strong ETags and gzip; another build's
 * asset is a 404 (so an old page reloads); the service worker is rendered with its build and
 * file list; a changed file makes a new build; paths cannot leave web/.
 */
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { assert, assertEquals, assertMatch, assertNotEquals } from "../tests/_assert.ts";
import { loadWebBuild, moduleClosure } from "./web_build.ts";
import { webRoutes } from "./web.ts";

async function fixture(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "openskylab-web-" });
  const files: Record<string, string> = {
    "index.html": `<!doctype html><meta name="b" content="%BUILD%">
<script type="importmap">{ "imports": { "lib": "%ASSETS%/vendor/lib.mjs" } }</script>
%PRELOAD%
<script type="module" src="%ASSETS%/app.js"></script>`,
    "app.js":
      `import { a } from "./a.js";\nimport "lib";\nconst lazy = () => import("./lazy.js");\n` +
      "// ".padEnd(2000, "x") + "\n",
    "a.js": `export const a = 1;\nexport { b } from "./sub/b.js";\n`,
    "sub/b.js": `export const b = 2;\n`,
    "lazy.js": `export default 3;\n`,
    "vendor/lib.mjs": `import{x as y}from"./dep.mjs";export{y};`,
    "vendor/dep.mjs": `export const x=1;`,
    "vendor/LICENSE": "MIT",
    "sw.js": `const BUILD = "%BUILD%";\nconst PRECACHE = /*%PRECACHE%*/ [];\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(root, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(root, path), text);
  }
  return root;
}

Deno.test("the shell preloads exactly the static import closure of app.js", async () => {
  const root = await fixture();
  try {
    const read = (rel: string) => Deno.readTextFileSync(join(root, rel));
    assertEquals(
      moduleClosure("app.js", read, new Map([["lib", "vendor/lib.mjs"]])),
      ["app.js", "a.js", "sub/b.js", "vendor/lib.mjs", "vendor/dep.mjs"],
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("versioned assets: immutable, strong ETag, gzip, 304; other builds 404; sw rendered", async () => {
  const root = await fixture();
  try {
    const app = webRoutes({ root, version: "1.2.3" });
    const get = (path: string, headers: HeadersInit = {}) =>
      app.request(path, { headers }) as Promise<Response>;

    const shell = await get("/");
    assertEquals(shell.headers.get("cache-control"), "no-cache");
    const html = await shell.text();
    const build = /content="(1\.2\.3-[0-9a-f]{10})"/.exec(html)?.[1];
    assert(build, html);
    assertMatch(html, new RegExp(`"lib": "/app/${build}/vendor/lib.mjs"`));
    for (const rel of ["app.js", "a.js", "sub/b.js", "vendor/lib.mjs", "vendor/dep.mjs"]) {
      assertMatch(html, new RegExp(`<link rel="modulepreload" href="/app/${build}/${rel}">`));
    }
    assert(!html.includes("lazy.js"), "a dynamic import is not preloaded");
    const shell304 = await get("/", { "if-none-match": shell.headers.get("etag")! });
    assertEquals(shell304.status, 304);

    const js = await get(`/app/${build}/app.js`, { "accept-encoding": "gzip, deflate" });
    assertEquals(js.status, 200);
    assertEquals(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assertEquals(js.headers.get("content-encoding"), "gzip");
    assertEquals(js.headers.get("vary"), "Accept-Encoding");
    const etag = js.headers.get("etag")!;
    assertMatch(etag, /^"[0-9a-f]{32}-gz"$/);
    const body = new Uint8Array(await js.arrayBuffer());
    assertEquals(
      new TextDecoder().decode(gunzipSync(body)),
      await Deno.readTextFile(join(root, "app.js")),
    );
    assertEquals(
      (await get(`/app/${build}/app.js`, { "accept-encoding": "gzip", "if-none-match": etag }))
        .status,
      304,
    );
    const plain = await get(`/app/${build}/app.js`);
    assertEquals(plain.headers.get("content-encoding"), null);
    assertNotEquals(plain.headers.get("etag"), etag);
    await plain.body?.cancel();

    const stale = await get("/app/1.2.2-0123456789/app.js");
    assertEquals(stale.status, 404);
    assertEquals(stale.headers.get("cache-control"), "no-store");
    await stale.body?.cancel();
    assertEquals((await get(`/app/${build}/missing.js`)).status, 404);
    assertEquals((await get(`/app/${build}/..%2f..%2fetc/passwd`)).status, 404);
    assertEquals((await get("/..%2fdeno.json")).status, 404);

    const sw = await get("/sw.js");
    assertEquals(sw.headers.get("service-worker-allowed"), "/");
    assertEquals(sw.headers.get("cache-control"), "no-cache");
    const swText = await sw.text();
    assertMatch(swText, new RegExp(`const BUILD = "${build}"`));
    const precache: string[] = JSON.parse(/const PRECACHE = (\[.*\]);/.exec(swText)![1]!);
    assert(precache.includes(`/app/${build}/lazy.js`), "lazy screens are kept offline too");
    assert(
      !precache.some((u) =>
        u.endsWith("LICENSE") || u.endsWith("sw.js") || u.endsWith("index.html")
      ),
    );

    // Any change to any file is a new build.
    const before = await loadWebBuild(root, "1.2.3");
    await Deno.writeTextFile(join(root, "sub/b.js"), "export const b = 3;\n");
    const after = await loadWebBuild(root, "1.2.3");
    assertNotEquals(before.id, after.id);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
