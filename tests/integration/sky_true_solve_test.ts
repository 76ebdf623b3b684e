/**
 * The simulated camera renders the true sky: frames it takes at known pointings of the simulated
 * mount — east and west of the meridian (pier sides west and east: the flipped frame is turned
 * 180°), with the rotator turned, near Dec +60°, across RA 0h — solve with the real
 * astrometry.net `solve-field` (through core/solver's plateSolve, ASTAP first) to within 5″ of
 * `trueSkyPosition()`, the expected position angle within 0.1° and the pixel scale within 0.5 %.
 * With polar-axis and TPOINT errors configured the solution lands on the true pointing, not on
 * what the mount reports, so solving has real work to do. Source of truth: the Tycho-2 index the
 * frame was rendered from and the WCS conventions of lib/astro/wcs.ts.
 */
import { assert, assertEquals } from "../_assert.ts";
import {
  angleDiffDeg,
  HAVE_SOLVER,
  openRig,
  pointAt,
  SCALE_ARCSEC,
  separationArcsec,
  shoot,
  solveFrame,
  turnRotator,
} from "./_sky_rig.ts";

/** 2026-01-15 17:00 UTC: the local sidereal time at the test site is about 1.4 h. */
const START_MS = Date.UTC(2026, 0, 15, 17, 0);
const ignore = !HAVE_SOLVER;
/** The test's name, with the reason when it is skipped (Deno.test has no skip message). */
const named = (name: string) => ignore ? `${name} (skipped: ${WHY})` : name;
const WHY =
  "needs solve-field and the Tycho-2 index files (Debian astrometry.net, astrometry-data-tycho2-*)";

interface Case {
  name: string;
  /** Hours from the local sidereal time (positive = east of the meridian), or an absolute RA. */
  haEastHours?: number;
  raHours?: number;
  decDeg: number;
  rotatorDeg: number;
  binning: number;
  expectedPier: "east" | "west";
  expectedPaDeg: number;
}

const CASES: Case[] = [
  {
    name: "east of the meridian, pier side west: the frame is turned 180°",
    haEastHours: 1.5,
    // Dec +50° at RA ≈ 3 h is the Perseus Milky Way; at Dec +20° the index holds only 11 stars
    // on the frame, too few for solve-field at this field size.
    decDeg: 50,
    rotatorDeg: 0,
    binning: 2,
    expectedPier: "west",
    expectedPaDeg: 180,
  },
  {
    name: "west of the meridian with the rotator at 30°",
    haEastHours: -1.5,
    decDeg: 15,
    rotatorDeg: 30,
    binning: 2,
    expectedPier: "east",
    expectedPaDeg: 30,
  },
  {
    name: "near Dec +60°",
    haEastHours: -2.5,
    decDeg: 60,
    rotatorDeg: 0,
    binning: 2,
    expectedPier: "east",
    expectedPaDeg: 0,
  },
  {
    name: "across RA 0h, the default profile's full 3008×2008 frame",
    raHours: 0.01,
    decDeg: 35,
    rotatorDeg: 0,
    binning: 1,
    expectedPier: "east",
    expectedPaDeg: 0,
  },
];

for (const c of CASES) {
  Deno.test({
    name: named(`sky-true frame solves: ${c.name}`),
    ignore,
    fn: async () => {
      const rig = await openRig({ startMs: START_MS });
      try {
        const lst = rig.mount.status().siderealTimeHours;
        const raHours = c.raHours ?? (lst + c.haEastHours! + 24) % 24;
        await pointAt(rig, raHours, c.decDeg);
        await turnRotator(rig, c.rotatorDeg);
        assertEquals(rig.mount.status().pierSide, c.expectedPier);
        const truth = rig.mount.trueSkyPosition();
        const frame = await shoot(rig, 5, c.binning);
        const { solution, ms } = await solveFrame(
          frame,
          { raDeg: raHours * 15, decDeg: c.decDeg },
          c.binning,
        );
        const missArcsec = separationArcsec(
          solution.raDeg,
          solution.decDeg,
          truth.raHours * 15,
          truth.decDeg,
        );
        const paMissDeg = angleDiffDeg(solution.positionAngleDeg, c.expectedPaDeg);
        const scaleMiss = Math.abs(solution.pixelScaleArcsec / (SCALE_ARCSEC * c.binning) - 1);
        console.log(
          `${c.name}: ${frame.widthPx}×${frame.heightPx} solved by ${solution.solver} in ` +
            `${ms.toFixed(0)} ms; centre off by ${missArcsec.toFixed(2)}″, PA ` +
            `${solution.positionAngleDeg.toFixed(3)}° (off ${paMissDeg.toFixed(4)}°), scale off ` +
            `${(scaleMiss * 100).toFixed(3)} %`,
        );
        assertEquals(solution.mirrored, false);
        assert(missArcsec < 5, `centre off by ${missArcsec}″`);
        assert(paMissDeg < 0.1, `PA ${solution.positionAngleDeg}° vs ${c.expectedPaDeg}°`);
        assert(scaleMiss < 0.005, `scale ${solution.pixelScaleArcsec}″/px`);
      } finally {
        await rig.close();
      }
    },
  });
}

Deno.test({
  name: named(
    "sky-true frame solves to the true pointing, not the reported one, with mount errors",
  ),
  ignore,
  fn: async () => {
    const errors = {
      polarAltErrorArcmin: 20,
      polarAzErrorArcmin: -15,
      ihArcsec: 300,
      idArcsec: -200,
      chArcsec: 60,
      npArcsec: 30,
    };
    const rig = await openRig({ startMs: START_MS, mount: errors });
    try {
      const lst = rig.mount.status().siderealTimeHours;
      const raHours = (lst + 2) % 24;
      await pointAt(rig, raHours, 40);
      const reported = rig.mount.status();
      const truth = rig.mount.trueSkyPosition();
      const frame = await shoot(rig, 5, 2);
      const { solution } = await solveFrame(
        frame,
        { raDeg: reported.raHours * 15, decDeg: reported.decDeg },
        2,
      );
      const expectedArcsec = separationArcsec(
        reported.raHours * 15,
        reported.decDeg,
        truth.raHours * 15,
        truth.decDeg,
      );
      const solvedOffArcsec = separationArcsec(
        reported.raHours * 15,
        reported.decDeg,
        solution.raDeg,
        solution.decDeg,
      );
      const missArcsec = separationArcsec(
        solution.raDeg,
        solution.decDeg,
        truth.raHours * 15,
        truth.decDeg,
      );
      console.log(
        `with ${JSON.stringify(errors)}: the mount is ${(expectedArcsec / 60).toFixed(2)}′ off; ` +
          `the solve says ${(solvedOffArcsec / 60).toFixed(2)}′ and misses the truth by ` +
          `${missArcsec.toFixed(2)}″`,
      );
      assert(expectedArcsec > 600, `the errors should move the pointing (${expectedArcsec}″)`);
      assert(missArcsec < 5, `centre off the truth by ${missArcsec}″`);
      assert(Math.abs(solvedOffArcsec - expectedArcsec) < 5);
    } finally {
      await rig.close();
    }
  },
});
