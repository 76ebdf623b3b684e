/**
 * Framing a target: mosaics (panels on the sphere from the active profile's field, saved, turned
 * into scheduler plans) and the HiPS sky behind the framing view — local mirrors, upstream
 * surveys through a size-capped cache, prefetch jobs, and the Tycho-2 stars of the installed
 * astrometry.net index files as a HiPS catalogue that needs no internet.
 */
import { join } from "node:path";
import type { CatalogService } from "../../core/catalog/catalog_service.ts";
import { HipsService } from "../../core/hips/hips_service.ts";
import { PrefetchJobs } from "../../core/hips/prefetch.ts";
import { HipsSurveys } from "../../core/hips/surveys.ts";
import { TileCache } from "../../core/hips/tile_cache.ts";
import { Tycho2Survey } from "../../core/hips/tycho2_survey.ts";
import { MosaicService } from "../../core/mosaic/mosaic_service.ts";
import type { ProfileService } from "../../core/profiles/profile_service.ts";
import type { SchedulerService } from "../../core/scheduler/scheduler_service.ts";
import { PrefetchJobRepository } from "../../core/store/hips_jobs.ts";
import { HipsTileRepository } from "../../core/store/hips_tiles.ts";
import { MosaicRepository } from "../../core/store/mosaics.ts";
import type { Rig } from "../../devices/rig.ts";
import { loadSkyCatalog } from "../../lib/star_catalog/catalog.ts";
import { listIndexFiles } from "../../lib/star_catalog/load.ts";
import type { BoxContext } from "./context.ts";

export interface FramingNeeds {
  hub: Rig;
  profiles: ProfileService;
  catalog: CatalogService;
  scheduler: SchedulerService;
  /** Tests point the HiPS client at their own servers' fetch. */
  fetch?: typeof fetch;
}

export function composeFraming(ctx: BoxContext, needs: FramingNeeds) {
  const { config, dataDir, clock, logs, bus, db } = ctx;
  const mosaic = new MosaicService({
    repo: new MosaicRepository(db),
    bus,
    clock,
    log: logs.logger("mosaic"),
    hub: needs.hub,
    activeProfile: () => needs.profiles.active,
    resolveTarget: async (name) => {
      const hit = await needs.catalog.resolveTarget(name);
      return hit && { ra: hit.ra, dec: hit.dec };
    },
    createPlan: (raw) => needs.scheduler.createPlan(raw),
  });
  const log = logs.logger("hips");
  const cache = new TileCache({
    dir: join(dataDir, "hips", "cache"),
    maxBytes: config.hips.cache_max_mb * 1024 * 1024,
    repo: new HipsTileRepository(db),
    clock,
    log,
  });
  const generated = new Tycho2Survey({
    // The same memoised catalogue (and disk cache) the simulated camera renders from.
    load: () =>
      loadSkyCatalog({
        indexDir: config.solver.index_dir,
        cacheDir: join(dataDir, "cache", "sky"),
        log,
      }),
    hasSources: async () => (await listIndexFiles(config.solver.index_dir)) !== null,
    log,
    now: () => clock.now(),
  });
  const surveys = new HipsSurveys({
    mirrorDir: config.hips.mirror_dir ?? join(dataDir, "hips", "surveys"),
    cache,
    surveys: config.hips.surveys,
    generated,
    maxAgeMs: config.hips.max_age_days * 86_400_000,
    upstreamTimeoutMs: config.hips.upstream_timeout_s * 1000,
    offlineRetryMs: config.hips.offline_retry_s * 1000,
    clock,
    bus,
    log,
    fetch: needs.fetch,
  });
  const jobs = new PrefetchJobs({
    surveys,
    repo: new PrefetchJobRepository(db),
    bus,
    clock,
    log,
    concurrency: config.hips.prefetch_concurrency,
    maxFiles: config.hips.prefetch_max_files,
  });
  const hips = new HipsService({ surveys, jobs, generated });
  return { mosaic, hips };
}
