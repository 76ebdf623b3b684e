/**
 * A database written before migration 13 (frames numbered per producer from 1 at every start, no
 * counter) opens: its frames read back with no frame number, figures or WCS, and the first number
 * drawn comes after every frame already recorded, so no name given before can be given again.
 */
import { sql } from "kysely";
import { assertEquals, assertRejects } from "../../../tests/_assert.ts";
import { openDatabase } from "../db.ts";
import { FrameNumbers } from "../frame_numbers.ts";
import { FrameRepository } from "../frames.ts";
import { MIGRATIONS } from "../migrate.ts";

/** A frame row as firmware before migration 13 wrote it. */
function oldRow(n: number): string {
  const seq = String(n).padStart(4, "0");
  return `('f${n}', 'M42/M42_LIGHT_${seq}.fits', 'light', 30, 100, 10, 1, 640, 480, 'L', 'M 42',
    '2026-01-0${n}T22:00:00.000Z', -10, 614400, 2.5, 120, NULL, '2026-01-0${n}T22:00:31.000Z')`;
}

Deno.test("migration 13: frames recorded before it keep their rows; numbers start after them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl_migrate9_" });
  try {
    const before = await openDatabase(dir, { migrations: MIGRATIONS.slice(0, 12) });
    await sql.raw(
      `INSERT INTO frames (id, path, frame_type, duration_s, gain, "offset", binning, width,
        height, "filter", object, started_at, sensor_temp_c, bytes, hfr, stars, sequence_id,
        created_at) VALUES ${[1, 2, 3].map(oldRow).join(", ")}`,
    ).execute(before.kysely);
    await before.close();

    const db = await openDatabase(dir);
    try {
      const versions = await db.kysely.selectFrom("schema_migrations").select(["version", "name"])
        .orderBy("version").execute();
      assertEquals(versions.find((v) => v.version === 13), { version: 13, name: "frame_sink" });
      const frames = new FrameRepository(db);
      const first = await frames.get("f1");
      assertEquals(
        [first.frame_number, first.hfr, first.stars, first.fwhm, first.eccentricity, first.wcs],
        [null, 2.5, 120, null, null, null],
      );
      assertEquals((await frames.list()).map((f) => f.id), ["f3", "f2", "f1"]);
      const numbers = new FrameNumbers(db);
      assertEquals([await numbers.next(), await numbers.next()], [4, 5]);
      // Two rows can never share a number.
      await sql`UPDATE frames SET frame_number = 4 WHERE id = 'f1'`.execute(db.kysely);
      await assertRejects(
        () => sql`UPDATE frames SET frame_number = 4 WHERE id = 'f2'`.execute(db.kysely),
        Error,
        "UNIQUE",
      );
    } finally {
      await db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
