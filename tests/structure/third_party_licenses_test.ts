/**
 * The licence inventory covers what the repository pins, and is what the installed packages say
 * today: a dependency added to deno.lock (or to the phone app's web/ pins) without an entry, a
 * known SPDX licence and its notice text fails here with the package's name, and so does an
 * inventory older than the lockfile. Fix: `deno task licenses` (tools/licenses.ts).
 */
import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { checkLicenses, GENERATED_PATH, readGenerated, REPO_DIR } from "../../tools/licenses.ts";
import { type CoverageInput, coverageProblems } from "../../tools/licenses/coverage.ts";

async function repository(): Promise<CoverageInput> {
  const read = async (path: string) => JSON.parse(await Deno.readTextFile(join(REPO_DIR, path)));
  const document = await readGenerated();
  assert(document, `${GENERATED_PATH} is missing or not an inventory: run deno task licenses`);
  return {
    lock: await read("deno.lock"),
    config: await read("deno.json"),
    document,
    acknowledged: (await read("tools/licenses/acknowledged.json")).missing_notice,
  };
}

Deno.test("licences: every package of deno.lock and web/'s pins has a known licence and its notice", async () => {
  const input = await repository();
  const problems = coverageProblems(input);
  assertEquals(problems, [], `the licence inventory is incomplete:\n  ${problems.join("\n  ")}`);
  const silent = input.document.components.filter((c) => c.notices.length === 0);
  if (silent.length > 0) {
    console.warn(
      `licences: ${silent.length} packages ship no notice text (acknowledged.json says why): ` +
        silent.map((c) => `${c.name}@${c.version}`).join(", "),
    );
  }
});

Deno.test("licences: the inventory is not stale (regenerated from the installed packages)", async () => {
  const result = await checkLicenses();
  assertEquals(
    result.stale,
    [],
    `${GENERATED_PATH} is stale, run deno task licenses:\n  ${result.stale.join("\n  ")}`,
  );
  assertEquals(result.problems, [], `licence problems:\n  ${result.problems.join("\n  ")}`);
});

Deno.test("licences: a dependency added without its notice or licence fails, by name", async () => {
  const input = await repository();
  const lock = structuredClone(input.lock);
  lock.npm!["left-pad@1.3.0"] = { integrity: "sha512-x" };
  assertEquals(coverageProblems({ ...input, lock }), [
    "left-pad@1.3.0 is in deno.lock but has no entry in the licence inventory " +
    "(run deno task licenses)",
  ]);

  const document = structuredClone(input.document);
  const hono = document.components.find((c) => c.name === "hono")!;
  hono.notices = [];
  const zod = document.components.find((c) => c.name === "zod")!;
  zod.licence = null;
  zod.licence_problem = "package.json declares no licence";
  const preact = document.components.findIndex((c) => c.name === "preact");
  document.components.splice(preact, 1);
  const found = coverageProblems({ ...input, document });
  assertEquals(
    found.sort(),
    [
      `hono@${hono.version} has no notice text and tools/licenses/acknowledged.json does not ` +
      "explain why",
      "preact@10.29.8 is in deno.lock but has no entry in the licence inventory (run deno task licenses)",
      "preact@10.29.8, pinned for web/, has no inventory entry",
      `zod@${zod.version} has an unknown licence: package.json declares no licence`,
    ].sort(),
  );

  // An acknowledgement covers a missing notice, never an unknown licence.
  const acknowledged = { ...input.acknowledged, [`hono@${hono.version}`]: { reason: "test" } };
  assertEquals(
    coverageProblems({ ...input, document, acknowledged }).filter((p) => p.startsWith("hono")),
    [],
  );
});
