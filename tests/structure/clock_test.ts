/**
 * One clock (issue 14, B.5): the domain — devices, services, routes — reads time from the injected
 * `Clock` (lib/clock.ts), so a test can run a night on a `ManualClock` and every part agrees on
 * "now". Two kinds of time are not the domain's and say so: I/O deadlines run on the monotonic
 * `performance.now()` (the phone may set the box's clock; a read must not time out because of
 * it), and a few wall-clock stamps are compared with file modification times, which only the
 * real clock writes. Anything else reading `Date.now()` or `new Date()` fails here.
 */
import { join } from "node:path";
import { assertEquals } from "../_assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const LAYERS = ["core", "devices", "routes"];

/** Files that read the wall clock on purpose, with the reason. */
const WALL_CLOCK_ON_PURPOSE: Record<string, string> = {
  "core/sequencer/position.ts": "a checkpoint's wall_ms is compared with frame files' mtimes",
  "core/sequencer/commit_frame.ts": "the commit's wall_ms is compared with frame files' mtimes",
  "core/sequencer/service.ts": "a new checkpoint's wall_ms, compared with files' mtimes",
};

async function* sources(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sources(path);
    else if (
      entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts") && !entry.name.startsWith("_")
    ) yield path;
  }
}

Deno.test("one clock: core, devices and routes read time from the injected Clock", async () => {
  const found: string[] = [];
  for (const layer of LAYERS) {
    for await (const path of sources(layer)) {
      if (path in WALL_CLOCK_ON_PURPOSE) continue;
      const lines = (await Deno.readTextFile(join(ROOT, path))).split("\n");
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, "");
        if (/\bDate\.now\(\)|\bnew Date\(\s*\)/.test(code)) {
          found.push(`${path}:${i + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assertEquals(found, []);
});

Deno.test("one clock: every file allowed the wall clock still needs it", async () => {
  for (const path of Object.keys(WALL_CLOCK_ON_PURPOSE)) {
    const text = await Deno.readTextFile(join(ROOT, path));
    assertEquals(/\bDate\.now\(\)/.test(text), true, `${path} no longer reads the wall clock`);
  }
});
