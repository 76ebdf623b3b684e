import { join } from "node:path";
import { assert, assertEquals } from "../../tests/_assert.ts";
import { systemClock } from "../../lib/clock.ts";
import { EventBus } from "../event_bus.ts";
import { silentLogger } from "../../lib/log.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { SolverService } from "./solver_service.ts";

/** Running, not a zombie: an orphan killed in a container may wait for a reaper that is slow. */
function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

Deno.test("a solve that outlives its deadline is killed with its whole process group", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(
      join(dir, "f.fits"),
      encodeFits({ pixels: new Uint16Array(64 * 64), widthPx: 64, heightPx: 64 }, []),
    );
    // A stand-in solve-field that forks a helper, as the real one forks astrometry-engine.
    const fake = join(dir, "slow-solver.sh");
    await Deno.writeTextFile(
      fake,
      `#!/bin/sh\nsleep 30 &\necho $! > ${dir}/helper.pid\necho $$ > ${dir}/main.pid\nwait\n`,
    );
    await Deno.chmod(fake, 0o755);
    const bus = new EventBus({ clock: systemClock, validate: true });
    const events: unknown[] = [];
    const off = bus.subscribe((e) => e.type === "solver.result" && events.push(e.data));
    const solver = new SolverService({
      bus,
      clock: systemClock,
      log: silentLogger,
      dataDir: dir,
      pixelScaleArcsec: () => null,
      fieldWidthArcmin: () => null,
      timeoutMs: 700,
      concurrency: 1,
      searchRadiusDeg: 10,
      backends: { astapPath: null, solveFieldPath: fake },
    });
    const started = performance.now();
    const job = await solver.submit("f.fits");
    // Both processes are up before the deadline.
    await new Promise((r) => setTimeout(r, 300));
    const helper = Number(await Deno.readTextFile(join(dir, "helper.pid")));
    const main = Number(await Deno.readTextFile(join(dir, "main.pid")));
    assert(alive(helper) && alive(main));
    const done = await solver.wait(job.id);
    const elapsedMs = performance.now() - started;
    assertEquals(done?.status, "failed");
    assert(/stopped/.test(done?.error ?? ""), done?.error ?? "");
    // Stopped by the 700 ms deadline, not by the fake's own end 30 s later (half of that is
    // far more than any busy machine needs).
    assert(elapsedMs < 15_000, `took ${elapsedMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    assert(!alive(helper), "the forked helper survived the timeout");
    assert(!alive(main), "the solver process survived the timeout");
    assertEquals(events.length, 1);
    await solver.close();
    off();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A stand-in astap_cli that answers like ASTAP: `-h` prints the help (its first line names the
 * version, which the solved frame's HISTORY card quotes); a solve writes `<-o>.ini` and exits with
 * `code`. Without an output base it writes nothing (the version query must leave no `.ini` in the
 * working directory, the repository when tests run).
 */
async function fakeAstap(dir: string, ini: string, code: number): Promise<string> {
  const path = join(dir, `astap-${code}.sh`);
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\n` +
      `if [ "$1" = "-h" ]; then echo "ASTAP astrometric solver version CLI-test"; exit 0; fi\n` +
      `out=""\nwhile [ $# -gt 0 ]; do [ "$1" = "-o" ] && out="$2"; shift; done\n` +
      `[ -n "$out" ] || exit 16\n` +
      `printf '%s' '${ini}' > "$out.ini"\nexit ${code}\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("ASTAP goes first; when it fails, solve-field is asked; the answer names the solver", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(
      join(dir, "f.fits"),
      encodeFits({ pixels: new Uint16Array(100 * 80), widthPx: 100, heightPx: 80 }, []),
    );
    const db = join(dir, "db");
    await Deno.mkdir(db);
    await Deno.writeTextFile(join(db, "d50_0101.1476"), "stars");
    const solvedIni = "PLTSOLVD=T\nCRPIX1=50.5\nCRPIX2=40.5\nCRVAL1=83.8\nCRVAL2=-5.4\n" +
      "CD1_1=-1.388888888888889E-003\nCD1_2=0\nCD2_1=0\nCD2_2=1.388888888888889E-003\n";
    const noSolve = join(dir, "no-solve-field.sh");
    await Deno.writeTextFile(noSolve, "#!/bin/sh\nexit 0\n");
    await Deno.chmod(noSolve, 0o755);
    const make = (astapPath: string) =>
      new SolverService({
        bus: new EventBus({ clock: systemClock, validate: true }),
        clock: systemClock,
        log: silentLogger,
        dataDir: dir,
        pixelScaleArcsec: () => 5,
        fieldWidthArcmin: () => null,
        timeoutMs: 5000,
        concurrency: 2,
        searchRadiusDeg: 10,
        backends: { astapPath, astapDatabaseDir: db, solveFieldPath: noSolve },
      });
    const ok = make(await fakeAstap(dir, solvedIni, 0));
    const a = await ok.wait((await ok.submit("f.fits", { raHours: 5.5, decDeg: -5 })).id);
    assertEquals(a?.status, "solved");
    assertEquals(a?.solution?.solver, "astap");
    assertEquals(a?.solution?.raDeg, 83.8);
    assertEquals(a?.solution?.positionAngleDeg, 0);
    assertEquals(a?.solution?.solverVersion, "CLI-test", "from the first line of `-h`");
    await ok.close();
    const bad = make(await fakeAstap(dir, "PLTSOLVD=F\nERROR=No solution\n", 1));
    const b = await bad.wait((await bad.submit("f.fits", { raHours: 5.5, decDeg: -5 })).id);
    assertEquals(b?.status, "failed");
    // ASTAP hinted, ASTAP blind, then solve-field hinted and blind: four reasons in order.
    assertEquals(b?.error?.split("; ").length, 4, b?.error ?? "");
    assert(/^ASTAP exited with 1.*solve-field found no solution \(blind\)$/.test(b?.error ?? ""));
    await bad.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jobs: the newest `maxJobs` finished jobs are kept, older ones forgotten", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(
      join(dir, "f.fits"),
      encodeFits({ pixels: new Uint16Array(64 * 64), widthPx: 64, heightPx: 64 }, []),
    );
    const noSolve = join(dir, "no-solve-field.sh");
    await Deno.writeTextFile(noSolve, "#!/bin/sh\nexit 0\n");
    await Deno.chmod(noSolve, 0o755);
    const solver = new SolverService({
      bus: new EventBus({ clock: systemClock, validate: true }),
      clock: systemClock,
      log: silentLogger,
      dataDir: dir,
      pixelScaleArcsec: () => null,
      fieldWidthArcmin: () => null,
      timeoutMs: 30_000,
      concurrency: 1,
      searchRadiusDeg: 10,
      backends: { astapPath: null, solveFieldPath: noSolve },
      maxJobs: 3,
    });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const job = await solver.submit("f.fits");
      ids.push(job.id);
      assertEquals((await solver.wait(job.id))?.status, "failed");
    }
    assertEquals(ids.map((id) => solver.get(id) !== null), [
      ...Array(5).fill(false),
      ...Array(3).fill(true),
    ]);
    await solver.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
