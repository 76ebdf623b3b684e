/**
 * One frame sink (issue 14 A.6): only core/frames/ writes frame files, draws frame numbers or
 * renders the file pattern. A producer that wrote its own would bring back a second counter — the
 * `…_0001-2.fits` of the issue — so the writer, the counter and the pattern renderer may be
 * imported from core/frames/ alone (config may read the pattern's token list).
 */
import { dirname, join, normalize, relative } from "node:path";
import { assertEquals } from "../_assert.ts";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), "../.."));
const SPECIFIER = /import\s*(type\s*)?\{([^}]*)\}\s*from\s*["'](\.{1,2}\/[^"']+)["']/g;

/** Module → the names others may import from it, and who may import the rest. */
const SINK_ONLY: Record<string, { open: string[] }> = {
  "core/frames/_write_frame.ts": { open: [] },
  "core/store/frame_numbers.ts": { open: [] },
  "core/frames/file_name.ts": { open: ["KNOWN_TOKENS"] },
};

function isTestFile(path: string): boolean {
  const name = path.split("/").pop() ?? "";
  return name.endsWith("_test.ts") || name.startsWith("_test_") || path.includes("/testdata/");
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("frame sink: only core/frames/ writes frames, numbers them and renders their names", async () => {
  const found: string[] = [];
  let checked = 0;
  for (const layer of ["core", "routes", "cli"]) {
    for await (const file of sourceFiles(layer)) {
      if (isTestFile(file) || file.startsWith("core/frames/")) continue;
      const text = await Deno.readTextFile(join(ROOT, file));
      for (const match of text.matchAll(SPECIFIER)) {
        const to = relative(ROOT, normalize(join(ROOT, dirname(file), match[3]!)));
        checked++;
        const rule = SINK_ONLY[to];
        if (!rule) continue;
        const names = match[2]!.split(",").map((n) => n.replace(/^\s*type\s+/, "").trim())
          .filter((n) => n !== "");
        const closed = names.filter((n) => !rule.open.includes(n));
        if (closed.length > 0) found.push(`${file} imports ${closed.join(", ")} from ${to}`);
      }
    }
  }
  if (checked < 300) throw new Error(`only ${checked} imports were read: the scan is broken`);
  assertEquals(found, [], `frames kept outside the sink:\n${found.join("\n")}`);
});
