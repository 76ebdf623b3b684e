/**
 * The import rules that keep dependencies pointing one way (DESIGN.md, "Layout"):
 *
 *   lib ← device contracts ← {drivers, core} ← routes ← cli
 *
 * - `lib/` imports nothing of ours but lib/.
 * - `devices/` imports lib/ and devices/ only.
 * - `core/` and `routes/` import lib/, core/ and the device contracts — the top-level
 *   `devices/*.ts` files other than the hub, the driver registry, discovery's aggregator and the
 *   guard — never a driver family's folder (a simulator, INDI, serial, FFI, Alpaca, PHD2) and never
 *   the hub class (they take the `Rig`/`RigControl` interfaces).
 * - `core/` never imports routes/ or cli/; `routes/` never imports cli/.
 * Test files (`*_test.ts`, `_test_*.ts`, `testdata/`) compose rigs and may import anything.
 * Every static and dynamic import with a relative specifier is checked, type-only ones included.
 */
import { dirname, join, normalize, relative } from "node:path";
import { assertEquals } from "../_assert.ts";

const ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), "../.."));
const LAYERS = ["lib", "devices", "core", "routes", "cli"] as const;
type Layer = typeof LAYERS[number];

/** Top-level device files that are wiring, not contracts: only cli/ and tests build them. */
const DEVICE_WIRING = new Set([
  "devices/hub.ts",
  "devices/registry.ts",
  "devices/discovery_service.ts",
  "devices/guard.ts",
]);

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;

export function isTestFile(path: string): boolean {
  const name = path.split("/").pop() ?? "";
  return name.endsWith("_test.ts") || name.startsWith("_test_") || path.includes("/testdata/");
}

function isDeviceContract(path: string): boolean {
  return /^devices\/[a-z_]+\.ts$/.test(path) && !DEVICE_WIRING.has(path) && !isTestFile(path);
}

/** Why `from` may not import `to`, or null when it may. Paths are relative to the repo root. */
export function violation(from: string, to: string): string | null {
  const layer = from.split("/")[0] as Layer;
  const target = to.split("/")[0];
  if (to === "main.ts") return "nothing imports main.ts";
  switch (layer) {
    case "lib":
      return target === "lib" ? null : "lib/ imports nothing of ours but lib/";
    case "devices":
      return target === "lib" || target === "devices"
        ? null
        : "devices/ imports only lib/ and devices/";
    case "core":
    case "routes":
      if (target === "lib" || target === "core") return null;
      if (target === "routes" && layer === "routes") return null;
      if (target === "devices") {
        return isDeviceContract(to)
          ? null
          : `${layer}/ may use device contracts only, not ${to} (take Rig/RigControl, ` +
            "and let cli/ wire drivers, the hub and discovery)";
      }
      return `${layer}/ may not import ${target}/`;
    case "cli":
      return null;
  }
  return null;
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("import rules: every module imports only what its layer may", async () => {
  const found: string[] = [];
  let checked = 0;
  for (const layer of LAYERS) {
    for await (const file of sourceFiles(layer)) {
      if (isTestFile(file)) continue;
      const text = await Deno.readTextFile(join(ROOT, file));
      for (const match of text.matchAll(SPECIFIER)) {
        const to = relative(ROOT, normalize(join(ROOT, dirname(file), match[1]!)));
        checked++;
        const why = violation(file, to);
        if (why) found.push(`${file} → ${to}: ${why}`);
      }
    }
  }
  if (checked < 500) throw new Error(`only ${checked} imports were read: the scan is broken`);
  assertEquals(found, [], `import rule violations:\n${found.join("\n")}`);
});

Deno.test("import rules: the rule table itself", () => {
  assertEquals(violation("lib/fits/read.ts", "lib/fits/hdu.ts"), null);
  assertEquals(violation("lib/astro/time.ts", "devices/mount.ts") !== null, true);
  assertEquals(violation("devices/sim/mount.ts", "core/events.ts") !== null, true);
  assertEquals(violation("core/frames/_write_frame.ts", "devices/camera.ts"), null);
  assertEquals(violation("core/frames/_write_frame.ts", "devices/hub.ts") !== null, true);
  assertEquals(violation("routes/devices.ts", "devices/sim/faults.ts") !== null, true);
  assertEquals(violation("core/services.ts", "routes/app.ts") !== null, true);
  assertEquals(violation("cli/server.ts", "devices/registry.ts"), null);
  assertEquals(isTestFile("core/sequencer/_test_rig.ts"), true);
});
