/**
 * The first-start catalogue import (issue 14 A.10): the longest stall of the event loop while
 * siril's ~20 000 objects are parsed and written into a fresh database, and how long the import
 * takes, two ways in the same run — on the loop (parse and replace on the main thread, as the
 * import used to run) and through the service, whose worker does it on its own thread and
 * connection. The stall is the longest gap between the callbacks of a 5-ms interval timer,
 * counting the stretch after the last one. Without siril-common the bench says so.
 */
import { join } from "node:path";
import { CatalogService } from "../../core/catalog/catalog_service.ts";
import { buildEntries, readCatalogFiles, SIRIL_CATALOGUE_DIR } from "../../core/catalog/load.ts";
import { CatalogRepository } from "../../core/store/catalog.ts";
import { openDatabase } from "../../core/store/db.ts";
import { silentLogger } from "../../lib/log.ts";
import { report } from "./_util.ts";

async function withStallMeter(work: () => Promise<void>): Promise<{ ms: number; stallMs: number }> {
  let last = performance.now();
  let stall = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const ended = performance.now();
  return { ms: ended - started, stallMs: Math.max(stall, ended - last) };
}

export async function catalogImportBench(): Promise<void> {
  try {
    await Deno.stat(SIRIL_CATALOGUE_DIR);
  } catch {
    console.log(`bench catalog import: ${SIRIL_CATALOGUE_DIR} is missing (siril-common), skipped`);
    return;
  }
  const root = await Deno.makeTempDir({ prefix: "openskylab-catalog-bench-" });
  try {
    const onLoopDir = join(root, "on-loop");
    const db1 = await openDatabase(onLoopDir);
    const onLoop = await withStallMeter(async () => {
      const files = await readCatalogFiles(SIRIL_CATALOGUE_DIR);
      await new CatalogRepository(db1).replaceAll(buildEntries(files.texts), files.checksum);
    });
    await db1.close();

    const offLoopDir = join(root, "off-loop");
    const db2 = await openDatabase(offLoopDir);
    const service = new CatalogService({
      repository: new CatalogRepository(db2),
      dataDir: offLoopDir,
      dir: SIRIL_CATALOGUE_DIR,
      clock: { now: () => Date.now() },
      log: silentLogger,
      site: () => null,
    });
    const offLoop = await withStallMeter(() => service.start());
    const objects = Object.values(service.status().counts).reduce((a, b) => a + b, 0);
    await service.close();
    await db2.close();
    report("catalog import, first start", {
      objects,
      on_loop_ms: onLoop.ms,
      on_loop_longest_stall_ms: onLoop.stallMs,
      worker_ms: offLoop.ms,
      worker_longest_stall_ms: offLoop.stallMs,
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

if (import.meta.main) await catalogImportBench();
