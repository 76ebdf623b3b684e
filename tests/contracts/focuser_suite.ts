/**
 * The focuser contract suite: every focuser driver (sim, INDI, Alpaca, serial, FFI) runs these
 * cases through its own harness, so "implements Focuser" means the same thing for all of them.
 * Moves are kept within maxIncrement and well inside the range, so a live device is safe.
 */
import assert from "node:assert/strict";
import type { Focuser } from "../../devices/focuser.ts";
import {
  assertConnectCycle,
  assertRejectsArgument,
  assertRejectsDisconnected,
  contractCase,
  type ContractHarness,
  recordStatuses,
  waitFor,
} from "./_wait.ts";

export type FocuserHarness = ContractHarness<Focuser>;

export function focuserContractSuite(driverName: string, harness: FocuserHarness): void {
  const test = (
    name: string,
    body: (f: Focuser, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("focuser", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (f, timeoutMs) => assertConnectCycle(f, "focuser", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (f) => {
    await assertRejectsDisconnected(() => f.moveTo(f.status().position), "moveTo");
    await assertRejectsDisconnected(() => f.halt(), "halt");
  }, false);

  test("capabilities and status are sane", (f) => {
    const caps = f.capabilities;
    assert.ok(Number.isInteger(caps.maxPosition) && caps.maxPosition > 0, "maxPosition");
    assert.ok(caps.maxIncrement >= 1 && caps.maxIncrement <= caps.maxPosition, "maxIncrement");
    assert.ok(caps.stepSizeUm === null || caps.stepSizeUm > 0, "stepSizeUm");
    const s = f.status();
    assert.ok(s.position >= 0 && s.position <= caps.maxPosition, `position ${s.position}`);
    if (caps.hasTemperature) {
      assert.ok(s.temperatureC !== null && s.temperatureC > -60 && s.temperatureC < 70);
    }
    assert.ok(f.info.name.length > 0 && f.info.driver.length > 0, "info");
    return Promise.resolve();
  });

  test("moveTo reaches the target and reports it", async (f, timeoutMs) => {
    const target = nearbyTarget(f, 100);
    await f.moveTo(target);
    assert.equal(f.status().targetPosition, target);
    await waitFor(
      () => f.status().position === target && !f.status().moving,
      timeoutMs,
      `position ${target}`,
    );
  });

  test("reports moving while under way", async (f, timeoutMs) => {
    const target = nearbyTarget(f, longMoveSteps(f));
    await f.moveTo(target);
    await waitFor(() => f.status().moving, timeoutMs, "moving = true");
    await waitFor(() => !f.status().moving, timeoutMs * 2, "moving = false");
    assert.equal(f.status().position, target);
  });

  test("halt stops short of the target", async (f, timeoutMs) => {
    const target = nearbyTarget(f, longMoveSteps(f));
    await f.moveTo(target);
    await waitFor(() => f.status().moving, timeoutMs, "moving = true");
    await f.halt();
    await waitFor(() => !f.status().moving, timeoutMs, "moving = false after halt");
    const stoppedAt = f.status().position;
    assert.notEqual(stoppedAt, target, "halt let the move finish");
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(f.status().position, stoppedAt, "position changed after halt");
  });

  test("rejects invalid positions", async (f) => {
    const { maxPosition, maxIncrement } = f.capabilities;
    const before = f.status().position;
    await assertRejectsArgument(() => f.moveTo(-1), "moveTo(-1)");
    await assertRejectsArgument(() => f.moveTo(maxPosition + 1), "moveTo(maxPosition + 1)");
    await assertRejectsArgument(() => f.moveTo(Number.NaN), "moveTo(NaN)");
    await assertRejectsArgument(() => f.moveTo(before + 0.5), "moveTo(non-integer)");
    if (maxIncrement < maxPosition) {
      const far = before + maxIncrement + 1 <= maxPosition
        ? before + maxIncrement + 1
        : before - maxIncrement - 1;
      if (far >= 0) await assertRejectsArgument(() => f.moveTo(far), "move beyond maxIncrement");
    }
    assert.equal(f.status().position, before);
    assert.equal(f.status().moving, false);
  });

  test("onStatus fires during a move and carries the arrival", async (f, timeoutMs) => {
    const target = nearbyTarget(f, longMoveSteps(f));
    const { statuses, stop } = recordStatuses(f);
    try {
      await f.moveTo(target);
      await waitFor(
        () => statuses.some((s) => s.position === target && !s.moving),
        timeoutMs * 2,
        "a status with the arrival",
      );
      assert.ok(statuses.some((s) => s.moving), "no status with moving = true");
    } finally {
      stop();
    }
  });
}

/** A target `steps` away, in whichever direction has room, within maxIncrement. */
function nearbyTarget(f: Focuser, steps: number): number {
  const { maxPosition, maxIncrement } = f.capabilities;
  const position = f.status().position;
  const distance = Math.min(steps, maxIncrement);
  return position + distance <= maxPosition ? position + distance : position - distance;
}

/** A move long enough to be seen moving: a fifth of the range, capped by maxIncrement. */
function longMoveSteps(f: Focuser): number {
  return Math.max(1, Math.floor(f.capabilities.maxPosition / 5));
}
