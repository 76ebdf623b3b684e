/**
 * The mount contract suite: one set of behaviours every mount driver — simulator, INDI, Alpaca,
 * serial — must show, run against each through a small harness. It drives the mount in real time
 * (so the harness should configure a fast slew, ~90°/s on simulators), picks its targets from the
 * harness's site and the mount's own sidereal time so they are high in the sky and near the
 * meridian, and checks the reported sky against lib/astro. Every RA/Dec crossing the contract is
 * J2000; where the harness can read the device's own pointing (`devicePointing`), the suite also
 * checks that the device points at the J2000 position it was given, converted to the device's
 * frame by tests/_jnow_reference.ts (not the drivers' code). Each case builds a fresh driver,
 * stays under ~3 s, and disposes it in `finally` so no timer or socket outlives the test. A
 * driver that cannot pass a case names it in `harness.skip` with the reason.
 */
import assert from "node:assert/strict";
import {
  angularSeparationDeg,
  type EquatorialCoord,
  equatorialToHorizontal,
  wrapDeg180,
  wrapHours,
  wrapHours12,
} from "../../lib/astro/coords.ts";
import { j2000ToJNow, jnowToJ2000 } from "../../lib/astro/precession.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { referenceJ2000 } from "../_jnow_reference.ts";
import type { Site } from "../../devices/device.ts";
import { type Mount, type MountStatus, TRACKING_MODES } from "../../devices/mount.ts";
import {
  assertRejectsArgument,
  assertRejectsDisconnected,
  assertRejectsStatus,
  contractCase,
  type ContractHarness,
  delay,
  recordStatuses,
  waitFor,
} from "./_wait.ts";

/** The shared harness (motionTimeoutMs bounds a goto of up to ~70°), plus the site. */
export interface MountHarness extends ContractHarness<Mount> {
  /** The site the driver was configured with: targets and Alt/Az checks are computed for it. */
  site: Site;
  /**
   * Where the device itself says it points, read beside the driver (indi_getprop, a simulator's
   * state), in the frame it points in ("JNow": true equator and equinox of now).
   */
  devicePointing?: (
    mount: Mount,
  ) => Promise<{ position: EquatorialCoord; frame: "J2000" | "JNow" }>;
}

export const MOUNT_CONTRACT_CASES = [
  "connect and disconnect",
  "info and capabilities",
  "goto arrives and tracks",
  "a J2000 goto reads back J2000, and the device points there",
  "tracking holds RA/Dec while Alt/Az follow the sky",
  "goto below the horizon is refused",
  "park refuses commands until unpark",
  "abort stops a slew",
  "tracking modes",
  "sync moves the reported position",
  "invalid inputs are refused",
  "onStatus fires on slew start",
  "pier side and time to flip",
] as const;
export type MountContractCase = typeof MOUNT_CONTRACT_CASES[number];

/** Arrival and sync accuracy: one arcminute. */
const ARRIVAL_TOLERANCE_DEG = 1 / 60;
/** How far RA/Dec may wander in a second of tracking: five arcseconds. */
const TRACKING_HOLD_TOLERANCE_DEG = 5 / 3600;
/** Reported Alt/Az vs lib/astro for the reported RA/Dec and LST (leaves room for refraction). */
const ALT_AZ_ABSOLUTE_TOLERANCE_DEG = 0.1;
/** The change of Alt/Az over a second vs the predicted change: 3.6″. */
const ALT_AZ_MOTION_TOLERANCE_DEG = 0.001;
/** Reported sidereal time vs lib/astro at the site: a minute of time (mount clocks drift). */
const LST_TOLERANCE_HOURS = 60 / 3600;

export function mountContractSuite(driverName: string, harness: MountHarness): void {
  const site = harness.site;
  const test = (
    name: MountContractCase,
    body: (mount: Mount, timeoutMs: number) => Promise<void>,
    connect = true,
  ) =>
    contractCase("mount", driverName, harness, name, async (mount, timeoutMs) => {
      // A real mount may have been left parked; every case but the connect one starts unparked.
      if (connect && mount.status().parked) await mount.unpark();
      await body(mount, timeoutMs);
    }, { connect });

  test("connect and disconnect", async (mount) => {
    assert.equal(mount.status().connected, false, "a new driver reports connected: false");
    // Any Error will do (a 503 DeviceNotConnectedError is best), as long as it does not hang.
    await assertRejectsDisconnected(() => mount.slewTo({ raHours: 1, decDeg: 1 }), "slewTo");
    await mount.connect();
    assert.equal(mount.status().connected, true, "connected after connect()");
    await mount.disconnect();
    assert.equal(mount.status().connected, false, "disconnected after disconnect()");
    await assertRejectsDisconnected(() => mount.setTracking("off"), "setTracking");
    await mount.connect();
    assert.equal(mount.status().connected, true, "reconnects after a disconnect");
  }, false);

  test("info and capabilities", (mount) => {
    assert.equal(mount.kind, "mount");
    assert.ok(mount.info.name.length > 0, "info.name is empty");
    assert.ok(mount.info.driver.length > 0, "info.driver is empty");
    assert.equal(typeof mount.info.description, "string");
    assert.ok(mount.info.driverVersion.length > 0, "info.driverVersion is empty");
    const caps = mount.capabilities;
    assert.ok(["germanPolar", "polar", "altAz"].includes(caps.alignment), caps.alignment);
    assert.ok(!("epoch" in caps), "the contract is J2000: capabilities name no epoch");
    assert.ok(caps.trackingRates.includes("sidereal"), "trackingRates lacks sidereal");
    for (const rate of caps.trackingRates) {
      assert.ok(TRACKING_MODES.includes(rate), `unknown tracking rate ${rate}`);
    }
    assert.ok(
      Number.isFinite(caps.maxSlewRateDegPerS) && caps.maxSlewRateDegPerS > 0,
      `maxSlewRateDegPerS ${caps.maxSlewRateDegPerS}`,
    );
    const status = mount.status();
    assert.ok(status.raHours >= 0 && status.raHours < 24, `raHours ${status.raHours}`);
    assert.ok(Math.abs(status.decDeg) <= 90, `decDeg ${status.decDeg}`);
    assert.ok(status.azDeg >= 0 && status.azDeg < 360, `azDeg ${status.azDeg}`);
    assert.ok(Math.abs(status.altDeg) <= 90, `altDeg ${status.altDeg}`);
    assert.ok(status.siderealTimeHours >= 0 && status.siderealTimeHours < 24, "siderealTimeHours");
    assert.ok(["east", "west", "unknown"].includes(status.pierSide), status.pierSide);
    return Promise.resolve();
  });

  test("goto arrives and tracks", async (mount, timeoutMs) => {
    const target = farthestTarget(mount, site, [-1, 1]);
    await mount.slewTo(target);
    assert.equal(mount.status().slewing, true, "slewTo resolved but status().slewing is false");
    const arrived = await waitForStatus(mount, (s) => !s.slewing, timeoutMs, "arrival");
    const missDeg = angularSeparationDeg(arrived, target);
    assert.ok(
      missDeg < ARRIVAL_TOLERANCE_DEG,
      `arrived ${describe(arrived)}, asked ${describe(target)} (${missDeg * 60} arcmin off)`,
    );
    assert.equal(arrived.tracking, "sidereal", "tracking after a goto");
    assert.ok(arrived.target !== null, "status().target is null after a goto");
    assert.ok(angularSeparationDeg(arrived.target, target) < 1e-6, "status().target");
  });

  test("a J2000 goto reads back J2000, and the device points there", async (mount, timeoutMs) => {
    const start = await gotoAndWait(mount, farthestTarget(mount, site, [-1, 1]), timeoutMs);
    // Then a short goto, which a simulator that loses the slew's duration in RA also ends well.
    const target = {
      raHours: wrapHours(start.raHours + 2 / 60),
      decDeg: start.decDeg + (start.decDeg > 0 ? -0.4 : 0.4),
    };
    const arrived = await gotoAndWait(mount, target, timeoutMs);
    const missDeg = angularSeparationDeg(arrived, target);
    assert.ok(
      missDeg < ARRIVAL_TOLERANCE_DEG,
      `reads back ${describe(arrived)} after a goto to ${describe(target)} (${missDeg * 60}′)`,
    );
    if (!harness.devicePointing) return;
    const device = await harness.devicePointing(mount);
    const deviceJ2000 = device.frame === "JNow"
      ? referenceJ2000(device.position, Date.now())
      : device.position;
    const deviceMissDeg = angularSeparationDeg(deviceJ2000, target);
    assert.ok(
      deviceMissDeg < ARRIVAL_TOLERANCE_DEG,
      `the device points at ${describe(device.position)} (${device.frame}), which is ` +
        `${(deviceMissDeg * 60).toFixed(2)}′ from the J2000 target ${describe(target)}`,
    );
  });

  test("tracking holds RA/Dec while Alt/Az follow the sky", async (mount, timeoutMs) => {
    await gotoAndWait(mount, farthestTarget(mount, site, [-1, 1]), timeoutMs);
    const firstMs = Date.now();
    const first = mount.status();
    await delay(1000);
    const second = mount.status();
    assert.equal(second.tracking, "sidereal");
    assert.ok(
      angularSeparationDeg(first, second) < TRACKING_HOLD_TOLERANCE_DEG,
      `RA/Dec moved while tracking: ${describe(first)} → ${describe(second)}`,
    );
    const lstErrorHours = Math.abs(
      wrapHours12(first.siderealTimeHours - lstHours(firstMs, site.longitudeDeg)),
    );
    assert.ok(lstErrorHours < LST_TOLERANCE_HOURS, `LST off by ${lstErrorHours * 3600} s`);
    const siderealAdvanceS = wrapHours12(second.siderealTimeHours - first.siderealTimeHours) * 3600;
    assert.ok(
      siderealAdvanceS > 0.5 && siderealAdvanceS < 2.5,
      `LST advanced ${siderealAdvanceS} s`,
    );
    const predictedFirst = predictedHorizontal(site, first);
    const predictedSecond = predictedHorizontal(site, second);
    for (
      const [status, predicted] of [[first, predictedFirst], [second, predictedSecond]] as const
    ) {
      const altErrorDeg = Math.abs(status.altDeg - predicted.altDeg);
      assert.ok(
        altErrorDeg < ALT_AZ_ABSOLUTE_TOLERANCE_DEG,
        `alt ${status.altDeg} vs lib/astro ${predicted.altDeg}`,
      );
      // An azimuth error matters in proportion to cos(alt): near the zenith az swings freely.
      const azErrorDeg = Math.abs(wrapDeg180(status.azDeg - predicted.azDeg)) *
        Math.cos(status.altDeg * Math.PI / 180);
      assert.ok(
        azErrorDeg < ALT_AZ_ABSOLUTE_TOLERANCE_DEG,
        `az ${status.azDeg} vs lib/astro ${predicted.azDeg}`,
      );
    }
    // Differencing cancels any constant model offset (refraction, epoch handling), leaving motion.
    const altMotionErrorDeg = Math.abs(
      (second.altDeg - first.altDeg) - (predictedSecond.altDeg - predictedFirst.altDeg),
    );
    const azMotionErrorDeg = Math.abs(
      wrapDeg180(second.azDeg - first.azDeg) -
        wrapDeg180(predictedSecond.azDeg - predictedFirst.azDeg),
    );
    assert.ok(altMotionErrorDeg < ALT_AZ_MOTION_TOLERANCE_DEG, "alt did not follow the sky");
    assert.ok(azMotionErrorDeg < ALT_AZ_MOTION_TOLERANCE_DEG, "az did not follow the sky");
  });

  test("goto below the horizon is refused", async (mount) => {
    // The nadir: as far below any horizon limit as the sky allows.
    const nadir = targetAt(mount, 12, -site.latitudeDeg);
    await assertRejectsArgument(() => mount.slewTo(nadir), "slewTo the nadir");
    assert.equal(mount.status().slewing, false, "slewing after a refused goto");
  });

  test("park refuses commands until unpark", async (mount, timeoutMs) => {
    const caps = mount.capabilities;
    if (!caps.canPark) {
      await assert.rejects(mount.park(), "park on a mount with canPark false");
      return;
    }
    const target = farthestTarget(mount, site, [-1, 1]);
    await gotoAndWait(mount, target, timeoutMs);
    await mount.park();
    const parked = await waitForStatus(mount, (s) => s.parked, timeoutMs, "parked");
    assert.equal(parked.slewing, false, "slewing while parked");
    assert.equal(parked.tracking, "off", "tracking while parked");
    assert.equal(parked.target, null, "target after park");
    await assertRejectsStatus(() => mount.slewTo(target), 409, "slewTo while parked");
    await assertRejectsStatus(() => mount.setTracking("sidereal"), 409, "setTracking while parked");
    if (caps.canSync) await assertRejectsStatus(() => mount.sync(target), 409, "sync while parked");
    if (caps.canPulseGuide) {
      await assertRejectsStatus(() => mount.pulseGuide("north", 100), 409, "pulseGuide parked");
    }
    assert.equal(mount.status().parked, true, "a refused command unparked the mount");
    await mount.unpark();
    const unparked = await waitForStatus(mount, (s) => !s.parked, timeoutMs, "unparked");
    assert.equal(unparked.tracking, "sidereal", "tracking after unpark");
  });

  test("abort stops a slew", async (mount) => {
    const target = farthestTarget(mount, site, [-3, 3]);
    await mount.slewTo(target);
    await delay(100);
    await mount.abort();
    const stopped = await waitForStatus(mount, (s) => !s.slewing, 1000, "the slew to stop");
    assert.ok(
      angularSeparationDeg(stopped, target) > 0.1,
      `the mount reached ${describe(target)} despite the abort`,
    );
    assert.equal(stopped.target, null, "target after abort");
    await delay(250);
    const later = mount.status();
    assert.equal(later.slewing, false, "slewing resumed after abort");
    // Tracking may carry on, but the slew must not: 0.25 s of tracking moves < 0.01°.
    assert.ok(angularSeparationDeg(stopped, later) < 0.01, "the mount kept moving after abort");
  });

  test("tracking modes", async (mount) => {
    for (const mode of ["off", ...mount.capabilities.trackingRates, "off"] as const) {
      await mount.setTracking(mode);
      assert.equal(mount.status().tracking, mode, `tracking after setTracking("${mode}")`);
    }
  });

  test("sync moves the reported position", async (mount, timeoutMs) => {
    if (!mount.capabilities.canSync) {
      await assert.rejects(mount.sync({ raHours: 1, decDeg: 1 }), "sync with canSync false");
      return;
    }
    const target = farthestTarget(mount, site, [-1, 1]);
    await gotoAndWait(mount, target, timeoutMs);
    // A small correction, as a plate solve would give: 0.2° in each axis.
    const synced = {
      raHours: wrapHours(target.raHours + 0.2 / 15),
      decDeg: target.decDeg + (target.decDeg > 0 ? -0.2 : 0.2),
    };
    await mount.sync(synced);
    const after = mount.status();
    assert.ok(
      angularSeparationDeg(after, synced) < ARRIVAL_TOLERANCE_DEG,
      `reports ${describe(after)} after sync to ${describe(synced)}`,
    );
    assert.equal(after.slewing, false, "sync started a slew");
  });

  test("invalid inputs are refused", async (mount) => {
    const bad: [string, EquatorialCoord][] = [
      ["RA 25 h", { raHours: 25, decDeg: 10 }],
      ["RA −1 h", { raHours: -1, decDeg: 10 }],
      ["Dec 91°", { raHours: 1, decDeg: 91 }],
      ["Dec −91°", { raHours: 1, decDeg: -91 }],
      ["RA NaN", { raHours: NaN, decDeg: 10 }],
      ["Dec NaN", { raHours: 1, decDeg: NaN }],
      ["RA Infinity", { raHours: Infinity, decDeg: 10 }],
    ];
    for (const [label, target] of bad) {
      await assertRejectsArgument(() => mount.slewTo(target), `slewTo ${label}`);
      if (mount.capabilities.canSync) {
        await assertRejectsArgument(() => mount.sync(target), `sync ${label}`);
      }
    }
    await assertRejectsArgument(() => mount.setTracking("warp" as never), `setTracking("warp")`);
    if (mount.capabilities.canPulseGuide) {
      await assertRejectsArgument(() => mount.pulseGuide("up" as never, 100), `pulseGuide("up")`);
      await assertRejectsArgument(() => mount.pulseGuide("north", -5), "pulseGuide for −5 ms");
      await assertRejectsArgument(() => mount.pulseGuide("north", NaN), "pulseGuide for NaN ms");
    }
    const status = mount.status();
    assert.equal(status.slewing, false, "a refused command started a slew");
    assert.equal(status.pulseGuiding, false, "a refused command started a pulse");
  });

  test("onStatus fires on slew start", async (mount) => {
    const { statuses, stop } = recordStatuses(mount);
    try {
      await mount.slewTo(farthestTarget(mount, site, [-1, 1]));
      await waitFor(() => statuses.some((s) => s.slewing), 1000, "a status with slewing: true");
      await mount.abort();
    } finally {
      stop();
    }
  });

  test("pier side and time to flip", async (mount, timeoutMs) => {
    const gem = mount.capabilities.alignment === "germanPolar";
    // East of the meridian first (rising: pier side west), then west of it (pier side east).
    for (const haHours of [-1, 1]) {
      const arrived = await gotoAndWait(
        mount,
        targetAt(mount, haHours, highDecDeg(site)),
        timeoutMs,
      );
      assert.ok(["east", "west", "unknown"].includes(arrived.pierSide), arrived.pierSide);
      if (!gem) continue;
      const reportedHaHours = hourAngleOf(arrived);
      const expected = reportedHaHours >= 0 ? "east" : "west";
      assert.equal(
        arrived.pierSide,
        expected,
        `pierSide at hour angle ${reportedHaHours.toFixed(3)} h (ASCOM: east when HA ≥ 0)`,
      );
      const flipS = arrived.timeToFlipS;
      assert.ok(flipS !== null && Number.isFinite(flipS) && flipS >= 0, `timeToFlipS ${flipS}`);
      // One hour east of the meridian, the flip is at least that hour away.
      if (expected === "west") assert.ok(flipS > 3000, `timeToFlipS ${flipS} s one hour east`);
    }
    await mount.setTracking("off");
    if (gem) assert.equal(mount.status().timeToFlipS, null, "timeToFlipS while not tracking");
  });
}

// ---- helpers ----------------------------------------------------------------------------------

/** Dec that puts a target within ~20° of the zenith when it is an hour or so from the meridian. */
function highDecDeg(site: Site): number {
  return site.latitudeDeg >= 0 ? site.latitudeDeg - 10 : site.latitudeDeg + 10;
}

/** A J2000 target at an hour angle and Dec (of date), from the mount's own LST. */
function targetAt(mount: Mount, haHours: number, decDeg: number): EquatorialCoord {
  const jnow = { raHours: wrapHours(mount.status().siderealTimeHours - haHours), decDeg };
  return jnowToJ2000(jnow, Date.now());
}

/** Of high targets at these hour angles, the one farthest from where the mount points now. */
function farthestTarget(mount: Mount, site: Site, haHoursList: number[]): EquatorialCoord {
  const here = mount.status();
  const targets = haHoursList.map((ha) => targetAt(mount, ha, highDecDeg(site)));
  targets.sort((a, b) => angularSeparationDeg(here, b) - angularSeparationDeg(here, a));
  return targets[0]!;
}

/** A reported (J2000) position of date, where Alt/Az and hour angle are measured. */
function toJNow(position: EquatorialCoord): EquatorialCoord {
  return j2000ToJNow({ raHours: position.raHours, decDeg: position.decDeg }, Date.now());
}

function predictedHorizontal(site: Site, status: MountStatus) {
  return equatorialToHorizontal(toJNow(status), status.siderealTimeHours, site.latitudeDeg);
}

function hourAngleOf(status: MountStatus): number {
  return wrapHours12(status.siderealTimeHours - toJNow(status).raHours);
}

async function gotoAndWait(
  mount: Mount,
  target: EquatorialCoord,
  timeoutMs: number,
): Promise<MountStatus> {
  await mount.slewTo(target);
  return await waitForStatus(mount, (s) => !s.slewing, timeoutMs, `arrival at ${describe(target)}`);
}

async function waitForStatus(
  mount: Mount,
  predicate: (status: MountStatus) => boolean,
  timeoutMs: number,
  what: string,
): Promise<MountStatus> {
  await waitFor(() => predicate(mount.status()), timeoutMs, what);
  return mount.status();
}

function describe(position: EquatorialCoord): string {
  return `RA ${position.raHours.toFixed(5)} h Dec ${position.decDeg.toFixed(4)}°`;
}
