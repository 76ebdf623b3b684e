import { assert, assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { cdFromFigures, pixelToSky, skyToPixel, type TanWcs, wcsFigures } from "./wcs.ts";

function wcs(pa: number, mirrored: boolean, dec = 40): TanWcs {
  return {
    crval1Deg: 200,
    crval2Deg: dec,
    crpix1Px: 800.5,
    crpix2Px: 600.5,
    ...cdFromFigures(4.2, pa, mirrored),
  };
}

Deno.test("wcsFigures inverts cdFromFigures for every PA and parity", () => {
  for (const mirrored of [false, true]) {
    for (let pa = 0; pa < 360; pa += 17.5) {
      const f = wcsFigures(wcs(pa, mirrored));
      assertAlmostEquals(f.pixelScaleArcsec, 4.2, 1e-9);
      assertAlmostEquals(f.positionAngleDeg, pa, 1e-9);
      assertEquals(f.mirrored, mirrored);
    }
  }
});

Deno.test("a direct north-up image has RA growing to the left (CD1_1 < 0)", () => {
  const w = wcs(0, false);
  assert(w.cd11 < 0 && Math.abs(w.cd12) < 1e-15 && w.cd22 > 0);
});

Deno.test("pixelToSky and skyToPixel are inverse to 1e-9 px across the field, near the pole too", () => {
  for (const dec of [-60, 0, 40, 89.5]) {
    const w = wcs(33, false, dec);
    for (const [x, y] of [[1, 1], [1600, 1], [800.5, 600.5], [1600, 1200], [37, 1111]]) {
      const s = pixelToSky(w, x!, y!);
      const p = skyToPixel(w, s.raDeg, s.decDeg);
      assert(p);
      assertAlmostEquals(p.xPx, x!, 1e-7);
      assertAlmostEquals(p.yPx, y!, 1e-7);
    }
  }
});

Deno.test("the reference pixel maps to CRVAL and one pixel up is one scale step at the PA", () => {
  const w = wcs(90, false, 0);
  const c = pixelToSky(w, w.crpix1Px, w.crpix2Px);
  assertAlmostEquals(c.raDeg, 200, 1e-12);
  assertAlmostEquals(c.decDeg, 0, 1e-12);
  // PA 90: up points east, i.e. to larger RA at the equator.
  const up = pixelToSky(w, w.crpix1Px, w.crpix2Px + 1000);
  // On the equator the gnomonic offset is atan(ξ): 1000 px × 4.2″ is 1.1667° on the plane.
  const xiRad = 1000 * 4.2 / 3600 * Math.PI / 180;
  assertAlmostEquals(up.raDeg - 200, Math.atan(xiRad) * 180 / Math.PI, 1e-12);
  assertAlmostEquals(up.decDeg, 0, 1e-9);
});

Deno.test("skyToPixel refuses the far hemisphere", () => {
  assertEquals(skyToPixel(wcs(0, false, 0), 20, 0), null);
});
