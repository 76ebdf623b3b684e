/**
 * The filter wheel contract suite, run by every filter wheel driver through its harness. It
 * checks the ASCOM semantics that sequences rely on: no position while moving, the slot list
 * matches slotCount, and bad slots are refused without moving.
 */
import assert from "node:assert/strict";
import type { FilterWheel } from "../../devices/filterwheel.ts";
import {
  assertConnectCycle,
  assertRejectsArgument,
  assertRejectsDisconnected,
  contractCase,
  type ContractHarness,
  recordStatuses,
  waitFor,
} from "./_wait.ts";

export type FilterWheelHarness = ContractHarness<FilterWheel>;

export function filterWheelContractSuite(driverName: string, harness: FilterWheelHarness): void {
  const test = (
    name: string,
    body: (w: FilterWheel, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("filterwheel", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (w, timeoutMs) => assertConnectCycle(w, "filterwheel", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (w) => {
    await assertRejectsDisconnected(() => w.moveTo(0), "moveTo");
  }, false);

  test("capabilities and slots are sane", async (w, timeoutMs) => {
    const { slotCount } = w.capabilities;
    assert.ok(Number.isInteger(slotCount) && slotCount >= 1, `slotCount ${slotCount}`);
    await settled(w, timeoutMs);
    const s = w.status();
    assert.equal(s.slots.length, slotCount);
    for (const slot of s.slots) {
      assert.equal(typeof slot.name, "string");
      assert.ok(Number.isFinite(slot.focusOffsetSteps), `offset of ${slot.name}`);
    }
    assert.ok(s.position !== null && s.position >= 0 && s.position < slotCount);
  });

  test("moveTo reaches the slot", async (w, timeoutMs) => {
    await settled(w, timeoutMs);
    const target = ((w.status().position ?? 0) + 1) % w.capabilities.slotCount;
    await w.moveTo(target);
    assert.equal(w.status().targetPosition, target);
    await waitFor(() => w.status().position === target, timeoutMs, `slot ${target}`);
    assert.equal(w.status().moving, false);
  });

  test("position is null while moving", async (w, timeoutMs) => {
    const { slotCount } = w.capabilities;
    if (slotCount < 2) return; // nothing to move to
    await settled(w, timeoutMs);
    const target = ((w.status().position ?? 0) + Math.floor(slotCount / 2)) % slotCount;
    await w.moveTo(target);
    await waitFor(
      () => w.status().moving && w.status().position === null,
      timeoutMs,
      "moving with position null",
    );
    await waitFor(() => w.status().position === target, timeoutMs, `slot ${target}`);
  });

  test("rejects invalid slots", async (w, timeoutMs) => {
    await settled(w, timeoutMs);
    const { slotCount } = w.capabilities;
    const before = w.status().position;
    await assertRejectsArgument(() => w.moveTo(-1), "moveTo(-1)");
    await assertRejectsArgument(() => w.moveTo(slotCount), "moveTo(slotCount)");
    await assertRejectsArgument(() => w.moveTo(0.5), "moveTo(0.5)");
    await assertRejectsArgument(() => w.moveTo(Number.NaN), "moveTo(NaN)");
    assert.equal(w.status().position, before);
  });

  test("setSlots renames and sets offsets; wrong length rejected", async (w) => {
    const original = w.status().slots;
    const renamed = original.map((_slot, i) => ({ name: `F${i}`, focusOffsetSteps: i * 7 }));
    try {
      await w.setSlots(renamed);
      assert.deepEqual(w.status().slots, renamed);
      await assertRejectsArgument(() => w.setSlots(renamed.slice(1)), "setSlots(too few)");
      await assertRejectsArgument(
        () => w.setSlots([...renamed, { name: "extra", focusOffsetSteps: 0 }]),
        "setSlots(too many)",
      );
      assert.deepEqual(w.status().slots, renamed);
    } finally {
      await w.setSlots(original);
    }
  });

  test("onStatus fires during a move and carries the arrival", async (w, timeoutMs) => {
    await settled(w, timeoutMs);
    const target = ((w.status().position ?? 0) + 1) % w.capabilities.slotCount;
    const { statuses, stop } = recordStatuses(w);
    try {
      await w.moveTo(target);
      await waitFor(
        () => statuses.some((s) => s.position === target && !s.moving),
        timeoutMs,
        "a status with the arrival",
      );
    } finally {
      stop();
    }
  });
}

/** Waits out a move left over from connecting (some wheels home on power-up). */
function settled(w: FilterWheel, timeoutMs: number): Promise<void> {
  return waitFor(() => w.status().position !== null, timeoutMs, "the wheel at rest");
}
