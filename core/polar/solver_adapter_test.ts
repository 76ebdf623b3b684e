/** The polar routine's `solve` over the solver service: degrees become hours; failures reject. */
import assert from "node:assert/strict";
import type { SolveJob } from "../solver/solver_service.ts";
import { solveWithService } from "./solver_adapter.ts";

function fakeSolver(outcome: Partial<SolveJob>) {
  const submitted: unknown[] = [];
  const job = (): SolveJob => ({
    id: "j1",
    imagePath: "x.fits",
    status: "pending",
    solution: null,
    error: null,
    durationMs: null,
    createdAt: 0,
    frameId: null,
    ...outcome,
  });
  return {
    submitted,
    submit: (path: string, hint: unknown) => {
      submitted.push([path, hint]);
      return Promise.resolve({ ...job(), status: "pending" as const });
    },
    wait: () => Promise.resolve(job()),
    abort: () => true,
  };
}

Deno.test("solveWithService: passes the hint, converts RA degrees to hours", async () => {
  const solver = fakeSolver({
    status: "solved",
    solution: {
      wcs: {
        crval1Deg: 150,
        crval2Deg: 20,
        crpix1Px: 1,
        crpix2Px: 1,
        cd11: -1.5 / 3600,
        cd12: 0,
        cd21: 0,
        cd22: 1.5 / 3600,
      },
      solverVersion: null,
      raDeg: 150,
      decDeg: 20,
      positionAngleDeg: 12,
      pixelScaleArcsec: 1.5,
      fieldWidthDeg: 1,
      fieldHeightDeg: 0.7,
      mirrored: false,
      solver: "astap",
    },
  });
  const solved = await solveWithService(solver)("/data/f.fits", { raHours: 10, decDeg: 21 });
  assert.deepEqual(solved, {
    raHours: 10,
    decDeg: 20,
    positionAngleDeg: 12,
    pixelScaleArcsec: 1.5,
  });
  assert.deepEqual(solver.submitted, [["/data/f.fits", { raHours: 10, decDeg: 21 }]]);
});

Deno.test("solveWithService: a failed job rejects with the solver's reason", async () => {
  const solver = fakeSolver({ status: "failed", error: "no stars" });
  await assert.rejects(
    solveWithService(solver)("/data/f.fits", { raHours: 1, decDeg: 2 }),
    /no stars/,
  );
});
