/**
 * Each subcommand loads only what it needs (issue 14 A.12: `main.ts analyze` used to import all
 * 395 modules of the server to analyse one file). Deno's own module graph (`deno info --json
 * main.ts`) says which imports are static and which dynamic; what a command loads is the static
 * closure of main.ts plus the static closure of the module its dynamic import names. Type-only
 * imports are not loaded and do not count. No wall clock is involved: the graph either keeps the
 * server out of a small command or it does not.
 */
import { dirname, join, normalize } from "node:path";
import { pathToFileURL } from "node:url";
import { assert, assertEquals } from "../_assert.ts";
import { COMMANDS } from "../../cli/run.ts";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), "../.."));
const url = (path: string) => pathToFileURL(join(ROOT, path)).href;

interface Dependency {
  specifier: string;
  code?: { specifier?: string };
  isDynamic?: boolean;
}
interface Graph {
  modules: { specifier: string; kind: string; dependencies?: Dependency[] }[];
  redirects: Record<string, string>;
}

const info = await new Deno.Command(Deno.execPath(), {
  args: ["info", "--json", "main.ts"],
  cwd: ROOT,
  stdout: "piped",
  stderr: "piped",
}).output();
if (!info.success) throw new Error(new TextDecoder().decode(info.stderr));
const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as Graph;
const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));

/** Every module loaded to evaluate `roots`, following static code imports only. */
function staticClosure(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const raw = stack.pop()!;
    const specifier = graph.redirects[raw] ?? raw;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code?.specifier) stack.push(dep.code.specifier);
    }
  }
  return seen;
}

/** What `main.ts <command>` loads. */
function loadedBy(command: string): Set<string> {
  return staticClosure([url("main.ts"), url(`cli/${command}.ts`)]);
}

const runDeps = bySpecifier.get(url("cli/run.ts"))?.dependencies ?? [];

Deno.test("cli: main.ts and the dispatcher load nothing but themselves", () => {
  const always = [...staticClosure([url("main.ts")])].map((s) => s.slice(url("").length + 1))
    .sort();
  assertEquals(always, ["cli/run.ts", "main.ts"]);
});

Deno.test("cli: every command is a dynamic import of cli/<command>.ts", () => {
  for (const name of Object.keys(COMMANDS)) {
    const dep = runDeps.find((d) => d.code?.specifier === url(`cli/${name}.ts`));
    assert(dep?.isDynamic, `cli/run.ts imports cli/${name}.ts dynamically`);
  }
});

Deno.test("cli: analyze loads the FITS reader and the star analysis, not the server", () => {
  const analyze = loadedBy("analyze");
  const serve = loadedBy("serve");
  const names = [...analyze].join("\n");
  // The old dispatcher loaded 395 modules for it; the analysis itself needs about 25.
  assert(analyze.size <= 40, `analyze loads ${analyze.size} modules:\n${names}`);
  for (const unwanted of ["cli/server.ts", "routes/", "core/store/", "npm:/hono", "npm:/@libsql"]) {
    assert(!names.includes(unwanted), `analyze loads ${unwanted}`);
  }
  // The graph does see the server behind `serve`, so the bound above means something.
  assert(serve.has(url("cli/server.ts")) && serve.size > 10 * analyze.size, `${serve.size}`);
});

Deno.test("cli: token and solve stay clear of the HTTP server and the database", () => {
  for (const command of ["token", "solve"]) {
    const names = [...loadedBy(command)].join("\n");
    for (const unwanted of ["cli/server.ts", "routes/", "npm:/hono", "npm:/@libsql"]) {
      assert(!names.includes(unwanted), `${command} loads ${unwanted}`);
    }
  }
});
