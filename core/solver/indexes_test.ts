import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { coversField, listAstapDatabases, listIndexFiles, TYCHO2_QUAD_ARCMIN } from "./indexes.ts";

Deno.test("the 10–100 % rule", () => {
  // A 133′ field (1600 px at 5″) wants quads of 13.3′–133′.
  assert(coversField([60, 85], 133));
  assert(coversField([120, 170], 133));
  assert(!coversField([170, 240], 133));
  assert(!coversField([5, 12], 133));
});

Deno.test({
  name: "installed Tycho-2 index files report their quad range from their own header",
  ignore: !existsSync("/usr/share/astrometry/index-tycho2-10.littleendian.fits"),
  fn: async () => {
    const files = await listIndexFiles("/usr/share/astrometry", 133);
    const f10 = files.find((f) => f.file.endsWith("index-tycho2-10.littleendian.fits"));
    assert(f10);
    assertEquals(f10.indexId, 4110);
    // The header holds radians; the published table says 60–85′.
    assertAlmostEquals(f10.quadMinArcmin!, TYCHO2_QUAD_ARCMIN[4110]![0], 0.5);
    assertAlmostEquals(f10.quadMaxArcmin!, TYCHO2_QUAD_ARCMIN[4110]![1], 0.5);
    assertEquals(f10.coversField, true);
    const f19 = files.find((f) => f.indexId === 4119);
    assertEquals(f19?.coversField, false);
  },
});

Deno.test("ASTAP databases are grouped by abbreviation; a missing folder is an empty list", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/d50_0101.1476`, "xx");
    await Deno.writeTextFile(`${dir}/d50_0102.1476`, "yyy");
    await Deno.writeTextFile(`${dir}/readme.txt`, "z");
    assertEquals(await listAstapDatabases(dir), [{ name: "D50", files: 2, sizeBytes: 5 }]);
    assertEquals(await listAstapDatabases(`${dir}/none`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function existsSync(p: string): boolean {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}
