/**
 * The catalogue import does not hold the event loop (issue 14 A.10), proved by what the loop
 * gets done while it runs rather than by a stopwatch: over a catalogue eight times siril's (so
 * the import lasts seconds on any machine), a 5-ms timer must keep firing — an import on the loop
 * parses and writes in one synchronous stretch, so the timer fires only in the few gaps between
 * file reads — and the service's own database connection must keep answering reads while the
 * worker writes. An abort mid-import leaves the database whole: the old catalogue with the old
 * checksum, or the new one complete. Deno's sanitizers check that the worker is gone.
 */
import { join } from "node:path";
import { assert, assertEquals, MIN_DEADLINE_MS } from "../../tests/_assert.ts";
import { makeBigCatalogue } from "../../tests/fixtures/big_catalogue.ts";
import { silentLogger } from "../../lib/log.ts";
import { openDatabase } from "../store/db.ts";
import { CatalogRepository } from "../store/catalog.ts";
import { CatalogService } from "./catalog_service.ts";

const FACTOR = 8;

async function scratch() {
  const root = await Deno.makeTempDir({ prefix: "openskylab-catalog-import-" });
  const catalogue = join(root, "catalogue");
  await Deno.mkdir(catalogue);
  const rows = await makeBigCatalogue(catalogue, FACTOR);
  const dataDir = join(root, "data");
  const db = await openDatabase(dataDir);
  const repository = new CatalogRepository(db);
  const service = new CatalogService({
    repository,
    dataDir,
    dir: catalogue,
    clock: { now: () => Date.UTC(2026, 11, 15, 20) },
    log: silentLogger,
    site: () => ({ latitudeDeg: 45, longitudeDeg: 7 }),
    // The eight-fold import may outlast a user's 20 s on a loaded test machine; the wait is
    // what is tested, not the machine's speed.
    importWaitMs: 10 * MIN_DEADLINE_MS,
  });
  return {
    service,
    repository,
    rows,
    async dispose() {
      await service.close();
      await db.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

Deno.test("catalog import: the loop keeps running timers and queries while it imports", async () => {
  const s = await scratch();
  try {
    let done = false;
    const importing = s.service.start().finally(() => done = true);
    let ticks = 0;
    let reads = 0;
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ticks++;
      // The main connection reads while the worker's write transaction is open (WAL).
      if (ticks % 10 === 0 && !done) {
        await s.repository.checksum();
        reads++;
      }
    }
    await importing;
    const status = s.service.status();
    assertEquals(status.state, "ready", status.message ?? "");
    assertEquals([status.counts.ngc, status.counts.ic], [s.rows.ngc, s.rows.ic]);
    assert(s.rows.ngc > 7 * 8000, `${s.rows.ngc} NGC rows`);
    // On the loop, the import ran as one synchronous block: a handful of ticks at most.
    assert(ticks >= 50, `only ${ticks} timer ticks during the import`);
    assert(reads >= 5, `only ${reads} reads during the import`);
    assertEquals((await s.service.search("NGC 17000", 1))[0]?.entry.designation, "NGC 17000");
  } finally {
    await s.dispose();
  }
});

Deno.test("catalog import: a search during the import waits for it instead of failing", async () => {
  const s = await scratch();
  try {
    const importing = s.service.start();
    assertEquals(s.service.status().state, "importing");
    // Answered once the import is done (it waits off the loop), not 503 "being imported".
    const [hit] = await s.service.search("M 42", 1);
    assertEquals(hit?.entry.id, "M42");
    await importing;
  } finally {
    await s.dispose();
  }
});

Deno.test("catalog import: close() mid-import stops it and leaves the database whole", async () => {
  const s = await scratch();
  try {
    const importing = s.service.start();
    // Let the worker get going: it reads, parses, then writes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await s.service.close();
    await importing;
    const status = s.service.status();
    const checksum = await s.repository.checksum();
    const counts = await s.repository.counts();
    if (status.state === "ready") {
      // It finished first: then it is all there.
      assert(checksum !== null);
      assertEquals(counts.ngc, s.rows.ngc);
    } else {
      assertEquals(status.state, "failed");
      assert(status.message?.includes("shutdown"), status.message ?? "");
      // Rolled back: no checksum and no half catalogue (the database was empty before).
      assertEquals([checksum, counts], [null, {}]);
    }
  } finally {
    await s.dispose();
  }
});
