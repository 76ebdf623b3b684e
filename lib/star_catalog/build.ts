/**
 * The cold build of the star catalog: read every Tycho-2 index file once, concatenate their
 * stars, pack them into the zone index and drop the stars several files share. It is about half
 * a second of uninterrupted CPU on a desktop (several seconds on a Pi), so the server never runs
 * it on its own event loop: build_worker.ts runs it on a worker thread and build_off_loop.ts
 * starts that worker. It stays an ordinary async function so tests can call it directly.
 */
import { join } from "node:path";
import type { SourceFile } from "./cache_file.ts";
import { dropDuplicates } from "./dedupe.ts";
import { readIndexStars } from "./index_file.ts";
import { type PackedStars, packStars } from "./packed.ts";

/** What a build produced: the packed stars and the counts the load log reports. */
export interface BuildResult {
  stars: PackedStars;
  readCount: number;
  removedCount: number;
}

/** Reads every index file once, merges the stars and drops the duplicates between files. */
export async function buildPackedStars(
  indexDir: string,
  sources: SourceFile[],
): Promise<BuildResult> {
  const parts = [];
  for (const source of sources) {
    const path = join(indexDir, source.name);
    parts.push(readIndexStars(await Deno.readFile(path), path));
  }
  const readCount = parts.reduce((sum, p) => sum + p.count, 0);
  const raDeg = new Float64Array(readCount);
  const decDeg = new Float64Array(readCount);
  const magV = new Float32Array(readCount);
  let at = 0;
  for (const part of parts) {
    raDeg.set(part.raDeg, at);
    decDeg.set(part.decDeg, at);
    magV.set(part.magV, at);
    at += part.count;
  }
  parts.length = 0;
  const { stars, removed } = dropDuplicates(packStars(raDeg, decDeg, magV));
  return { stars, readCount, removedCount: removed };
}
