/**
 * The HiPS catalogue index: on a seeded random sky (with crowds at the poles and across RA 0)
 * every star is in exactly one tile, inside that tile's HEALPix cell; no tile above the deepest
 * order holds more than its share; and a full tile holds stars at least as bright as any star of
 * its area sent deeper (the progressive rule). Then the installed Tycho-2 set is indexed, with
 * its size and time printed.
 */
import assert from "node:assert/strict";
import { ang2pix } from "../healpix/healpix.ts";
import { loadSkyCatalog } from "./catalog.ts";
import { buildHipsCatalogIndex } from "./hips_index.ts";
import { packStars, starAt } from "./packed.ts";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("hips index: every star once, in its cell, tiles capped, brighter stars higher", async () => {
  const random = mulberry32(99);
  const ra: number[] = [], dec: number[] = [], mag: number[] = [];
  for (let i = 0; i < 60_000; i++) {
    ra.push(random() * 360);
    dec.push(Math.asin(2 * random() - 1) * 180 / Math.PI);
    mag.push(random() * 12 - 1);
  }
  for (let i = 0; i < 3000; i++) {
    ra.push(random() * 360), dec.push(89 + random()), mag.push(random() * 12);
    ra.push((359.5 + random()) % 360), dec.push(random() * 4 - 2), mag.push(random() * 12);
  }
  const stars = packStars(ra, dec, mag);
  const index = await buildHipsCatalogIndex(stars, { minOrder: 1, maxOrder: 5, perTile: 40 });
  const seen = new Uint8Array(stars.raUnits.length);
  let total = 0;
  for (let k = 1; k <= 5; k++) {
    for (let n = 0; n < 12 * 4 ** k; n++) {
      const tile = index.tile(k, n);
      if (k < 5) assert.ok(tile.length <= 40, `tile ${k}/${n} holds ${tile.length}`);
      let previous = -Infinity;
      for (const i of tile) {
        const s = starAt(stars, i);
        assert.equal(ang2pix(k, s.raDeg, s.decDeg), n, `star ${i} is outside tile ${k}/${n}`);
        assert.ok(s.magV >= previous, "brightest first within a tile");
        previous = s.magV;
        assert.equal(seen[i], 0, `star ${i} twice`);
        seen[i] = 1;
      }
      total += tile.length;
      // Progressive: a full tile's faintest star is no fainter than any star of its area deeper.
      if (k < 5 && tile.length === 40) {
        const faintest = starAt(stars, tile[tile.length - 1]!).magV;
        for (let d = k + 1; d <= 5; d++) {
          const first = n * 4 ** (d - k), last = (n + 1) * 4 ** (d - k);
          for (let m = first; m < last; m++) {
            for (const i of index.tile(d, m)) assert.ok(starAt(stars, i).magV >= faintest);
          }
        }
      }
    }
  }
  assert.equal(total, stars.raUnits.length);
  assert.equal(
    index.countAt(1) + index.countAt(2) + index.countAt(3) + index.countAt(4) + index.countAt(5),
    total,
  );
  assert.equal(index.tile(0, 0).length, 0);
  assert.equal(index.tile(3, 1e9).length, 0);
});

const installed = await loadSkyCatalog({ indexDir: "/usr/share/astrometry", cacheDir: null })
  .catch(() => null);

Deno.test({
  name: "hips index: the installed Tycho-2 index files, indexed whole",
  ignore: installed === null,
  async fn() {
    let longestPauseMs = 0;
    let last = performance.now();
    const started = performance.now();
    const index = await buildHipsCatalogIndex(installed!.packed, {
      pause: async () => {
        const now = performance.now();
        longestPauseMs = Math.max(longestPauseMs, now - last);
        await new Promise((r) => setTimeout(r, 0));
        last = performance.now();
      },
    });
    const ms = performance.now() - started;
    console.log(
      `hips index of ${installed!.starCount} Tycho-2 stars: ${ms.toFixed(0)} ms, ` +
        `${(index.bytes / 1e6).toFixed(1)} MB, per order ${
          [1, 2, 3, 4, 5, 6, 7].map((k) => index.countAt(k)).join(" / ")
        }, longest stretch without yielding ${longestPauseMs.toFixed(0)} ms`,
    );
    assert.equal(index.starCount, installed!.starCount);
    // The brightest star of the sky is in an order-1 tile.
    assert.ok(index.countAt(1) > 0 && index.countAt(1) <= 48 * 100);
  },
});
