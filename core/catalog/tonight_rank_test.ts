/**
 * "What is worth imaging with this rig tonight" over the real siril catalogue (issue 14 A.8), at
 * a fixed instant and site: 15 December 2026, 19:00 UT, at 45° N 7° E (a mid-northern site), with
 * the Simulators profile's 2.1° × 1.4° field. Expectations an imager would sign:
 *  - the season's showpieces — M 42 (Orion nebula, mag 4, 66′), M 31 (Andromeda, mag 3.5, 178′),
 *    M 45 (Pleiades, mag 1.6, 110′), all well up for hours of a long December night — rank
 *    above every Lynds dark cloud, which the catalogue lists with neither size nor magnitude;
 *  - no object without a magnitude is among the first 20;
 *  - the answer carries the score and its parts, so the phone can say why.
 * Shapes that do not depend on the catalogue are tested on the pure score (score_test.ts).
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { silentLogger } from "../../lib/log.ts";
import { openDatabase } from "../store/db.ts";
import { CatalogRepository } from "../store/catalog.ts";
import { CatalogService } from "./catalog_service.ts";
import { SIRIL_CATALOGUE_DIR } from "./load.ts";

const AT_MS = Date.UTC(2026, 11, 15, 19);
const SITE = { latitudeDeg: 45, longitudeDeg: 7 };
/** 4144 × 2822 px of 4.63 µm at 530 mm: 2.13° × 1.45°. */
const FIELD = { widthDeg: 2.13, heightDeg: 1.45 };

Deno.test("tonight: in December at 45° N, M 42, M 31 and M 45 outrank every dark cloud", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "openskylab-tonight-" });
  const db = await openDatabase(dataDir);
  try {
    const svc = new CatalogService({
      repository: new CatalogRepository(db),
      dataDir,
      dir: SIRIL_CATALOGUE_DIR,
      clock: { now: () => AT_MS },
      log: silentLogger,
      site: () => SITE,
      field: () => FIELD,
    });
    await svc.start();
    const answer = await svc.tonight({ minAltDeg: 30, limit: 500 });
    const ids = answer.objects.map((o) => o.entry.id);
    const rank = (id: string) => ids.indexOf(id);
    for (const id of ["M42", "M31", "M45"]) assert(rank(id) >= 0, `${id} is listed`);
    const firstCloud = answer.objects.findIndex((o) => o.entry.catalogue === "ldn");
    const worst = Math.max(rank("M42"), rank("M31"), rank("M45"));
    assert(
      firstCloud === -1 || worst < firstCloud,
      `showpieces by ${worst}, a cloud at ${firstCloud}`,
    );
    // Objects without a magnitude are not winners by default.
    const top = answer.objects.slice(0, 20);
    assertEquals(top.filter((o) => o.entry.magnitude === null).map((o) => o.entry.id), []);
    // Ranked by score, and each carries its reasons.
    for (let i = 1; i < answer.objects.length; i++) {
      assert(answer.objects[i - 1]!.score.score >= answer.objects[i]!.score.score);
    }
    const m31 = answer.objects[rank("M31")]!;
    assertEquals(m31.score.fitsField, false, "178′ does not fit a 2.1° × 1.4° field");
    const m42 = answer.objects[rank("M42")]!;
    assertEquals(m42.score.fitsField, true);
    assert(m42.minutesAbove > 4 * 60, `M 42 is above 30° for ${m42.minutesAbove} min`);
    assert(m42.score.moonSepDeg !== null && m42.score.moonSepDeg > 0);
    assert(answer.moonIllumination >= 0 && answer.moonIllumination <= 1);
    assertEquals(answer.field, FIELD);
  } finally {
    await db.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
