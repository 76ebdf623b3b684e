/**
 * The zone index against a brute-force scan: seeded random stars over the whole sphere, with
 * extra stars crowded at the poles and on both sides of RA 0/360, and cones placed where the
 * zone logic has its special cases. The brute force uses unit-vector dot products (a different
 * formula from the index's haversine) on the same packed positions, so only stars within 1e-9°
 * of a cone's edge may legitimately differ and are left out of the comparison.
 */
import assert from "node:assert/strict";
import { dropDuplicates } from "./dedupe.ts";
import { type PackedStars, packStars, starAt, UNITS_PER_DEG, visitCone } from "./packed.ts";
import { PackedSkyCatalog } from "./packed_catalog.ts";

const R = Math.PI / 180;

/** A seeded uniform generator in [0, 1) (mulberry32), so every run draws the same sky. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSky(count: number, seed: number): { ra: number[]; dec: number[]; mag: number[] } {
  const random = mulberry32(seed);
  const ra: number[] = [], dec: number[] = [], mag: number[] = [];
  const add = (r: number, d: number) => {
    ra.push(r);
    dec.push(d);
    mag.push(Math.round((2 + random() * 10) * 1000) / 1000);
  };
  // Uniform on the sphere: z uniform in [−1, 1].
  for (let i = 0; i < count; i++) add(random() * 360, Math.asin(2 * random() - 1) / R);
  for (let i = 0; i < 2000; i++) {
    add(random() * 360, 89.5 + random() * 0.5);
    add(random() * 360, -89.5 - random() * 0.5);
    add(random() < 0.5 ? random() * 0.5 : 359.5 + random() * 0.5, (random() - 0.5) * 170);
  }
  add(0, 90);
  add(123, -90);
  return { ra, dec, mag };
}

function bruteForce(stars: PackedStars, raDeg: number, decDeg: number, radiusDeg: number) {
  const inside = new Set<number>(), edge = new Set<number>();
  const c = [
    Math.cos(decDeg * R) * Math.cos(raDeg * R),
    Math.cos(decDeg * R) * Math.sin(raDeg * R),
    Math.sin(decDeg * R),
  ];
  for (let i = 0; i < stars.raUnits.length; i++) {
    const s = starAt(stars, i);
    const dot = Math.cos(s.decDeg * R) * Math.cos(s.raDeg * R) * c[0]! +
      Math.cos(s.decDeg * R) * Math.sin(s.raDeg * R) * c[1]! + Math.sin(s.decDeg * R) * c[2]!;
    const distDeg = Math.acos(Math.max(-1, Math.min(1, dot))) / R;
    if (
      Math.abs(distDeg - radiusDeg) < 1e-9 ||
      (radiusDeg < 0.01 && Math.abs(distDeg - radiusDeg) < 1e-6)
    ) {
      edge.add(i);
    } else if (distDeg < radiusDeg) inside.add(i);
  }
  return { inside, edge };
}

const sky = randomSky(150_000, 7);
const packed = packStars(sky.ra, sky.dec, sky.mag);

Deno.test("packStars: positions survive packing to 0.0003″ and magnitudes exactly", () => {
  // Packing sorts, so match each input star by its own cone of the quantisation radius.
  const random = mulberry32(3);
  let maxErrArcsec = 0;
  for (let n = 0; n < 2000; n++) {
    const i = Math.floor(random() * sky.ra.length);
    let best = Infinity, bestMag = NaN;
    visitCone(packed, sky.ra[i]!, sky.dec[i]!, 0.001 / 3600, (j) => {
      const s = starAt(packed, j);
      const sep = Math.hypot(
        (s.raDeg - sky.ra[i]!) * Math.cos(sky.dec[i]! * R),
        s.decDeg - sky.dec[i]!,
      );
      if (sep < best) [best, bestMag] = [sep, s.magV];
    });
    assert.ok(best < Infinity, `star ${i} (${sky.ra[i]}, ${sky.dec[i]}) was lost`);
    assert.equal(bestMag, sky.mag[i]);
    maxErrArcsec = Math.max(maxErrArcsec, best * 3600);
  }
  // Half a unit on each axis is 0.5 × 360 / 2^32 degrees = 0.00015″.
  assert.ok(maxErrArcsec <= 0.0003, `quantisation error ${maxErrArcsec}″`);
});

Deno.test("packStars: zones are sorted by RA and hold the stars of their Dec band", () => {
  const { raUnits, decUnits, zoneStart } = packed;
  assert.equal(zoneStart[zoneStart.length - 1], raUnits.length);
  for (let z = 0; z + 1 < zoneStart.length; z++) {
    for (let i = zoneStart[z]!; i < zoneStart[z + 1]!; i++) {
      const decDeg = decUnits[i]! / UNITS_PER_DEG;
      assert.ok(decDeg >= -90 + z * 0.5 && (decDeg < -90 + (z + 1) * 0.5 || decDeg === 90));
      if (i > zoneStart[z]!) assert.ok(raUnits[i - 1]! <= raUnits[i]!);
    }
  }
});

Deno.test("cone: equals a brute-force scan at RA 0/360, at Dec ±89.9 and elsewhere", () => {
  const catalog = new PackedSkyCatalog(packed, "test");
  const random = mulberry32(11);
  const cones: Array<[number, number, number]> = [
    [0, 0, 2],
    [359.9, 30, 1],
    [0.05, -60, 3],
    [360, 10, 0.5],
    [-0.5, 10, 0.8],
    [123, 89.9, 2],
    [300, -89.9, 2],
    [10, 89.9, 0.05],
    [200, -89.9, 0.1],
    [45, 88, 2.5],
    [180, 0, 60],
    [10, 45, 179.999],
    [0, 0, 180],
  ];
  for (let n = 0; n < 30; n++) {
    cones.push([random() * 360, Math.asin(2 * random() - 1) / R, random() * 4]);
  }
  for (const [ra, dec, radius] of cones) {
    const truth = bruteForce(packed, ra, dec, radius);
    const found = new Set<number>();
    visitCone(packed, ra, dec, radius, (i) => {
      assert.ok(!found.has(i), `star ${i} visited twice`);
      found.add(i);
    });
    for (const i of truth.edge) found.delete(i);
    assert.deepEqual(
      [...found].sort(),
      [...truth.inside].sort(),
      `cone ${ra}, ${dec}, r ${radius}`,
    );
    const stars = catalog.cone(ra, dec, radius);
    assert.ok(Math.abs(stars.length - truth.inside.size) <= truth.edge.size);
  }
});

Deno.test("cone: rejects a non-finite centre or a bad radius, naming the argument", () => {
  const catalog = new PackedSkyCatalog(packed, "test");
  assert.throws(() => catalog.cone(NaN, 0, 1), /raDeg/);
  assert.throws(() => catalog.cone(0, 91, 1), /decDeg/);
  assert.throws(() => catalog.cone(0, 0, -1), /radiusDeg/);
  assert.throws(() => catalog.cone(0, 0, Infinity), /radiusDeg/);
  assert.deepEqual(catalog.cone(0, 0, 0).length, 0);
});

Deno.test("dropDuplicates: merges stars within 1″, keeps those 1.5″ apart, across zones and RA 0", () => {
  const ra: number[] = [], dec: number[] = [], mag: number[] = [];
  const pair = (r1: number, d1: number, r2: number, d2: number) => {
    ra.push(r1, r2);
    dec.push(d1, d2);
    mag.push(5, 5);
  };
  const as = 1 / 3600;
  pair(10, 20, 10, 20 + 0.5 * as); // duplicate
  pair(30, 20, 30, 20 + 1.5 * as); // distinct
  pair(50, 0.5 - 0.3 * as, 50, 0.5 + 0.3 * as); // duplicate across a zone edge
  pair(359.99999, -30, 0.00001, -30); // 0.07″ apart across RA 0: duplicate
  pair(0, 89.99999, 180, 89.99999); // 0.07″ apart across the pole: duplicate
  pair(70, 80, 70 + 0.9 * as / Math.cos(80 * R), 80); // 0.9″ along RA at high Dec: duplicate
  pair(70, 60, 70 + 1.2 * as / Math.cos(60 * R), 60); // 1.2″: distinct
  const { stars, removed } = dropDuplicates(packStars(ra, dec, mag));
  assert.equal(removed, 5);
  assert.equal(stars.raUnits.length, ra.length - 5);
  assert.equal(stars.zoneStart[stars.zoneStart.length - 1], stars.raUnits.length);
  const catalog = new PackedSkyCatalog(stars, "test");
  assert.equal(catalog.cone(30, 20, 0.01).length, 2);
  assert.equal(catalog.cone(10, 20, 0.01).length, 1);
  assert.equal(catalog.cone(0, -30, 0.01).length, 1);
  assert.equal(catalog.cone(0, 90, 0.01).length, 1);
});
