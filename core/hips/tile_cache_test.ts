/**
 * The HiPS tile cache on a real database and folder: over its cap it evicts the least recently
 * served files (not the oldest fetched), its totals come back from the index after a reopen,
 * and a file that vanished or was cut short on disk is dropped instead of served.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import { ManualClock } from "../../lib/clock.ts";
import { LogSink } from "../../lib/log.ts";
import { openDatabase } from "../store/db.ts";
import { HipsTileRepository } from "../store/hips_tiles.ts";
import { TileCache } from "./tile_cache.ts";
import { join } from "node:path";

const log = new LogSink({ consoleLevel: "silent" }).logger("test");
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

Deno.test("tile cache: LRU eviction over the cap, totals after a reopen, damaged files dropped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl_hips_cache_" });
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  try {
    let db = await openDatabase(dir);
    const open = () =>
      new TileCache({
        dir: join(dir, "cache"),
        maxBytes: 1000,
        repo: new HipsTileRepository(db),
        clock,
        log,
      });
    let cache = open();
    await cache.init();
    await cache.put("s", "Norder3/Dir0/Npix1.jpg", bytes(400, 1), "image/jpeg");
    await clock.advance(120_000);
    await cache.put("s", "Norder3/Dir0/Npix2.jpg", bytes(400, 2), "image/jpeg");
    await clock.advance(120_000);
    // Npix1 is served again: it is now the most recently used.
    assertEquals((await cache.get("s", "Norder3/Dir0/Npix1.jpg"))?.bytes[0], 1);
    await clock.advance(120_000);
    await cache.put("t", "Norder4/Dir0/Npix9.png", bytes(400, 3), "image/png");
    assertEquals(cache.totals, { files: 2, bytes: 800 });
    assertEquals(await cache.get("s", "Norder3/Dir0/Npix2.jpg"), null, "the LRU file is evicted");
    assert(await cache.get("s", "Norder3/Dir0/Npix1.jpg"));
    await Deno.stat(join(dir, "cache", "s", "Norder3/Dir0/Npix2.jpg")).then(
      () => assert(false, "the evicted file is removed from disk"),
      () => {},
    );
    // Replacing a file counts its size once.
    await cache.put("t", "Norder4/Dir0/Npix9.png", bytes(300, 4), "image/png");
    assertEquals(cache.totals, { files: 2, bytes: 700 });

    await cache.close();
    await db.close();
    db = await openDatabase(dir);
    cache = open();
    await cache.init();
    assertEquals(cache.totals, { files: 2, bytes: 700 }, "the totals come back from the index");
    assertEquals((await cache.get("t", "Norder4/Dir0/Npix9.png"))?.contentType, "image/png");
    assertEquals(
      Object.fromEntries(await cache.totalsBySurvey()),
      { s: { files: 1, bytes: 400 }, t: { files: 1, bytes: 300 } },
    );

    // A power cut left a short file: it is dropped, never served.
    await Deno.writeFile(join(dir, "cache", "s", "Norder3/Dir0/Npix1.jpg"), bytes(10, 1));
    assertEquals(await cache.get("s", "Norder3/Dir0/Npix1.jpg"), null);
    assertEquals(await cache.has("s", "Norder3/Dir0/Npix1.jpg"), null);
    assertEquals(cache.totals, { files: 1, bytes: 300 });
    await cache.close();
    await db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
