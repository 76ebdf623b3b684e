/**
 * The dome contract suite, run by every dome / roll-off roof driver through its harness: the
 * shutter opens and closes through opening/closing, slews land (and report slewing meanwhile),
 * park and find-home end parked / at home, abort stops everything, slaving is recorded, and bad
 * azimuths are refused. Capabilities gate the cases a roof without rotation cannot run.
 */
import assert from "node:assert/strict";
import type { Dome } from "../../devices/dome.ts";
import {
  angleGapDeg,
  assertConnectCycle,
  assertRejectsArgument,
  assertRejectsDisconnected,
  contractCase,
  type ContractHarness,
  recordStatuses,
  waitFor,
} from "./_wait.ts";

export type DomeHarness = ContractHarness<Dome>;

const SHUTTER_STATES = ["open", "closed", "opening", "closing", "error"];
/** Azimuth agreement that counts as "arrived", degrees (domes are coarse). */
const AZIMUTH_TOLERANCE_DEG = 1;

export function domeContractSuite(driverName: string, harness: DomeHarness): void {
  const test = (
    name: string,
    body: (d: Dome, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("dome", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (d, timeoutMs) => assertConnectCycle(d, "dome", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (d) => {
    await assertRejectsDisconnected(() => d.openShutter(), "openShutter");
    await assertRejectsDisconnected(() => d.abort(), "abort");
  }, false);

  test("capabilities and status are sane", (d) => {
    for (const flag of Object.values(d.capabilities)) assert.equal(typeof flag, "boolean");
    const s = d.status();
    assert.ok(SHUTTER_STATES.includes(s.shutter), `shutter ${s.shutter}`);
    assert.ok(s.azimuthDeg >= 0 && s.azimuthDeg < 360, `azimuth ${s.azimuthDeg}`);
    return Promise.resolve();
  });

  test("shutter opens and closes", async (d, timeoutMs) => {
    if (!d.capabilities.canSetShutter) return;
    const { statuses, stop } = recordStatuses(d);
    try {
      await d.openShutter();
      await waitFor(() => d.status().shutter === "open", timeoutMs, "shutter open");
      await d.closeShutter();
      await waitFor(() => d.status().shutter === "closed", timeoutMs, "shutter closed");
      assert.ok(statuses.some((s) => s.shutter === "opening"), "no status with opening");
      assert.ok(statuses.some((s) => s.shutter === "closing"), "no status with closing");
    } finally {
      stop();
    }
  });

  test("slewToAzimuth lands, slewing meanwhile", async (d, timeoutMs) => {
    if (!d.capabilities.canSetAzimuth) return;
    const target = wrap(d.status().azimuthDeg + 30);
    const { statuses, stop } = recordStatuses(d);
    try {
      await d.slewToAzimuth(target);
      const targetDeg = d.status().targetAzimuthDeg;
      assert.ok(targetDeg !== null && angleGapDeg(targetDeg, target) < AZIMUTH_TOLERANCE_DEG);
      await waitFor(() => landed(d, target), timeoutMs, `azimuth ${target}°`);
      assert.ok(statuses.some((s) => s.slewing), "no status with slewing = true");
      assert.equal(d.status().parked, false);
    } finally {
      stop();
    }
  });

  test("park ends parked; findHome ends at home", async (d, timeoutMs) => {
    if (d.capabilities.canSetAzimuth) {
      await d.slewToAzimuth(wrap(d.status().azimuthDeg + 20));
      await waitFor(() => !d.status().slewing, timeoutMs, "slew done");
    }
    if (d.capabilities.canPark) {
      await d.park();
      await waitFor(() => d.status().parked, timeoutMs, "parked");
      assert.equal(d.status().slewing, false);
    }
    await d.findHome();
    await waitFor(() => d.status().atHome, timeoutMs, "at home");
  });

  test("abort stops rotation and shutter", async (d, timeoutMs) => {
    if (!d.capabilities.canSetAzimuth) return;
    const target = wrap(d.status().azimuthDeg + 170);
    await d.slewToAzimuth(target);
    if (d.capabilities.canSetShutter) await d.openShutter();
    await waitFor(() => d.status().slewing, timeoutMs, "slewing");
    await d.abort();
    await waitFor(() => !d.status().slewing, timeoutMs, "slewing = false after abort");
    const s = d.status();
    assert.ok(angleGapDeg(s.azimuthDeg, target) > AZIMUTH_TOLERANCE_DEG, "abort let it arrive");
    assert.ok(s.shutter !== "opening" && s.shutter !== "closing", `shutter ${s.shutter}`);
    if (d.capabilities.canSetShutter) await d.closeShutter();
  });

  test("rejects invalid azimuths", async (d) => {
    if (!d.capabilities.canSetAzimuth) return;
    for (const bad of [-1, 360, 400, Number.NaN]) {
      await assertRejectsArgument(() => d.slewToAzimuth(bad), `slewToAzimuth(${bad})`);
    }
    assert.equal(d.status().slewing, false);
  });

  test("setSlaved is reflected in status", async (d) => {
    if (!d.capabilities.canSlave) return;
    await d.setSlaved(true);
    assert.equal(d.status().slaved, true);
    await d.setSlaved(false);
    assert.equal(d.status().slaved, false);
  });
}

function wrap(angleDeg: number): number {
  return ((angleDeg % 360) + 360) % 360;
}

function landed(d: Dome, targetDeg: number): boolean {
  const s = d.status();
  return !s.slewing && angleGapDeg(s.azimuthDeg, targetDeg) < AZIMUTH_TOLERANCE_DEG;
}
