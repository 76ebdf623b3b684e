/**
 * The box's offline star catalog: every Tycho-2 star the installed astrometry.net index files
 * hold (index-tycho2-09 … 19), merged and de-duplicated into a compact zone index that answers
 * cone searches in well under a millisecond — so a simulated camera can render the real sky
 * wherever the simulated mount points, and the HiPS catalogue (core/hips/) can serve real stars
 * to the phone's framing view with no internet. Building from the 80 MB of index files takes a few
 * seconds, so it runs on a worker thread (the event loop stays free), the packed arrays are
 * cached on disk and, within a process, one copy is shared by every caller of the same index
 * directory.
 */
import { resolve } from "node:path";
import type { Logger } from "../log.ts";
import { buildOrLoadSkyCatalog } from "./load.ts";
import type { PackedStars } from "./packed.ts";

/** J2000 (Tycho-2 epoch ~J2000 positions as stored in the index). */
export interface CatalogStar {
  raDeg: number;
  decDeg: number;
  magV: number;
}

export interface SkyCatalog {
  /** Human description, e.g. "Tycho-2 from 11 astrometry.net index files (812 345 stars)". */
  readonly source: string;
  readonly starCount: number;
  /** Every star within `radiusDeg` (great-circle) of (raDeg, decDeg); order unspecified. Must be fast: < 5 ms for a 2° cone. */
  cone(raDeg: number, decDeg: number, radiusDeg: number): CatalogStar[];
  /** Every star in the packed layout (read only), for whole-sky passes like the HiPS index. */
  readonly packed: PackedStars;
}

export interface SkyCatalogOptions {
  /** Where the astrometry.net index files live; default "/usr/share/astrometry". Files matched: index-tycho2-*.fits (and *.littleendian.fits). */
  indexDir?: string;
  /** Directory for the compact cache file; null = build in memory only (no disk cache). */
  cacheDir?: string | null;
  log?: Logger;
}

export const DEFAULT_INDEX_DIR = "/usr/share/astrometry";

/** One build per index directory per process; a failed build is forgotten so a retry can work. */
const inFlight = new Map<string, Promise<SkyCatalog | null>>();

/**
 * Resolves when no catalogue is being built or written (errors are the loaders' own): at
 * shutdown, so a cache file a simulated camera's first exposure started is finished, not cut.
 */
export async function skyCatalogsSettled(): Promise<void> {
  await Promise.allSettled([...inFlight.values()]);
}

/**
 * Reads the cache when it is current (same source file names, sizes and mtimes, same format
 * version), else builds it from the index files and writes it atomically (temp → rename). Null
 * when no Tycho-2 index files are installed. Memoised per process per (indexDir) so every user
 * in one process (simulated cameras, the HiPS catalogue) shares one copy. Never throws for a missing dir; throws an
 * Error naming the file for a corrupt index file.
 */
export function loadSkyCatalog(options: SkyCatalogOptions = {}): Promise<SkyCatalog | null> {
  const indexDir = resolve(options.indexDir ?? DEFAULT_INDEX_DIR);
  const existing = inFlight.get(indexDir);
  if (existing) return existing;
  const promise = buildOrLoadSkyCatalog({ ...options, indexDir });
  inFlight.set(indexDir, promise);
  promise.catch(() => {
    if (inFlight.get(indexDir) === promise) inFlight.delete(indexDir);
  });
  return promise;
}
