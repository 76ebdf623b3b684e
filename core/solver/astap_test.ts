import { assertAlmostEquals, assertEquals } from "../../tests/_assert.ts";
import { astapArgs, astapSolution, parseAstapIni } from "./astap.ts";
import { wcsFigures } from "../../lib/astro/wcs.ts";

// The shape ASTAP writes (han-k59/astap, unit_command_line: write_ini).
const SOLVED_INI = `PLTSOLVD=T
CRPIX1=8.005000000000000E+002
CRPIX2=6.005000000000000E+002
CRVAL1=8.380000000000000E+001
CRVAL2=-5.400000000000000E+000
CDELT1=-1.388888888888889E-003
CDELT2=1.388888888888889E-003
CROTA1=0.000000000000000E+000
CROTA2=0.000000000000000E+000
CD1_1=-1.388888888888889E-003
CD1_2=0.000000000000000E+000
CD2_1=0.000000000000000E+000
CD2_2=1.388888888888889E-003
CMDLINE=astap_cli -f x.fits
`;

Deno.test("a solved ASTAP .ini gives its WCS", () => {
  const out = astapSolution(parseAstapIni(SOLVED_INI));
  if (out.kind !== "solved") throw new Error(`expected solved, got ${out.kind}`);
  assertEquals(out.wcs.crval1Deg, 83.8);
  assertEquals(out.wcs.crval2Deg, -5.4);
  const f = wcsFigures(out.wcs);
  assertAlmostEquals(f.pixelScaleArcsec, 5, 1e-9);
  assertEquals(f.positionAngleDeg, 0);
  assertEquals(f.mirrored, false);
});

Deno.test("an unsolved ASTAP .ini is a failure with its ERROR text", () => {
  const out = astapSolution(parseAstapIni("PLTSOLVD=F\r\nERROR=Not enough stars.\r\n"));
  assertEquals(out, { kind: "failed", reason: "ASTAP: Not enough stars." });
});

Deno.test("ASTAP gets the hint as hours and south-pole distance, never a negative number", () => {
  const args = astapArgs(
    {
      imagePath: "/d/x.fits",
      widthPx: 1600,
      heightPx: 1200,
      raHintDeg: 83.8,
      decHintDeg: -5.4,
      pixelScaleArcsec: 5,
      searchRadiusDeg: 10,
      timeoutMs: 1000,
      astapDatabaseDir: "/db",
    },
    "/tmp/o",
    false,
  );
  const at = (k: string) => args[args.indexOf(k) + 1];
  assertEquals(at("-ra"), (83.8 / 15).toFixed(6));
  assertEquals(at("-spd"), "84.600000");
  assertEquals(at("-fov"), (1200 * 5 / 3600).toFixed(4));
  assertEquals(at("-r"), "10");
  assertEquals(at("-d"), "/db");
});
