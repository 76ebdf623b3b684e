/**
 * The centring loop's decisions on a fake mount whose pointing error is known: the optics point
 * at the axes' position minus a constant error, and a sync works as on real mounts (an offset
 * between the axes and the reported position), or is ignored, or — as the simulator does today —
 * moves the reported position and the truth together. It must converge in two rounds when syncs
 * work, in three when they do not, by aiming off when the mount cannot sync, and give up with a
 * reason after `maxAttempts`, or after two failed solves in a row; an abort stops it at once.
 */
import { assert, assertEquals } from "../../tests/_assert.ts";
import type { EquatorialCoord } from "../../lib/astro/coords.ts";
import { runCentering } from "./loop.ts";
import type { AttemptRecord, CenteringPorts } from "./types.ts";

type SyncKind = "real" | "ignored" | "moves-truth" | "none";

const TARGET = { raHours: 5.5, decDeg: 30 };
/** The optics sit this far from the axes, in coordinates: ~720″ on the sky at Dec 30°. */
const ERROR = { raHours: 40 / 3600, decDeg: -400 / 3600 };

class FakeMount {
  axes: EquatorialCoord = { raHours: 0, decDeg: 90 };
  offset = { raHours: 0, decDeg: 0 };
  gotos: EquatorialCoord[] = [];
  syncs = 0;
  constructor(readonly syncKind: SyncKind) {}

  reported(): EquatorialCoord {
    return {
      raHours: this.axes.raHours + this.offset.raHours,
      decDeg: this.axes.decDeg + this.offset.decDeg,
    };
  }

  truth(): EquatorialCoord {
    return { raHours: this.axes.raHours - ERROR.raHours, decDeg: this.axes.decDeg - ERROR.decDeg };
  }

  goto(aim: EquatorialCoord): void {
    this.gotos.push(aim);
    this.axes = {
      raHours: aim.raHours - this.offset.raHours,
      decDeg: aim.decDeg - this.offset.decDeg,
    };
  }

  sync(solved: EquatorialCoord): void {
    this.syncs++;
    if (this.syncKind === "real") {
      this.offset = {
        raHours: solved.raHours - this.axes.raHours,
        decDeg: solved.decDeg - this.axes.decDeg,
      };
    } else if (this.syncKind === "moves-truth") {
      this.axes = { ...solved };
    }
  }
}

function ports(
  mount: FakeMount,
  solve: (truth: EquatorialCoord, n: number) => EquatorialCoord = (t) => t,
  phases: string[] = [],
): CenteringPorts {
  let solves = 0;
  return {
    canSync: mount.syncKind !== "none",
    goto: (aim, signal) => {
      signal.throwIfAborted();
      mount.goto(aim);
      return Promise.resolve();
    },
    sync: (solved) => Promise.resolve(mount.sync(solved)),
    capture: (attempt) =>
      Promise.resolve({
        frameId: `f${attempt}`,
        relativePath: `frames/f${attempt}.fits`,
        absolutePath: `/data/frames/f${attempt}.fits`,
      }),
    solve: (_path, _hint, signal) => {
      signal.throwIfAborted();
      const answer = solve(mount.truth(), ++solves);
      return Promise.resolve({ ...answer, positionAngleDeg: 0, pixelScaleArcsec: 2 });
    },
    position: () => mount.reported(),
    now: () => 0,
    phase: (state) => phases.push(state),
  };
}

async function run(p: CenteringPorts, maxAttempts = 5, toleranceArcsec = 30) {
  const records: AttemptRecord[] = [];
  const notes: string[] = [];
  const outcome = await runCentering(
    p,
    { target: TARGET, toleranceArcsec, maxAttempts },
    new AbortController().signal,
    (r) => records.push(r),
    (m) => notes.push(m),
  );
  return { outcome, records, notes };
}

Deno.test("a mount whose sync works is centred in two rounds", async () => {
  const mount = new FakeMount("real");
  const phases: string[] = [];
  const { outcome, records } = await run(ports(mount, undefined, phases));
  assertEquals(outcome.success, true);
  assertEquals(records.map((r) => r.correction), ["sync", null]);
  assert(records[0]!.errorArcsec! > 600, `first error ${records[0]!.errorArcsec}″`);
  assert(records[1]!.errorArcsec! < 1e-6 && records[1]!.withinTolerance);
  assertEquals(mount.syncs, 1);
  assertEquals(phases, [
    "slewing",
    "exposing",
    "solving",
    "syncing",
    "slewing",
    "exposing",
    "solving",
  ]);
  // The components say where the optics are: west of the target (lower RA) and north of it.
  assert(records[0]!.raErrorArcsec! < 0 && records[0]!.decErrorArcsec! > 0);
});

for (const kind of ["ignored", "moves-truth"] as const) {
  Deno.test(`a mount whose sync is ${kind} is centred by aiming off, in three rounds`, async () => {
    const mount = new FakeMount(kind);
    const { outcome, records, notes } = await run(ports(mount));
    assertEquals(outcome.success, true, outcome.reason ?? "");
    assertEquals(records.map((r) => r.correction), ["sync", "offset", null]);
    assertEquals(mount.syncs, 1);
    assert(/did not improve/.test(notes[0] ?? ""), notes.join());
  });
}

Deno.test("a mount that cannot sync is centred by aiming off from the first round", async () => {
  const mount = new FakeMount("none");
  const { outcome, records } = await run(ports(mount));
  assertEquals(outcome, {
    success: true,
    attempts: 2,
    finalErrorArcsec: records[1]!.errorArcsec,
    reason: null,
  });
  assertEquals(records.map((r) => r.correction), ["offset", null]);
  assertEquals(mount.syncs, 0);
});

Deno.test("a solver that keeps answering off-target ends in failure after maxAttempts", async () => {
  const mount = new FakeMount("real");
  // Always 100″ north of the target, whatever the mount does.
  const liar = () => ({ raHours: TARGET.raHours, decDeg: TARGET.decDeg + 100 / 3600 });
  const { outcome, records } = await run(ports(mount, liar), 3);
  assertEquals(outcome.success, false);
  assertEquals(outcome.attempts, 3);
  assert(/still 100\.0″ from the target after 3 attempts \(tolerance 30″\)/.test(outcome.reason!));
  // The sync changed nothing, so the second round aims off; none after the last attempt: the
  // mount is left where it is.
  assertEquals(records.map((r) => r.correction), ["sync", "offset", null]);
  assertEquals(mount.gotos.length, 3);
});

Deno.test("a failed solve counts as an attempt; two in a row end the run with the reason", async () => {
  const mount = new FakeMount("real");
  const clouds = (truth: EquatorialCoord, n: number) => {
    if (n === 1 || n >= 3) throw new Error("no stars found");
    return truth;
  };
  const { outcome, records } = await run(ports(mount, clouds));
  assertEquals(outcome.success, false);
  assertEquals(records.map((r) => r.failure), [
    "no stars found",
    null,
    "no stars found",
    "no stars found",
  ]);
  assertEquals(outcome.attempts, 4);
  assert(/2 plate solves in a row failed.*no stars found/.test(outcome.reason!), outcome.reason!);
  assert(outcome.finalErrorArcsec! > 600, "the last solved error is kept");
});

Deno.test("a failed solve then a good one goes on to centre", async () => {
  const mount = new FakeMount("real");
  const once = (truth: EquatorialCoord, n: number) => {
    if (n === 1) throw new Error("timeout");
    return truth;
  };
  const { outcome, records } = await run(ports(mount, once));
  assertEquals(outcome.success, true);
  assertEquals(records.map((r) => r.correction), [null, "sync", null]);
});

Deno.test("an abort stops the loop with the abort's reason", async () => {
  const mount = new FakeMount("real");
  const controller = new AbortController();
  const p = ports(mount, (truth) => {
    controller.abort(new Error("stopped by the user"));
    return truth;
  });
  const records: AttemptRecord[] = [];
  const running = runCentering(
    p,
    { target: TARGET, toleranceArcsec: 30, maxAttempts: 5 },
    controller.signal,
    (r) => records.push(r),
  );
  let caught: unknown = null;
  await running.catch((err) => caught = err);
  assert(caught instanceof Error && caught.message === "stopped by the user", String(caught));
  assertEquals(mount.gotos.length, 1);
});
