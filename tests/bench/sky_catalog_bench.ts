/**
 * The Tycho-2 star catalog (lib/star_catalog/): how long a cold build from the
 * installed astrometry.net index files takes, how long a warm start from the cache file takes,
 * what the packed arrays cost in memory, and the time of a 2° cone (the field of a wide
 * simulated camera) at random pointings, median and p99. Build and load go through the
 * un-memoised loader so each is measured for real, in a temporary cache directory. When no
 * index files are installed the bench says so and prints nothing else.
 */
import { join } from "node:path";
import { DEFAULT_INDEX_DIR } from "../../lib/star_catalog/catalog.ts";
import { CACHE_FILE_NAME } from "../../lib/star_catalog/cache_file.ts";
import { buildOrLoadSkyCatalog } from "../../lib/star_catalog/load.ts";
import { PackedSkyCatalog } from "../../lib/star_catalog/packed_catalog.ts";
import { percentile, report } from "./_util.ts";

const ROUNDS = 3;
const CONES = 2000;
const CONE_RADIUS_DEG = 2;

export async function skyCatalogBench(): Promise<void> {
  const cacheDir = await Deno.makeTempDir({ prefix: "sky-catalog-bench-" });
  try {
    const buildMs: number[] = [];
    const loadMs: number[] = [];
    let catalog = null;
    for (let round = 0; round < ROUNDS; round++) {
      await Deno.remove(join(cacheDir, CACHE_FILE_NAME)).catch(() => {});
      let started = performance.now();
      catalog = await buildOrLoadSkyCatalog({ indexDir: DEFAULT_INDEX_DIR, cacheDir });
      buildMs.push(performance.now() - started);
      if (!catalog) {
        console.log(`bench sky_catalog: no Tycho-2 index files in ${DEFAULT_INDEX_DIR}, skipped`);
        return;
      }
      started = performance.now();
      await buildOrLoadSkyCatalog({ indexDir: DEFAULT_INDEX_DIR, cacheDir });
      loadMs.push(performance.now() - started);
    }
    if (!(catalog instanceof PackedSkyCatalog)) throw new Error("unexpected catalog type");
    const cacheBytes = (await Deno.stat(join(cacheDir, CACHE_FILE_NAME))).size;

    // Deterministic pointings spread uniformly over the sphere (golden-angle spiral).
    const coneMs: number[] = [];
    let found = 0;
    for (let i = 0; i < CONES; i++) {
      const decDeg = Math.asin(1 - (2 * (i + 0.5)) / CONES) * 180 / Math.PI;
      const raDeg = (i * 137.50776405) % 360;
      const started = performance.now();
      found += catalog.cone(raDeg, decDeg, CONE_RADIUS_DEG).length;
      coneMs.push(performance.now() - started);
    }
    coneMs.sort((a, b) => a - b);
    buildMs.sort((a, b) => a - b);
    loadMs.sort((a, b) => a - b);
    report("sky_catalog", {
      stars: catalog.starCount,
      build_ms_median: percentile(buildMs, 50),
      cache_load_ms_median: percentile(loadMs, 50),
      packed_mb: catalog.packedBytes / 1e6,
      bytes_per_star: catalog.packedBytes / catalog.starCount,
      cache_file_mb: cacheBytes / 1e6,
      cone2deg_ms_median: percentile(coneMs, 50),
      cone2deg_ms_p99: percentile(coneMs, 99),
      cone2deg_stars_mean: found / CONES,
    });
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
}

if (import.meta.main) await skyCatalogBench();
