/** Workers loaded by URL: pointed at their bundles, and a worker nobody listed stops the build. */
import { assertEquals, assertThrows } from "../../tests/_assert.ts";
import { pointWorkersAtBundles } from "./bundle.ts";

const BUNDLE = [
  'this.#url = opts.workerUrl ?? new URL("./worker.ts", import.meta.url);',
  'const worker = new Worker(new URL("./build_worker.ts", import.meta.url).href, {});',
  'const importer = new Worker(new URL("./import_worker.ts", import.meta.url).href, {});',
  'const drawer = new Worker(new URL("./synth_worker.ts", import.meta.url).href, {});',
  'const WEB_ROOT = resolve(fileURLToPath(new URL("../web/", import.meta.url)));',
].join("\n");

Deno.test("each worker's URL is pointed at its bundle beside main.js", () => {
  const out = pointWorkersAtBundles(BUNDLE);
  assertEquals(out.split("\n"), [
    'this.#url = opts.workerUrl ?? new URL("./imaging_worker.js", import.meta.url);',
    'const worker = new Worker(new URL("./sky_catalog_worker.js", import.meta.url).href, {});',
    'const importer = new Worker(new URL("./catalog_import_worker.js", import.meta.url).href, {});',
    'const drawer = new Worker(new URL("./sim_synth_worker.js", import.meta.url).href, {});',
    'const WEB_ROOT = resolve(fileURLToPath(new URL("../web/", import.meta.url)));',
  ]);
});

Deno.test("a worker the release does not carry, or one gone from the bundle, stops the build", () => {
  assertThrows(
    () => pointWorkersAtBundles(`${BUNDLE}\nnew Worker(new URL("./stacker.ts", import.meta.url));`),
    Error,
    '"./stacker.ts"',
  );
  assertThrows(
    () => pointWorkersAtBundles(BUNDLE.replace("./worker.ts", "./imaging.ts")),
    Error,
    "core/imaging/worker.ts",
  );
});
