/**
 * The catalogue service over the real files of Debian's siril-common (installed by .ci/run) and a
 * real database in a temporary directory: import counts, re-import only when the files change,
 * ranked search, exact-only target resolution, and the 503 answers while importing or when the
 * package is missing.
 */
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertRejects } from "../../tests/_assert.ts";
import { AppError } from "../../lib/errors.ts";
import { silentLogger } from "../../lib/log.ts";
import { openDatabase } from "../store/db.ts";
import { CatalogRepository } from "../store/catalog.ts";
import { CatalogService } from "./catalog_service.ts";
import { CATALOGUE_FILES, SIRIL_CATALOGUE_DIR } from "./load.ts";

async function withCatalog(
  fn: (svc: CatalogService, dataDir: string) => Promise<void>,
  dir = SIRIL_CATALOGUE_DIR,
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-catalog-" });
  const db = await openDatabase(dataDir);
  try {
    const svc = new CatalogService({
      repository: new CatalogRepository(db),
      dataDir,
      dir,
      clock: { now: () => Date.UTC(2026, 9, 15, 21) },
      log: silentLogger,
      site: () => ({ latitudeDeg: 51.4769, longitudeDeg: -0.0005 }),
    });
    await fn(svc, dataDir);
    await svc.settled();
  } finally {
    await db.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

Deno.test("catalog: imports every line of each siril file", async () => {
  await withCatalog(async (svc) => {
    await svc.start();
    const status = svc.status();
    assertEquals(status.state, "ready");
    assert(status.imported);
    // Every data line of every file (the header and blank lines aside): counted from the files
    // installed, not from one siril-common version (1.0.6 has 110, 8411, 5546, 313, 1787, 3661).
    const expected: Record<string, number> = {};
    for (const [catalogue, file] of Object.entries(CATALOGUE_FILES)) {
      const text = await Deno.readTextFile(join(SIRIL_CATALOGUE_DIR, file));
      expected[catalogue] = text.split(/\r?\n/)
        .filter((l) => l.trim() !== "" && !/^code;/i.test(l.trim())).length;
    }
    assertEquals(status.counts, expected);
    // How long it took is reported (the catalog bench measures it); a test does not race a clock.
    assert(status.importMs !== null && status.importMs >= 0);
  });
});

Deno.test("catalog: search finds M42, NGC 7000, Orion Nebula and Vega however typed", async () => {
  await withCatalog(async (svc) => {
    await svc.start();
    const first = async (q: string) => (await svc.search(q, 5))[0];
    for (const q of ["M42", "M 42", "m42", "M042"]) {
      const hit = await first(q);
      assertEquals([hit?.entry.id, hit?.match], ["M42", "designation"], q);
    }
    const m42 = (await first("Orion Nebula"))!;
    assertEquals([m42.entry.id, m42.match, m42.entry.type], ["M42", "alias", "emission_nebula"]);
    assertAlmostEquals(m42.entry.raHours, 5.588, 0.001);
    assertAlmostEquals(m42.entry.decDeg, -5.39, 0.01);
    assertEquals([m42.entry.magnitude, m42.entry.sizeArcmin], [4, 66]);
    // "orion" is a prefix of the name: M42 first (Messier before NGC 1976 and Sh2-281).
    const orion = await svc.search("orion", 5);
    assertEquals(orion.slice(0, 3).map((h) => [h.entry.id, h.match]), [
      ["M42", "prefix"],
      ["NGC1976", "prefix"],
      ["Sh2-281", "prefix"],
    ]);
    for (const q of ["NGC 7000", "NGC7000", "ngc 7000"]) {
      const hit = await first(q);
      assertEquals([hit?.entry.designation, hit?.entry.names[0]], [
        "NGC 7000",
        "North America Nebula",
      ]);
    }
    const vega = (await first("Vega"))!;
    assertEquals([vega.entry.designation, vega.entry.catalogue, vega.entry.type], [
      "alf Lyr",
      "stars",
      "star",
    ]);
    assertAlmostEquals(vega.entry.raHours, 18.615, 0.001);
    assertAlmostEquals(vega.entry.decDeg, 38.78, 0.01);
    assertEquals((await first("IC 434"))?.entry.names, ["Horsehead Nebula"]);
    assertEquals((await first("alpha Lyr"))?.entry.id, "alf_Lyr");
    // A substring ranks after every prefix: "veil" is inside "Western Veil Nebula".
    const veil = await svc.search("veil", 5);
    assert(veil.length >= 2 && veil.every((h) => h.match === "substring"));
    // Cross-references go both ways and carry names and types: NGC 224 is M31.
    const ngc224 = await svc.get("NGC224");
    assertEquals([ngc224?.names[0], ngc224?.type, ngc224?.aliases], [
      "Andromeda galaxy",
      "galaxy",
      ["M31"],
    ]);
    assertEquals((await svc.search("M31", 5, { catalogues: ["ngc"] }))[0]?.entry.id, "NGC224");
  });
});

Deno.test("catalog: resolveTarget takes exact names only", async () => {
  await withCatalog(async (svc) => {
    const m42 = await svc.resolveTarget("m 42");
    assertEquals(m42, { name: "M42", ra: 5.587878, dec: -5.390222, id: "M42" });
    assertEquals((await svc.resolveTarget("North America Nebula"))?.name, "NGC 7000");
    assertEquals((await svc.resolveTarget("Vega"))?.name, "alf Lyr");
    assertEquals(await svc.resolveTarget("orion"), null);
    assertEquals(await svc.resolveTarget("no such thing"), null);
    assertEquals(await svc.resolveTarget("--"), null);
  });
});

Deno.test("catalog: the import runs again only when a file changes", async () => {
  const copy = await Deno.makeTempDir({ prefix: "openskylab-siril-" });
  try {
    for await (const f of Deno.readDir(SIRIL_CATALOGUE_DIR)) {
      await Deno.copyFile(join(SIRIL_CATALOGUE_DIR, f.name), join(copy, f.name));
    }
    const dataDir = await Deno.makeTempDir({ prefix: "openskylab-catalog-" });
    const start = async () => {
      const db = await openDatabase(dataDir);
      const svc = new CatalogService({
        repository: new CatalogRepository(db),
        dataDir,
        dir: copy,
        clock: { now: () => 0 },
        log: silentLogger,
        site: () => null,
      });
      await svc.start();
      const status = svc.status();
      const names = (await svc.search("M42", 1))[0]?.entry.names;
      await db.close();
      return { status, names };
    };
    try {
      assertEquals((await start()).status.imported, true);
      assertEquals((await start()).status.imported, false);
      const file = join(copy, "messier.txt");
      const text = await Deno.readTextFile(file);
      await Deno.writeTextFile(file, text.replace("Orion nebula", "Great Orion Nebula"));
      const again = await start();
      assertEquals([again.status.imported, again.status.counts.messier], [true, 110]);
      assertEquals(again.names, ["Great Orion Nebula"]);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
});

Deno.test("catalog: 503 while importing, and 503 naming siril-common when it is missing", async () => {
  await withCatalog(async (svc) => {
    const err = await assertRejects(() => svc.search("M42", 1), AppError);
    assertEquals([(err as AppError).status, err.message], [
      503,
      "The catalog is being imported; try again in a few seconds",
    ]);
  });
  await withCatalog(async (svc) => {
    await svc.start();
    assertEquals(svc.status().state, "missing");
    const err = await assertRejects(() => svc.search("M42", 1), AppError);
    assertEquals((err as AppError).status, 503);
    assert(err.message.includes("siril-common"), err.message);
    await assertRejects(() => svc.resolveTarget("M42"), AppError, "siril-common");
  }, "/nonexistent/siril/catalogue");
});
