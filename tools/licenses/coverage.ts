/**
 * Does the inventory cover what the repository pins? Every npm package of deno.lock and every
 * library deno.json pins for the phone app (`scopes["./web/"]`, copied to web/vendor/) must have
 * an entry at the lock's integrity, with a known SPDX licence and notice text — or, for the
 * notice only, an explanation in acknowledged.json — and the Deno runtime must be listed with its
 * notice. Each problem names the package, so adding a dependency without its notice fails the
 * test that runs this with the package's name in the message.
 */
import type { ThirdPartyDocumentT } from "../../core/schemas/license.ts";
import { type DenoLock, lockPackages } from "./lockfile.ts";
import { npmTarget } from "./module_graph.ts";

export interface CoverageInput {
  lock: DenoLock;
  /** deno.json */
  config: { scopes?: Record<string, Record<string, string>> };
  document: ThirdPartyDocumentT;
  /** name@version → why it has no notice text */
  acknowledged: Record<string, { reason: string }>;
}

export function coverageProblems(i: CoverageInput): string[] {
  const problems: string[] = [];
  const npm = i.document.components.filter((c) => c.kind === "npm");
  const entry = (name: string, version: string) =>
    npm.find((c) => c.name === name && c.version === version);
  const fix = "run deno task licenses";

  const pinned = lockPackages(i.lock);
  for (const pkg of pinned) {
    const c = entry(pkg.name, pkg.version);
    const at = `${pkg.name}@${pkg.version}`;
    if (!c) {
      problems.push(`${at} is in deno.lock but has no entry in the licence inventory (${fix})`);
      continue;
    }
    if (c.integrity !== pkg.integrity) {
      problems.push(`${at}: the inventory read another tarball than deno.lock pins (${fix})`);
    }
    if (c.licence === null) {
      problems.push(`${at} has an unknown licence: ${c.licence_problem ?? "none declared"}`);
    }
    if (c.notices.length === 0 && !i.acknowledged[at]) {
      problems.push(
        `${at} has no notice text and tools/licenses/acknowledged.json does not explain why`,
      );
    }
  }
  for (const c of npm) {
    if (!pinned.some((p) => p.name === c.name && p.version === c.version)) {
      problems.push(`${c.name}@${c.version} is listed but no longer in deno.lock (${fix})`);
    }
  }

  const webPins = new Set(
    Object.values(i.config.scopes?.["./web/"] ?? {}).map((target) => {
      const pin = npmTarget(target);
      return pin ? `${pin.name}@${pin.range}` : null;
    }),
  );
  for (const key of webPins) {
    const pin = key === null ? null : npmTarget(`npm:${key}`);
    if (!pin) continue;
    const c = entry(pin.name, pin.range);
    if (!c) problems.push(`${pin.name}@${pin.range}, pinned for web/, has no inventory entry`);
    else if (c.notices.length === 0) problems.push(`${pin.name}@${pin.range} (web/) has no notice`);
  }

  const runtime = i.document.components.find((c) => c.kind === "runtime" && c.name === "deno");
  if (!runtime) problems.push(`the Deno runtime is not listed (${fix})`);
  else if (runtime.notices.length === 0) problems.push("the Deno runtime has no notice text");

  for (const c of i.document.components) {
    for (const n of c.notices) {
      if (i.document.texts[n.sha256] === undefined) {
        problems.push(`${c.name}@${c.version}: the text of ${n.file} is missing (${fix})`);
      }
    }
  }
  return problems;
}
