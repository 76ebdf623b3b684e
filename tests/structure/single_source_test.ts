/**
 * Rules that have exactly one home (issue 14, B.5): the deadline of a mount's slew lives in
 * core/device_wait.ts and every wait for a slew goes through it; a filter is found by name only
 * through `slotOfFilter` beside the filter wheel contract. A second copy drifts (the sequencer
 * once allowed 10 min, centring 3, the Alpaca bridge 5; autofocus matched names another way than
 * the REST route), so a new one fails here.
 */
import { join } from "node:path";
import { assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const LAYERS = ["lib", "core", "devices", "routes", "cli"];

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sources(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) yield path;
  }
}

/** `path:line` of every line matching `pattern` outside `home`. */
async function elsewhere(pattern: RegExp, home: string): Promise<string[]> {
  const found: string[] = [];
  for (const layer of LAYERS) {
    for await (const path of sources(layer)) {
      if (path === home || path.split("/").pop()!.startsWith("_test_")) continue;
      const lines = (await Deno.readTextFile(join(ROOT, path))).split("\n");
      lines.forEach((line, i) => {
        if (pattern.test(line)) found.push(`${path}:${i + 1}: ${line.trim()}`);
      });
    }
  }
  return found;
}

Deno.test("one slew timeout: no other slew deadline, no hand-written wait for a slew", async () => {
  const home = "core/device_wait.ts";
  assertEquals(await elsewhere(/\b[A-Z_]*SLEW[A-Z_]*_MS\s*=/, home), []);
  assertEquals(await elsewhere(/while\s*\([^)]*\.slewing\b/, home), []);
  const text = await Deno.readTextFile(join(ROOT, home));
  assertEquals(/export const SLEW_TIMEOUT_MS = /.test(text), true);
});

Deno.test("one filter lookup: no other code matches filter names against the slots", async () => {
  const home = "devices/filterwheel.ts";
  assertEquals(await elsewhere(/slots?\b.*\.name(\.toLowerCase\(\))?\s*===/, home), []);
});
