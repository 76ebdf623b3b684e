/**
 * Every worker the app starts ships in a release: a `new Worker(new URL("./x.ts", …))` or a
 * `new URL("./x.ts", import.meta.url)` handed to a worker pool, anywhere in the app's source, has
 * its entry in WORKERS (bundle.ts). A worker moved or added without one builds a release whose
 * worker URL points at nothing (the catalogue import worker once did).
 */
import { join } from "node:path";
import { assertEquals } from "../../tests/_assert.ts";
import { WORKERS } from "./bundle.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const APP = ["lib", "core", "devices", "routes", "cli"];

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) yield path;
  }
}

Deno.test("release: every worker the app starts has its bundle", async () => {
  const started = new Set<string>();
  for (const dir of APP) {
    for await (const path of sources(dir)) {
      const text = await Deno.readTextFile(join(ROOT, path));
      for (
        const m of text.matchAll(/new URL\("(\.\/(?:[\w/]*_)?worker\.ts)", import\.meta\.url\)/g)
      ) {
        started.add(join(path, "..", m[1]!));
      }
    }
  }
  assertEquals([...started].sort(), WORKERS.map((w) => w.source).sort());
});
