/**
 * Finds the installed Tycho-2 index files and turns them into a SkyCatalog, through the disk
 * cache when it is current. The cache is keyed on the files' names, sizes and mtimes, so a
 * package upgrade or a replaced file triggers a rebuild; an unreadable cache is never trusted,
 * only logged and replaced. The cache is read here, on the caller's thread (about 10 ms); a cold
 * build runs on a worker thread (build_off_loop.ts), so it never stalls the event loop. This is
 * the un-memoised loader behind `loadSkyCatalog`.
 */
import { join } from "node:path";
import type { Logger } from "../log.ts";
import type { SkyCatalog } from "./catalog.ts";
import { buildPackedStarsOffLoop } from "./build_off_loop.ts";
import { CACHE_FILE_NAME, decodeCache, type SourceFile, writeCache } from "./cache_file.ts";
import type { PackedStars } from "./packed.ts";
import { groupThousands, PackedSkyCatalog } from "./packed_catalog.ts";

export interface LoadOptions {
  indexDir: string;
  cacheDir?: string | null;
  log?: Logger;
}

const INDEX_FILE = /^index-tycho2-.*\.fits$/;

/** The Tycho-2 index files in `indexDir`, sorted by name; null when there are none or no dir. */
export async function listIndexFiles(indexDir: string): Promise<SourceFile[] | null> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(indexDir)) {
      if (INDEX_FILE.test(entry.name)) names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return null;
    }
    throw err;
  }
  names.sort();
  const sources: SourceFile[] = [];
  for (const name of names) {
    const info = await Deno.stat(join(indexDir, name));
    if (!info.isFile) continue;
    sources.push({ name, sizeBytes: info.size, mtimeMs: info.mtime?.getTime() ?? 0 });
  }
  return sources.length > 0 ? sources : null;
}

function describe(sources: SourceFile[], starCount: number): string {
  const files = sources.length === 1
    ? "1 astrometry.net index file"
    : `${sources.length} astrometry.net index files`;
  return `Tycho-2 from ${files} (${groupThousands(starCount)} stars)`;
}

/** Loads from a current cache, else builds (and caches when `cacheDir` is set). */
export async function buildOrLoadSkyCatalog(options: LoadOptions): Promise<SkyCatalog | null> {
  const { indexDir, cacheDir = null, log } = options;
  const sources = await listIndexFiles(indexDir);
  if (!sources) {
    log?.info("no Tycho-2 index files; the star catalog is empty", { indexDir });
    return null;
  }
  const cachePath = cacheDir === null ? null : join(cacheDir, CACHE_FILE_NAME);
  if (cachePath) {
    const started = performance.now();
    const cached = await readCache(cachePath, sources, log);
    if (cached) {
      const catalog = new PackedSkyCatalog(cached, describe(sources, cached.raUnits.length));
      log?.info("sky catalog loaded from cache", {
        cachePath,
        stars: catalog.starCount,
        loadMs: Math.round(performance.now() - started),
      });
      return catalog;
    }
  }
  const started = performance.now();
  const { stars, readCount, removedCount } = await buildPackedStarsOffLoop(indexDir, sources);
  const catalog = new PackedSkyCatalog(stars, describe(sources, stars.raUnits.length));
  log?.info("sky catalog built from index files", {
    indexDir,
    files: sources.length,
    starsRead: readCount,
    duplicates: removedCount,
    stars: catalog.starCount,
    packedBytes: catalog.packedBytes,
    buildMs: Math.round(performance.now() - started),
  });
  if (cachePath && cacheDir !== null) {
    try {
      await Deno.mkdir(cacheDir, { recursive: true });
      await writeCache(cachePath, stars, sources);
    } catch (err) {
      // The catalog works without its cache; the next start just builds again.
      log?.warn("could not write the sky catalog cache", {
        cachePath,
        error: (err as Error).message,
      });
    }
  }
  return catalog;
}

async function readCache(
  cachePath: string,
  sources: SourceFile[],
  log: Logger | undefined,
): Promise<PackedStars | null> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(cachePath);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      log?.warn("sky catalog cache is unreadable; rebuilding", {
        cachePath,
        error: (err as Error).message,
      });
    }
    return null;
  }
  const decoded = decodeCache(bytes, sources);
  if ("reason" in decoded) {
    log?.warn("sky catalog cache is stale or corrupt; rebuilding", {
      cachePath,
      reason: decoded.reason,
    });
    return null;
  }
  return decoded.stars;
}
