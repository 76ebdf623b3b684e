/**
 * The rotator contract suite, run by every rotator driver through its harness: sky and
 * mechanical moves land, sync changes the sky angle without moving, halt stops, angles stay in
 * [0, 360), and bad angles are refused. Moves are small, so a live rotator's cables are safe.
 */
import assert from "node:assert/strict";
import type { Rotator } from "../../devices/rotator.ts";
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

export type RotatorHarness = ContractHarness<Rotator>;

export function rotatorContractSuite(driverName: string, harness: RotatorHarness): void {
  const test = (
    name: string,
    body: (r: Rotator, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("rotator", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (r, timeoutMs) => assertConnectCycle(r, "rotator", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (r) => {
    await assertRejectsDisconnected(() => r.moveTo(10), "moveTo");
    await assertRejectsDisconnected(() => r.halt(), "halt");
  }, false);

  test("capabilities and angles are sane", (r) => {
    assert.ok(r.capabilities.stepSizeDeg > 0 && r.capabilities.stepSizeDeg < 10, "stepSizeDeg");
    assert.equal(typeof r.capabilities.canReverse, "boolean");
    const s = r.status();
    for (const angle of [s.positionDeg, s.mechanicalPositionDeg, s.targetPositionDeg]) {
      assert.ok(angle >= 0 && angle < 360, `angle ${angle} outside [0, 360)`);
    }
    return Promise.resolve();
  });

  test("moveTo reaches the sky angle", async (r, timeoutMs) => {
    const target = wrap(r.status().positionDeg + 5);
    await r.moveTo(target);
    assert.ok(angleGapDeg(r.status().targetPositionDeg, target) <= tolerance(r));
    await arrive(r, () => r.status().positionDeg, target, timeoutMs);
  });

  test("moveMechanical reaches the mechanical angle", async (r, timeoutMs) => {
    const target = wrap(r.status().mechanicalPositionDeg - 5);
    await r.moveMechanical(target);
    await arrive(r, () => r.status().mechanicalPositionDeg, target, timeoutMs);
  });

  test("sync declares the sky angle without moving", async (r) => {
    const before = r.status();
    const declared = wrap(before.positionDeg + 40);
    await r.sync(declared);
    const after = r.status();
    assert.ok(angleGapDeg(after.positionDeg, declared) <= tolerance(r), `${after.positionDeg}`);
    assert.ok(angleGapDeg(after.mechanicalPositionDeg, before.mechanicalPositionDeg) <= 1e-6);
    assert.equal(after.moving, false);
    await r.sync(before.positionDeg);
  });

  test("reports moving, and halt stops short of the target", async (r, timeoutMs) => {
    const target = wrap(r.status().positionDeg + 90);
    await r.moveTo(target);
    await waitFor(() => r.status().moving, timeoutMs, "moving = true");
    await r.halt();
    await waitFor(() => !r.status().moving, timeoutMs, "moving = false after halt");
    const stoppedDeg = r.status().positionDeg;
    assert.ok(angleGapDeg(stoppedDeg, target) > tolerance(r), "halt let the move finish");
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.ok(angleGapDeg(r.status().positionDeg, stoppedDeg) <= tolerance(r), "moved after halt");
  });

  test("rejects invalid angles", async (r) => {
    for (const bad of [-1, 360, 720, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assertRejectsArgument(() => r.moveTo(bad), `moveTo(${bad})`);
      await assertRejectsArgument(() => r.moveMechanical(bad), `moveMechanical(${bad})`);
      await assertRejectsArgument(() => r.sync(bad), `sync(${bad})`);
    }
    assert.equal(r.status().moving, false);
  });

  test("setReversed is reflected in status", async (r) => {
    if (!r.capabilities.canReverse) return;
    const original = r.status().reversed;
    await r.setReversed(!original);
    assert.equal(r.status().reversed, !original);
    await r.setReversed(original);
    assert.equal(r.status().reversed, original);
  });

  test("onStatus fires during a move and carries the arrival", async (r, timeoutMs) => {
    const target = wrap(r.status().positionDeg + 10);
    const { statuses, stop } = recordStatuses(r);
    try {
      await r.moveTo(target);
      await waitFor(
        () => statuses.some((s) => !s.moving && angleGapDeg(s.positionDeg, target) <= tolerance(r)),
        timeoutMs,
        "a status with the arrival",
      );
      assert.ok(statuses.some((s) => s.moving), "no status with moving = true");
    } finally {
      stop();
    }
  });
}

function wrap(angleDeg: number): number {
  return ((angleDeg % 360) + 360) % 360;
}

/** How close "arrived" must be: a step, but never tighter than float noise. */
function tolerance(r: Rotator): number {
  return Math.max(r.capabilities.stepSizeDeg, 1e-6);
}

function arrive(
  r: Rotator,
  read: () => number,
  targetDeg: number,
  timeoutMs: number,
): Promise<void> {
  return waitFor(
    () => !r.status().moving && angleGapDeg(read(), targetDeg) <= tolerance(r),
    timeoutMs,
    `angle ${targetDeg}°`,
  );
}
