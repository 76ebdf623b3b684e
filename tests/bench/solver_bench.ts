/**
 * Plate-solve time through OpenSkyLab's solver service (path check, ASTAP attempt — which Debian's
 * build answers at once with "no database" — then solve-field, parsing, job bookkeeping) against
 * running `solve-field` directly with the same arguments on the same frames in the same run. The
 * frames are Tycho-2 fields rendered at a known WCS (tests/fixtures/sky_frame.ts), solved with a
 * position hint and the profile's scale; the order alternates per round so neither side is always
 * the one that finds the index files in the page cache. Target: overhead ≤ 5 %.
 */
import { join } from "node:path";
import { systemClock } from "../../lib/clock.ts";
import { EventBus } from "../../core/event_bus.ts";
import { silentLogger } from "../../lib/log.ts";
import { solveFieldArgs } from "../../core/solver/astrometry_net.ts";
import { SolverService } from "../../core/solver/solver_service.ts";
import { renderSkyFrame, type SkyFrameTruth, TYCHO2_INDEX } from "../fixtures/sky_frame.ts";
import { report } from "./_util.ts";

const FIELDS: Pick<SkyFrameTruth, "raDeg" | "decDeg" | "positionAngleDeg">[] = [
  { raDeg: 83.8, decDeg: -5.4, positionAngleDeg: 30 },
  { raDeg: 201.3, decDeg: 41.2, positionAngleDeg: 250 },
  { raDeg: 10.68, decDeg: 41.27, positionAngleDeg: 120 },
  { raDeg: 279.2, decDeg: 38.8, positionAngleDeg: 5 },
];
const ROUNDS = 2;
const SCALE_ARCSEC = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function solverBench(): Promise<void> {
  try {
    Deno.statSync(TYCHO2_INDEX);
  } catch {
    console.log("bench solver: skipped (astrometry.net Tycho-2 index files are not installed)");
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "openskylab-solver-bench-" });
  const solver = new SolverService({
    bus: new EventBus({ clock: systemClock }),
    clock: systemClock,
    log: silentLogger,
    dataDir: dir,
    pixelScaleArcsec: () => SCALE_ARCSEC,
    fieldWidthArcmin: () => null,
    timeoutMs: 120_000,
    concurrency: 1,
    searchRadiusDeg: 15,
  });
  try {
    const files: { path: string; truth: SkyFrameTruth }[] = [];
    for (const [i, f] of FIELDS.entries()) {
      const truth = {
        ...f,
        pixelScaleArcsec: SCALE_ARCSEC,
        mirrored: false,
        widthPx: 1600,
        heightPx: 1200,
      };
      const path = join(dir, `field${i}.fits`);
      await Deno.writeFile(path, (await renderSkyFrame(truth, i + 1)).fits);
      files.push({ path, truth });
    }
    const oursMs: number[] = [];
    const directMs: number[] = [];
    let failures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const { path, truth } of files) {
        const hint = { raHours: (truth.raDeg + 0.3) / 15, decDeg: truth.decDeg - 0.3 };
        const viaUs = async () => {
          const t0 = performance.now();
          const job = await solver.submit(path, hint);
          const done = await solver.wait(job.id);
          oursMs.push(performance.now() - t0);
          if (done?.status !== "solved") failures++;
        };
        const direct = async () => {
          const out = await Deno.makeTempDir({ prefix: "openskylab-solver-bench-direct-" });
          const args = solveFieldArgs(
            {
              imagePath: path,
              widthPx: truth.widthPx,
              heightPx: truth.heightPx,
              raHintDeg: hint.raHours * 15,
              decHintDeg: hint.decDeg,
              pixelScaleArcsec: SCALE_ARCSEC,
              searchRadiusDeg: 15,
              timeoutMs: 120_000,
            },
            out,
            false,
          );
          const t0 = performance.now();
          const r = await new Deno.Command("solve-field", { args, stdout: "null", stderr: "null" })
            .output();
          directMs.push(performance.now() - t0);
          if (!r.success) failures++;
          await Deno.remove(out, { recursive: true });
        };
        if ((round + files.indexOf(files.find((x) => x.path === path)!)) % 2 === 0) {
          await viaUs();
          await direct();
        } else {
          await direct();
          await viaUs();
        }
      }
    }
    const ours = median(oursMs);
    const direct = median(directMs);
    report("solver", {
      frames: files.length * ROUNDS,
      openskylab_median_ms: ours,
      solve_field_median_ms: direct,
      openskylab_total_ms: oursMs.reduce((a, b) => a + b, 0),
      solve_field_total_ms: directMs.reduce((a, b) => a + b, 0),
      overhead_ratio: ours / direct,
      overhead_pct: (ours / direct - 1) * 100,
      failures,
    });
  } finally {
    await solver.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await solverBench();
