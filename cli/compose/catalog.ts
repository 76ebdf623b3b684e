/**
 * The object catalogue that names targets: siril's catalogue files (from the option, else the
 * environment's OPENSKYLAB_CATALOG_DIR, else Debian's /usr/share/siril/catalogue) imported into
 * the database, ranked for tonight at the rig's site and field. The first import writes ~20 000
 * objects (~0.6 s here, seconds on a Pi) on a worker thread, so it starts after the box listens
 * — the box answers at once while the catalogue routes say 503 "being imported" — and its
 * outcome is the first boot's `catalog` step.
 */
import { CatalogService } from "../../core/catalog/catalog_service.ts";
import { SIRIL_CATALOGUE_DIR } from "../../core/catalog/load.ts";
import type { ProfileService } from "../../core/profiles/profile_service.ts";
import { fieldOfView } from "../../core/solver/profile_scale.ts";
import { CatalogRepository } from "../../core/store/catalog.ts";
import type { FirstBoot } from "../../core/system/first_boot.ts";
import type { Rig } from "../../devices/rig.ts";
import type { BoxContext } from "./context.ts";

export interface CatalogNeeds {
  hub: Rig;
  profiles: Pick<ProfileService, "active">;
  /** siril's catalogue directory (tests), instead of the environment's or Debian's. */
  dir?: string;
  firstBoot: Pick<FirstBoot, "update">;
}

export function composeCatalog(ctx: BoxContext, needs: CatalogNeeds) {
  const { hub, profiles } = needs;
  const catalog = new CatalogService({
    repository: new CatalogRepository(ctx.db),
    dataDir: ctx.dataDir,
    dir: needs.dir ?? Deno.env.get("OPENSKYLAB_CATALOG_DIR") ?? SIRIL_CATALOGUE_DIR,
    clock: ctx.clock,
    log: ctx.logs.logger("catalog"),
    site: () => hub.site,
    field: () => fieldOfView(hub, profiles.active),
  });
  return {
    catalog,
    /** After listening: starts the import, and says how it ended as the first boot's step. */
    startImport() {
      void catalog.start();
      void catalog.settled().then(() => {
        const { state, message } = catalog.status();
        const outcome = state === "ready" ? "done" : state === "missing" ? "skipped" : "failed";
        needs.firstBoot.update("catalog", outcome, message ?? undefined);
      });
    },
  };
}
