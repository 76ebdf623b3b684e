/**
 * The index reader against astrometry.net's own: `query-starkd` (Debian package astrometry.net)
 * reads the same kd-tree and writes the stars of a cone, with their kd-tree indices, as a
 * standard big-endian FITS table of doubles, which lib/fits/table.ts reads (its ASCII
 * output has only six significant digits, 3.6″ at RA 100°). Each reference star must match one
 * of ours within 0.05″ (both sides do the same arithmetic, so the measured differences are
 * far smaller), the sets must be equal apart from a 1 mas shell at the cone's edge where
 * rounding may decide either way, and magnitudes must be the same float32.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fitsHdus } from "../fits/hdu.ts";
import { readBinaryTable } from "../fits/table.ts";
import { type IndexStars, readIndexStars } from "./index_file.ts";

const INDEX_DIR = "/usr/share/astrometry";
const FILE_09 = join(INDEX_DIR, "index-tycho2-09.littleendian.fits");
const FILE_19 = join(INDEX_DIR, "index-tycho2-19.littleendian.fits");

function available(): boolean {
  try {
    Deno.statSync(FILE_09);
    Deno.statSync(FILE_19);
    return new Deno.Command("query-starkd", { stdout: "null", stderr: "null" }).outputSync()
      .code !== 127;
  } catch {
    return false;
  }
}
const ignore = !available();

interface ReferenceStar {
  raDeg: number;
  decDeg: number;
  magV: number;
}

/** query-starkd's stars in a cone, read from its FITS output (full double precision). */
async function queryStarkd(
  file: string,
  raDeg: number,
  decDeg: number,
  radiusDeg: number,
): Promise<ReferenceStar[]> {
  const dir = await Deno.makeTempDir({ prefix: "starkd-" });
  try {
    const out = join(dir, "cone.fits");
    const args = ["-r", `${raDeg}`, "-d", `${decDeg}`, "-R", `${radiusDeg}`, "-t", "MAG_VT"];
    const run = await new Deno.Command("query-starkd", {
      args: [...args, "-o", out, file],
      stdout: "null",
      stderr: "null",
    }).output();
    assert.ok(run.success, `query-starkd failed on ${file}`);
    const bytes = await Deno.readFile(out);
    const hdu = [...fitsHdus(bytes)].find((h) => h.kind === "BINTABLE");
    assert.ok(hdu, "query-starkd wrote no table");
    const table = readBinaryTable(bytes, hdu);
    const stars: ReferenceStar[] = [];
    for (let row = 0; row < table.rows; row++) {
      stars.push({
        raDeg: table.number("RA", row)!,
        decDeg: table.number("DEC", row)!,
        magV: table.number("MAG_VT", row)!,
      });
    }
    return stars;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function separationArcsec(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const r = Math.PI / 180;
  const s1 = Math.sin((dec2 - dec1) * r / 2), s2 = Math.sin((ra2 - ra1) * r / 2);
  const hav = s1 * s1 + Math.cos(dec1 * r) * Math.cos(dec2 * r) * s2 * s2;
  return 2 * Math.asin(Math.sqrt(hav)) / r * 3600;
}

/** Indices of our stars inside the cone, and those in the 1 mas shell where rounding may differ. */
function ourCone(
  stars: IndexStars,
  raDeg: number,
  decDeg: number,
  radiusDeg: number,
): { inside: Set<number>; edge: Set<number> } {
  const inside = new Set<number>(), edge = new Set<number>();
  for (let i = 0; i < stars.count; i++) {
    const d = separationArcsec(raDeg, decDeg, stars.raDeg[i]!, stars.decDeg[i]!) - radiusDeg * 3600;
    if (Math.abs(d) < 0.001) edge.add(i);
    else if (d < 0) inside.add(i);
  }
  return { inside, edge };
}

/**
 * Pairs every reference star with our nearest candidate; asserts the pairing is one-to-one, the
 * magnitudes are equal and every inside star is paired. Returns the largest separation.
 */
function assertSameStars(
  label: string,
  stars: IndexStars,
  candidates: { inside: Set<number>; edge: Set<number> },
  reference: ReferenceStar[],
): number {
  const pool = [...candidates.inside, ...candidates.edge];
  const paired = new Set<number>();
  let maxArcsec = 0;
  for (const ref of reference) {
    let best = -1, bestArcsec = Infinity;
    for (const i of pool) {
      const sep = separationArcsec(ref.raDeg, ref.decDeg, stars.raDeg[i]!, stars.decDeg[i]!);
      if (sep < bestArcsec) [best, bestArcsec] = [i, sep];
    }
    assert.ok(
      bestArcsec < 0.05,
      `${label}: no star of ours within 0.05″ of ${ref.raDeg}, ${ref.decDeg}`,
    );
    assert.ok(!paired.has(best), `${label}: star ${best} matched twice`);
    paired.add(best);
    assert.equal(stars.magV[best], Math.fround(ref.magV), `${label}: magnitude of star ${best}`);
    maxArcsec = Math.max(maxArcsec, bestArcsec);
  }
  const unpaired = [...candidates.inside].filter((i) => !paired.has(i));
  assert.deepEqual(unpaired, [], `${label}: stars query-starkd did not return`);
  return maxArcsec;
}

const CONES: Array<[string, number, number, number]> = [
  ["Pleiades region", 56.75, 24.1, 2],
  ["across RA 0/360", 359.6, -12, 1.5],
  ["holding the north pole", 40, 89.3, 1.2],
  ["holding the south pole", 200, -89.6, 1],
  ["Orion, wide, RA > 100°", 123.4, -5.4, 4],
];

Deno.test({
  name: "readIndexStars: index-tycho2-09 cones match query-starkd star for star",
  ignore,
  async fn() {
    const stars = readIndexStars(await Deno.readFile(FILE_09), FILE_09);
    assert.equal(stars.count, 723026);
    for (const [label, ra, dec, radius] of CONES) {
      const reference = await queryStarkd(FILE_09, ra, dec, radius);
      assert.ok(reference.length > 20, `${label}: only ${reference.length} reference stars`);
      const maxArcsec = assertSameStars(label, stars, ourCone(stars, ra, dec, radius), reference);
      assert.ok(maxArcsec < 0.05, `${label}: positions differ by up to ${maxArcsec}″`);
    }
  },
});

Deno.test({
  name: "readIndexStars: the whole of index-tycho2-19 matches query-starkd",
  ignore,
  async fn() {
    const stars = readIndexStars(await Deno.readFile(FILE_19), FILE_19);
    const reference = await queryStarkd(FILE_19, 0, 0, 180);
    assert.equal(reference.length, stars.count);
    const all = { inside: new Set(stars.raDeg.keys()), edge: new Set<number>() };
    assertSameStars("index-tycho2-19", stars, all, reference);
    assert.ok(stars.raDeg.every((ra) => ra >= 0 && ra < 360));
  },
});

Deno.test({
  name: "readIndexStars: a truncated or foreign file is an Error naming it",
  ignore,
  async fn() {
    const bytes = await Deno.readFile(FILE_19);
    // Cut inside the star data: the headers all parse, the data table does not fit.
    assert.throws(
      () => readIndexStars(bytes.subarray(0, Math.floor(bytes.length * 0.8)), "cut.fits"),
      /cut\.fits.*truncated/,
    );
    assert.throws(() => readIndexStars(bytes.subarray(0, 1000), "tiny.fits"), /tiny\.fits/);
    assert.throws(
      () => readIndexStars(new TextEncoder().encode("not a FITS file".padEnd(2880)), "x.txt"),
      /x\.txt/,
    );
  },
});
