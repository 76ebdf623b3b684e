/**
 * The simulated mount: the shared mount contract in real time with a fast slew, then what only
 * the simulator promises — slew times proportional to distance, exact drift for each tracking
 * rate, guide pulses, park defaults, option validation and fault injection — on a ManualClock so
 * the timing assertions are exact rather than sleep-dependent.
 */
import assert from "node:assert/strict";
import {
  angularSeparationDeg,
  type EquatorialCoord,
  equatorialToHorizontal,
  wrapHours,
  wrapHours12,
} from "../../lib/astro/coords.ts";
import { j2000ToJNow, jnowToJ2000 } from "../../lib/astro/precession.ts";
import { lstHours, SIDEREAL_RATE_ARCSEC_PER_S } from "../../lib/astro/time.ts";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { AppError, DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Site } from "../device.ts";
import { mountContractSuite } from "../../tests/contracts/mount_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimMountOptions } from "./mount_options.ts";
import { SimMount } from "./mount.ts";

const mountContext = contextFor(SimMountOptions);

const SITE: Site = { latitudeDeg: 51.48, longitudeDeg: 0, elevationM: 45 };
/** 2026-03-20 22:00 UTC: a spring evening at Greenwich. */
const START_MS = Date.UTC(2026, 2, 20, 22, 0, 0);

function context(clock: ManualClock | typeof systemClock, options: Record<string, unknown> = {}) {
  return { ...mountContext(clock, options), site: SITE };
}

mountContractSuite("sim", {
  site: SITE,
  create: () => Promise.resolve(new SimMount(context(systemClock, { slewRateDegPerS: 90 }))),
  dispose: async (mount) => {
    (mount as SimMount).faults.clear();
    await mount.disconnect();
  },
});

/** A J2000 target at an hour angle and Dec of date, for the simulator's clock and site. */
function targetAt(clock: ManualClock, haHours: number, decDeg: number): EquatorialCoord {
  const lst = lstHours(clock.now(), SITE.longitudeDeg);
  return jnowToJ2000({ raHours: wrapHours(lst - haHours), decDeg }, clock.now());
}

async function connected(options: Record<string, unknown> = {}, startMs = START_MS) {
  const clock = new ManualClock(startMs);
  const mount = new SimMount(context(clock, options));
  await mount.connect();
  return { clock, mount };
}

async function gotoAndArrive(clock: ManualClock, mount: SimMount, target: EquatorialCoord) {
  await mount.slewTo(target);
  // 360° at the slowest rate the tests use (3°/s) is two minutes: step until arrival.
  for (let i = 0; i < 240 && mount.status().slewing; i++) await clock.advance(500);
  assert.equal(mount.status().slewing, false, "the slew never ended");
}

Deno.test("SimMount: slew time is the larger axis angle over the rate", async () => {
  const { clock, mount } = await connected();
  try {
    assert.equal(mount.capabilities.maxSlewRateDegPerS, 3, "default slew rate");
    const start = targetAt(clock, -1, 40);
    await gotoAndArrive(clock, mount, start);
    // Short hops in Dec only, so the time is exactly distance / 3°/s.
    for (const hopDeg of [1.5, 3, 6]) {
      const here = mount.status();
      await mount.slewTo({ raHours: here.raHours, decDeg: here.decDeg + hopDeg });
      const expectedMs = hopDeg / 3 * 1000;
      await clock.advance(expectedMs / 2);
      const halfway = mount.status();
      assert.equal(halfway.slewing, true);
      // The axes move in JNow; the J2000 Dec they report differs by ~1e-6° over a few degrees.
      assert.ok(
        Math.abs(halfway.decDeg - (here.decDeg + hopDeg / 2)) < 1e-4,
        `halfway Dec ${halfway.decDeg}`,
      );
      await clock.advance(expectedMs / 2 - 20);
      assert.equal(mount.status().slewing, true, `${hopDeg}° hop ended before ${expectedMs} ms`);
      await clock.advance(40);
      const arrived = mount.status();
      assert.equal(arrived.slewing, false, `${hopDeg}° hop still slewing after ${expectedMs} ms`);
      assert.ok(Math.abs(arrived.decDeg - (here.decDeg + hopDeg)) < 1e-7, `${arrived.decDeg}`);
    }
    // An RA hop: both axes move at once, the HA axis sets the time (plus the sky's motion).
    const here = mount.status();
    await mount.slewTo({ raHours: wrapHours(here.raHours - 0.2), decDeg: here.decDeg + 1 });
    await clock.advance(950);
    assert.equal(mount.status().slewing, true, "3° HA hop ended before 1 s");
    await clock.advance(100);
    assert.equal(mount.status().slewing, false, "3° HA hop still slewing after 1.05 s");
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: sidereal tracking holds RA/Dec, Alt/Az follow lib/astro", async () => {
  const { clock, mount } = await connected();
  try {
    const target = targetAt(clock, -2, 30);
    await gotoAndArrive(clock, mount, target);
    let maxAltAzErrorDeg = 0;
    for (let i = 0; i < 6; i++) {
      await clock.advance(600_000);
      const status = mount.status();
      assert.equal(status.tracking, "sidereal");
      // The mount holds its JNow position; precession moves the J2000 reading 0.006″ an hour.
      assert.ok(angularSeparationDeg(status, target) < 1e-5, "RA/Dec drifted while tracking");
      const expected = equatorialToHorizontal(
        j2000ToJNow(target, clock.now()),
        lstHours(clock.now(), SITE.longitudeDeg),
        SITE.latitudeDeg,
      );
      maxAltAzErrorDeg = Math.max(
        maxAltAzErrorDeg,
        Math.abs(status.altDeg - expected.altDeg),
        Math.abs(status.azDeg - expected.azDeg),
      );
    }
    assert.ok(maxAltAzErrorDeg < 1e-5, `max Alt/Az error ${maxAltAzErrorDeg}°`);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: tracking off keeps the hour angle; lunar drifts east", async () => {
  const { clock, mount } = await connected();
  try {
    await gotoAndArrive(clock, mount, targetAt(clock, -2, 30));
    await mount.setTracking("off");
    const before = mount.status();
    const beforeJNow = j2000ToJNow(before, clock.now());
    await clock.advance(3_600_000);
    const after = mount.status();
    const afterJNow = j2000ToJNow(after, clock.now());
    // Not tracking, the RA under the tube grows at the sidereal rate, 1.0027 h per hour: the
    // hour angle, and so Alt/Az, stay put (to the few ms the equation of the equinoxes moves).
    const raDriftHours = wrapHours12(afterJNow.raHours - beforeJNow.raHours);
    const siderealHours = SIDEREAL_RATE_ARCSEC_PER_S * 3600 / 54_000;
    assert.ok(Math.abs(raDriftHours - siderealHours) < 1e-9, `RA drift ${raDriftHours} h`);
    assert.ok(Math.abs(after.altDeg - before.altDeg) < 1e-5, "Alt moved with tracking off");
    assert.ok(Math.abs(after.azDeg - before.azDeg) < 1e-5, "Az moved with tracking off");
    assert.equal(after.timeToFlipS, null, "timeToFlipS while not tracking");

    await mount.setTracking("lunar");
    const lunarStart = j2000ToJNow(mount.status(), clock.now());
    await clock.advance(3_600_000);
    const lunarEnd = j2000ToJNow(mount.status(), clock.now());
    const lunarDriftHours = wrapHours12(lunarEnd.raHours - lunarStart.raHours);
    const expectedHours = (SIDEREAL_RATE_ARCSEC_PER_S - 14.685) * 3600 / 54_000;
    assert.ok(Math.abs(lunarDriftHours - expectedHours) < 1e-9, `lunar drift ${lunarDriftHours}`);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: pulse guiding moves at half sidereal for the duration", async () => {
  const { clock, mount } = await connected();
  try {
    await gotoAndArrive(clock, mount, targetAt(clock, -1, 20));
    const jnow = () => j2000ToJNow(mount.status(), clock.now());
    const before = jnow();
    await mount.pulseGuide("north", 2000);
    assert.equal(mount.status().pulseGuiding, true);
    await clock.advance(1000);
    const guideDegPerS = 0.5 * SIDEREAL_RATE_ARCSEC_PER_S / 3600;
    assert.ok(Math.abs(jnow().decDeg - (before.decDeg + guideDegPerS)) < 1e-9);
    await clock.advance(1500);
    const after = jnow();
    assert.equal(mount.status().pulseGuiding, false);
    assert.ok(Math.abs(after.decDeg - (before.decDeg + 2 * guideDegPerS)) < 1e-9);
    await mount.pulseGuide("west", 1000);
    await clock.advance(1000);
    // West is −RA (ASCOM GuideDirections): 7.52″ of RA axis = 0.000139 h.
    const raStepHours = wrapHours12(jnow().raHours - after.raHours);
    assert.ok(Math.abs(raStepHours + guideDegPerS / 15) < 1e-9, `RA step ${raStepHours}`);
    await assert.rejects(mount.pulseGuide("north", 0), RangeError);
    await assert.rejects(mount.pulseGuide("north", 120_000), RangeError);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: time to flip follows the flip limit", async () => {
  const { clock, mount } = await connected({ flipLimitDeg: 10 });
  try {
    await gotoAndArrive(clock, mount, targetAt(clock, -1, 30));
    const status = mount.status();
    assert.equal(status.pierSide, "west");
    const haHours = wrapHours12(
      status.siderealTimeHours - j2000ToJNow(status, clock.now()).raHours,
    );
    // Until HA = +10°/15 = +0.667 h, at the sidereal rate of 1.0027 h of HA per hour.
    const expectedS = (10 / 15 - haHours) * 54_000 / SIDEREAL_RATE_ARCSEC_PER_S;
    assert.ok(
      Math.abs(status.timeToFlipS! - expectedS) < 1e-6,
      `timeToFlipS ${status.timeToFlipS}`,
    );
    await clock.advance(600_000);
    // The equation of the equinoxes changes by a few ms of time over 10 min: hence 0.05 s.
    assert.ok(Math.abs(mount.status().timeToFlipS! - (expectedS - 600)) < 0.05);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: parks at the pole by default and refuses commands while parked", async () => {
  for (const site of [SITE, { ...SITE, latitudeDeg: -33.9 }]) {
    const clock = new ManualClock(START_MS);
    const mount = new SimMount({ ...mountContext(clock, {}), site });
    await mount.connect();
    try {
      await gotoAndArrive(clock, mount, targetAt(clock, 0.5, site.latitudeDeg > 0 ? 20 : -20));
      await mount.park();
      assert.equal(mount.status().tracking, "off");
      for (let i = 0; i < 120 && !mount.status().parked; i++) await clock.advance(500);
      const parked = mount.status();
      assert.equal(parked.parked, true);
      assert.equal(parked.altDeg, Math.abs(site.latitudeDeg));
      assert.equal(parked.azDeg, site.latitudeDeg > 0 ? 0 : 180);
      assert.ok(Math.abs(Math.abs(j2000ToJNow(parked, clock.now()).decDeg) - 90) < 1e-6);
      const err = await assertAppError(mount.slewTo({ raHours: 1, decDeg: 0 }), 409);
      assert.match(err.message, /mount is parked/);
      await assertAppError(mount.sync({ raHours: 1, decDeg: 0 }), 409);
      await assertAppError(mount.setTracking("lunar"), 409);
      await assertAppError(mount.pulseGuide("east", 100), 409);
      await mount.setTracking("off");
      await mount.unpark();
      assert.equal(mount.status().parked, false);
      assert.equal(mount.status().tracking, "sidereal");
    } finally {
      await mount.disconnect();
    }
  }
});

Deno.test("SimMount: the horizon limit names the target's altitude", async () => {
  const { clock, mount } = await connected({ horizonLimitDeg: 30 });
  try {
    // Dec 0 at HA −5 h from 51.48° N sits about 9° up.
    const low = targetAt(clock, -5, 0);
    const altDeg = equatorialToHorizontal(
      j2000ToJNow(low, clock.now()),
      lstHours(clock.now(), 0),
      SITE.latitudeDeg,
    ).altDeg;
    const err = await assertRejectsWith(mount.slewTo(low), RangeError);
    assert.match(err.message, new RegExp(`altitude ${altDeg.toFixed(2)}°`));
    assert.match(err.message, /horizon limit of 30°/);
    assert.equal(mount.status().slewing, false);
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: sync refused during a slew, abort keeps tracking state", async () => {
  const { clock, mount } = await connected();
  try {
    await gotoAndArrive(clock, mount, targetAt(clock, -1, 30));
    await mount.slewTo(targetAt(clock, 1, 30));
    await assertAppError(mount.sync({ raHours: 1, decDeg: 1 }), 409);
    await clock.advance(1000);
    await mount.abort();
    const stopped = mount.status();
    assert.equal(stopped.slewing, false);
    assert.equal(stopped.tracking, "sidereal");
    assert.equal(stopped.target, null);
    await clock.advance(5000);
    assert.ok(angularSeparationDeg(mount.status(), stopped) < 1e-9, "moved after abort");
  } finally {
    await mount.disconnect();
  }
});

Deno.test("SimMount: emits about 10 status events a second while slewing", async () => {
  // Parked off the pole, where a small Dec hop is also a small hour-angle hop.
  const mount = new SimMount(
    context(systemClock, { slewRateDegPerS: 3, parkAltDeg: 40, parkAzDeg: 180 }),
  );
  await mount.connect();
  const slewing: number[] = [];
  const off = mount.onStatus((status) => status.slewing && slewing.push(Date.now()));
  try {
    const here = mount.status();
    // 1.5° at 3°/s: half a second of slewing.
    await mount.slewTo({ raHours: here.raHours, decDeg: here.decDeg - 1.5 });
    await delay(700);
    assert.equal(mount.status().slewing, false);
    assert.ok(slewing.length >= 4 && slewing.length <= 8, `${slewing.length} slewing events`);
  } finally {
    off();
    await mount.disconnect();
  }
});

Deno.test("SimMount: fault injection", async (t) => {
  await t.step("hang: slewTo never settles", async () => {
    const { clock, mount } = await connected();
    mount.faults.set("slewTo", "hang");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      mount.slewTo(targetAt(clock, -1, 30)).then(() => "resolved", () => "rejected"),
      new Promise((resolve) => timer = setTimeout(() => resolve("pending"), 200)),
    ]);
    clearTimeout(timer);
    assert.equal(outcome, "pending");
    assert.equal(mount.status().slewing, false);
    mount.faults.clear();
    await mount.disconnect();
  });

  await t.step("throw: slewTo rejects and nothing moves", async () => {
    const { clock, mount } = await connected();
    mount.faults.set("slewTo", "throw");
    await assert.rejects(mount.slewTo(targetAt(clock, -1, 30)), /simulated failure in slewTo/);
    assert.equal(mount.status().slewing, false);
    mount.faults.clear();
    await mount.slewTo(targetAt(clock, -1, 30));
    assert.equal(mount.status().slewing, true);
    await mount.disconnect();
  });

  await t.step("disconnect: onLost fires, commands then need a connection", async () => {
    const { clock, mount } = await connected();
    const reasons: string[] = [];
    mount.onLost((reason) => reasons.push(reason));
    await mount.slewTo(targetAt(clock, -1, 30));
    mount.faults.set("*", "disconnect");
    await assert.rejects(mount.abort(), /connection lost during abort/);
    assert.deepEqual(reasons, ["simulated cable pull during abort"]);
    const status = mount.status();
    assert.equal(status.connected, false);
    assert.equal(status.slewing, false, "a lost mount still reports a slew");
    mount.faults.clear();
    await assertRejectsWith(mount.slewTo(targetAt(clock, 1, 30)), DeviceNotConnectedError);
    await mount.connect();
    assert.equal(mount.status().connected, true);
    await mount.disconnect();
  });
});

Deno.test("SimMount: options are validated", () => {
  const bad: Record<string, unknown>[] = [
    { slewRateDegPerS: 0 },
    { slewRateDegPerS: "fast" },
    { slewRateDegPerS: Number.NaN },
    { horizonLimitDeg: 95 },
    { parkAltDeg: -91 },
    { parkAzDeg: 400 },
    { flipLimitDeg: -1 },
    { alignment: "dobsonian" },
  ];
  for (const options of bad) {
    const name = Object.keys(options)[0]!;
    assert.throws(
      () => new SimMount(context(new ManualClock(), options)),
      (err: unknown) => err instanceof RangeError && err.message.includes(name),
      `options ${JSON.stringify(options)}`,
    );
  }
  assert.throws(
    () => new SimMount({ ...mountContext(new ManualClock()), site: { ...SITE, latitudeDeg: 95 } }),
    RangeError,
  );
  const fork = new SimMount(context(new ManualClock(), { alignment: "polar" }));
  assert.equal(fork.capabilities.alignment, "polar");
  assert.equal(fork.status().pierSide, "unknown");
  assert.equal(fork.status().connected, false);
});

async function assertRejectsWith<E extends Error>(
  promise: Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  ErrorClass: new (...args: any[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ErrorClass, `expected ${ErrorClass.name}, got ${String(err)}`);
    return err;
  }
  throw new assert.AssertionError({ message: `expected a ${ErrorClass.name}` });
}

async function assertAppError(promise: Promise<unknown>, status: number): Promise<AppError> {
  const err = await assertRejectsWith(promise, AppError);
  assert.equal(err.status, status, err.message);
  return err;
}
