/**
 * The simulated mount's sync: a sync changes what the mount reports, never where its axes (and
 * so its optics) point; a goto after a sync drives the axes to the target minus the offset, so
 * syncing on a plate solve makes the next goto land on the target up to the mechanical errors'
 * variation over the offset (second order: a few arcseconds for the 5′ to 20′ offsets of these
 * errors). The physical state — pier side, time to flip, the park position — follows the axes.
 */
import assert from "node:assert/strict";
import {
  angularSeparationDeg,
  type EquatorialCoord,
  equatorialToHorizontal,
  wrapHours,
} from "../../lib/astro/coords.ts";
import { j2000ToJNow, jnowToJ2000 } from "../../lib/astro/precession.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { ManualClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import { SimMountOptions } from "./mount_options.ts";
import type { Site } from "../device.ts";
import { SimMount } from "./mount.ts";
import {
  mechanicalFromReported,
  reportedFromMechanical,
  syncOffsetBetween,
} from "./mount_sync_offset.ts";

const mountContext = contextFor(SimMountOptions);

const SITE: Site = { latitudeDeg: 51.48, longitudeDeg: 0, elevationM: 45 };
/** 2026-03-20 22:00 UTC: a spring evening at Greenwich. */
const START_MS = Date.UTC(2026, 2, 20, 22, 0, 0);
/** IH, ID and a polar axis 12′ high and 18′ west: a few arcminutes of goto error everywhere. */
const ERRORS = { ihArcsec: 300, idArcsec: -200, polarAltErrorArcmin: 12, polarAzErrorArcmin: -18 };

/** A J2000 target at an hour angle and Dec of date, for the simulator's clock and site. */
function targetAt(clock: ManualClock, haHours: number, decDeg: number): EquatorialCoord {
  const lst = lstHours(clock.now(), SITE.longitudeDeg);
  return jnowToJ2000({ raHours: wrapHours(lst - haHours), decDeg }, clock.now());
}

async function connected(options: Record<string, unknown> = {}) {
  const clock = new ManualClock(START_MS);
  const mount = new SimMount({
    ...mountContext(clock, { slewRateDegPerS: 30, ...options }),
    site: SITE,
  });
  await mount.connect();
  return { clock, mount };
}

async function gotoAndArrive(clock: ManualClock, mount: SimMount, target: EquatorialCoord) {
  await mount.slewTo(target);
  for (let i = 0; i < 400 && mount.status().slewing; i++) await clock.advance(500);
  assert.equal(mount.status().slewing, false, "the slew never ended");
}

function arcsec(a: EquatorialCoord, b: EquatorialCoord): number {
  return angularSeparationDeg(a, b) * 3600;
}

Deno.test("sync offset: reported ↔ mechanical round trip, the short way across RA 0 h", () => {
  const mechanical = { raHours: 23.99, decDeg: 40 };
  const reported = { raHours: 0.02, decDeg: 40.25 };
  const offset = syncOffsetBetween(reported, mechanical);
  assert.ok(Math.abs(offset.haHours - -0.03) < 1e-12, `${offset.haHours}`);
  assert.ok(Math.abs(offset.decDeg - 0.25) < 1e-12);
  const back = reportedFromMechanical(mechanical, offset);
  assert.ok(Math.abs(back.raHours - 0.02) < 1e-12 && Math.abs(back.decDeg - 40.25) < 1e-12);
  const axes = mechanicalFromReported(reported, offset);
  assert.ok(Math.abs(axes.raHours - 23.99) < 1e-12 && Math.abs(axes.decDeg - 40) < 1e-12);
  // A reading cannot pass the pole, whatever the offset.
  assert.equal(reportedFromMechanical({ raHours: 1, decDeg: 89.9 }, offset).decDeg, 90);
});

Deno.test("SimMount: sync moves the report, not the optics, the pier side or the flip", async () => {
  const { clock, mount } = await connected(ERRORS);
  try {
    // Just east of the meridian, so a 0.3 h offset puts the report on the other side of it.
    await gotoAndArrive(clock, mount, targetAt(clock, -0.1, 30));
    const before = mount.status();
    const truthBefore = mount.trueSkyPosition();
    const synced = { raHours: wrapHours(before.raHours - 0.3), decDeg: 30.4 };
    await mount.sync(synced);
    const after = mount.status();
    assert.ok(arcsec(mount.trueSkyPosition(), truthBefore) < 0.01, "the optics moved");
    assert.ok(arcsec(after, synced) < 0.01, `reports ${after.raHours} h ${after.decDeg}°`);
    assert.equal(after.pierSide, before.pierSide);
    assert.equal(after.slewing, false);
    assert.ok(Math.abs(after.timeToFlipS! - before.timeToFlipS!) < 0.01, "flip time moved");
    // Alt/Az describe the reported position, as RA/Dec do.
    const horizontal = equatorialToHorizontal(
      j2000ToJNow(synced, clock.now()),
      after.siderealTimeHours,
      SITE.latitudeDeg,
    );
    assert.ok(Math.abs(after.altDeg - horizontal.altDeg) < 1e-6);
    // Tracking carries the report along with the axes: a minute later it still reads the sync.
    await clock.advance(60_000);
    assert.ok(arcsec(mount.status(), synced) < 0.01);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: goto T, sync on the true pointing, goto T lands within 10″ of T", async () => {
  const { clock, mount } = await connected(ERRORS);
  const firstArcsec: number[] = [];
  const afterSyncArcsec: number[] = [];
  try {
    for (const [haHours, decDeg] of [[-3, 10], [-1, 45], [1.5, 20], [3, 60], [2, -10]] as const) {
      const target = targetAt(clock, haHours, decDeg);
      await gotoAndArrive(clock, mount, target);
      const solved = mount.trueSkyPosition();
      firstArcsec.push(arcsec(solved, target));
      await mount.sync(solved);
      await gotoAndArrive(clock, mount, target);
      afterSyncArcsec.push(arcsec(mount.trueSkyPosition(), target));
      assert.ok(arcsec(mount.status(), target) < 0.01, "reports the target after the goto");
      // A second round (solve, sync, goto) shrinks the second-order residual further.
      await mount.sync(mount.trueSkyPosition());
      await gotoAndArrive(clock, mount, target);
      const again = arcsec(mount.trueSkyPosition(), target);
      assert.ok(again < 1, `a second sync left ${again.toFixed(2)}″`);
    }
    const worst = Math.max(...afterSyncArcsec);
    console.log(
      `goto error before sync ${Math.min(...firstArcsec).toFixed(0)}–` +
        `${Math.max(...firstArcsec).toFixed(0)}″, after one sync max ${worst.toFixed(2)}″`,
    );
    assert.ok(Math.max(...firstArcsec) > 600, `errors too small to test: ${firstArcsec}`);
    assert.ok(worst < 10, `after a sync the goto is ${worst.toFixed(2)}″ off`);
    afterSyncArcsec.forEach((after, i) => {
      assert.ok(after < firstArcsec[i]! / 10, `target ${i}: ${firstArcsec[i]}″ → ${after}″`);
    });
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: the offset survives park, unpark and a reconnect; refused syncs keep it", async () => {
  const { clock, mount } = await connected({ parkAltDeg: 40, parkAzDeg: 180 });
  try {
    await gotoAndArrive(clock, mount, targetAt(clock, -1, 30));
    const here = mount.status();
    const synced = { raHours: wrapHours(here.raHours + 0.01), decDeg: here.decDeg - 0.1 };
    await mount.sync(synced);
    // Unsynced, the report was the axes: the offset is the difference of the two, in JNow.
    const offset = mount.syncOffset;
    const expected = syncOffsetBetween(
      j2000ToJNow(synced, clock.now()),
      j2000ToJNow(here, clock.now()),
    );
    assert.ok(Math.abs(offset.haHours - expected.haHours) < 1e-9, `${offset.haHours} h`);
    assert.ok(Math.abs(offset.decDeg - expected.decDeg) < 1e-9, `${offset.decDeg}°`);
    assert.ok(Math.abs(offset.haHours + 0.01) < 1e-4 && Math.abs(offset.decDeg + 0.1) < 1e-3);

    await mount.slewTo(targetAt(clock, 1, 30));
    await assert.rejects(mount.sync({ raHours: 1, decDeg: 1 }), isConflict(/slewing/));
    await mount.abort();
    assert.deepEqual(mount.syncOffset, offset);

    await mount.park();
    for (let i = 0; i < 400 && !mount.status().parked; i++) await clock.advance(500);
    const parked = mount.status();
    assert.equal(parked.parked, true);
    await assert.rejects(mount.sync({ raHours: 1, decDeg: 1 }), isConflict(/parked/));
    // The axes park at the configured Alt/Az; the report is that plus the offset.
    const axes = equatorialToHorizontal(
      mechanicalFromReported(j2000ToJNow(parked, clock.now()), offset),
      parked.siderealTimeHours,
      SITE.latitudeDeg,
    );
    assert.ok(Math.abs(axes.altDeg - 40) < 1e-6 && Math.abs(axes.azDeg - 180) < 1e-6);
    assert.ok(Math.abs(parked.altDeg - 40) > 0.01, "Alt/Az follow the synced report");
    await mount.unpark();
    await mount.disconnect();
    await mount.connect();
    assert.deepEqual(mount.syncOffset, offset);
  } finally {
    await mount.disconnect();
  }
});

function isConflict(message: RegExp) {
  return (err: unknown) =>
    err instanceof AppError && err.status === 409 && message.test(err.message);
}
