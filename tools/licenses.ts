/**
 * `deno task licenses`: writes the box's third-party licence inventory,
 * core/license/third_party.generated.json, from the installed packages (see
 * tools/licenses/generate.ts). The API's License group serves it; being imported by
 * core/license/, it is inside every build of the app — a source checkout reads it, and the
 * release's bundle carries it. The release build imports `writeLicenses` (or runs `--check`) so
 * a release never ships an inventory older than its lockfile.
 *
 *   deno task licenses           regenerate; exit 1 when a package has no notice or licence
 *   deno task licenses --check   exit 1 when the file is stale or has problems
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ThirdPartyDocument, type ThirdPartyDocumentT } from "../core/schemas/license.ts";
import {
  generateLicenses,
  type GenerateOptions,
  type GenerateResult,
} from "./licenses/generate.ts";

export { generateLicenses, RELEASE_PLATFORMS } from "./licenses/generate.ts";

export const REPO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const GENERATED_PATH = "core/license/third_party.generated.json";

export function serializeLicenses(doc: ThirdPartyDocumentT): string {
  return JSON.stringify(doc, null, 2) + "\n";
}

/** The inventory committed in the repository, or null when there is none (or it is broken). */
export async function readGenerated(repoDir = REPO_DIR): Promise<ThirdPartyDocumentT | null> {
  const text = await Deno.readTextFile(join(repoDir, GENERATED_PATH)).catch(() => null);
  if (text === null) return null;
  try {
    const parsed = ThirdPartyDocument.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export type LicensesOptions = Omit<GenerateOptions, "repoDir" | "previous"> & { repoDir?: string };

/** Regenerates and writes the inventory; returns what was generated and its problems. */
export async function writeLicenses(o: LicensesOptions = {}): Promise<GenerateResult> {
  const repoDir = o.repoDir ?? REPO_DIR;
  const result = await generateLicenses({ ...o, repoDir, previous: await readGenerated(repoDir) });
  await Deno.writeTextFile(join(repoDir, GENERATED_PATH), serializeLicenses(result.document));
  return result;
}

/** What differs between two inventories, one line per component, project or text. */
export function inventoryDifferences(
  committed: ThirdPartyDocumentT | null,
  fresh: ThirdPartyDocumentT,
): string[] {
  if (committed === null) return [`${GENERATED_PATH} does not exist`];
  const id = (c: ThirdPartyDocumentT["components"][number]) => `${c.kind}:${c.name}@${c.version}`;
  const before = new Map(committed.components.map((c) => [id(c), JSON.stringify(c)]));
  const after = new Map(fresh.components.map((c) => [id(c), JSON.stringify(c)]));
  const out: string[] = [];
  for (const [k, v] of after) {
    if (!before.has(k)) out.push(`missing from the file: ${k}`);
    else if (before.get(k) !== v) out.push(`changed: ${k}`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`no longer installed: ${k}`);
  if (JSON.stringify(committed.project) !== JSON.stringify(fresh.project)) {
    out.push("changed: the project's own licence");
  }
  if (out.length === 0 && serializeLicenses(committed) !== serializeLicenses(fresh)) {
    out.push("the file's text differs (notice texts or layout)");
  }
  return out;
}

/** Regenerates without writing (no registry look-ups) and compares with the committed file. */
export async function checkLicenses(
  o: LicensesOptions = {},
): Promise<GenerateResult & { stale: string[] }> {
  const repoDir = o.repoDir ?? REPO_DIR;
  const committed = await readGenerated(repoDir);
  const result = await generateLicenses({ ...o, repoDir, previous: committed, registry: false });
  return { ...result, stale: inventoryDifferences(committed, result.document) };
}

function summary(r: GenerateResult): string {
  const count = (use: string) => r.document.components.filter((c) => c.use === use).length;
  const missing = r.document.components.filter((c) => c.notices.length === 0).length;
  return `${r.document.components.length} components: ${count("shipped")} shipped, ` +
    `${count("test")} test-only, ${count("platform")} other-platform, ${count("types")} ` +
    `types-only; ${missing} without a notice text (${r.acknowledged.length} acknowledged)`;
}

if (import.meta.main) {
  const log = (line: string) => console.error(`licenses: ${line}`);
  try {
    const check = Deno.args.includes("--check");
    const result: GenerateResult & { stale?: string[] } = check
      ? await checkLicenses({ log })
      : await writeLicenses({ log });
    console.log(summary(result));
    for (const a of result.acknowledged) log(`acknowledged, no notice: ${a}`);
    let failed = false;
    if (result.stale && result.stale.length > 0) {
      log(`${GENERATED_PATH} is stale (run deno task licenses):`);
      for (const line of result.stale) log(`  ${line}`);
      failed = true;
    }
    if (result.problems.length > 0) {
      log(`${result.problems.length} problem(s):`);
      for (const p of result.problems) log(`  ${p}`);
      failed = true;
    }
    if (!check) console.log(`wrote ${GENERATED_PATH}`);
    if (failed) Deno.exit(1);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    Deno.exit(1);
  }
}
