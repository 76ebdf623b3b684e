import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { filterWheelContractSuite } from "../../tests/contracts/filterwheel_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimFilterWheelOptions } from "./filterwheel_options.ts";

const context = contextFor(SimFilterWheelOptions);
import { SimFilterWheel } from "./filterwheel.ts";

filterWheelContractSuite("sim", {
  create: () => Promise.resolve(new SimFilterWheel(context(systemClock, { secondsPerSlot: 0.1 }))),
  dispose: async (w) => {
    (w as SimFilterWheel).faults.clear();
    await w.disconnect();
  },
});

Deno.test("SimFilterWheel: default filters with focus offsets", () => {
  const w = new SimFilterWheel(context(new ManualClock()));
  assert.deepEqual(w.status().slots.map((s) => s.name), ["L", "R", "G", "B", "Ha", "OIII", "SII"]);
  assert.deepEqual(w.status().slots.map((s) => s.focusOffsetSteps), [0, 10, 5, -5, 40, 35, 30]);
  assert.equal(w.capabilities.slotCount, 7);
});

Deno.test("SimFilterWheel: move time follows the shorter way round", async () => {
  const clock = new ManualClock();
  const w = new SimFilterWheel(context(clock));
  await w.connect();
  try {
    // 0 → 5 is two slots backwards through 6, not five forwards: 1 s at 0.5 s/slot.
    await w.moveTo(5);
    await clock.advance(900);
    assert.equal(w.status().position, null);
    assert.equal(w.status().targetPosition, 5);
    await clock.advance(100);
    assert.equal(w.status().position, 5);
    // 5 → 1 is three slots forwards through 0.
    await w.moveTo(1);
    await clock.advance(1499);
    assert.equal(w.status().position, null);
    await clock.advance(1);
    assert.equal(w.status().position, 1);
  } finally {
    await w.disconnect();
  }
});

Deno.test("SimFilterWheel: a second move while turning is a 409", async () => {
  const w = new SimFilterWheel(context(new ManualClock()));
  await w.connect();
  try {
    await w.moveTo(2);
    await assert.rejects(() => w.moveTo(3), (err) => err instanceof AppError && err.status === 409);
  } finally {
    await w.disconnect();
  }
});

Deno.test("SimFilterWheel: filters option accepts names or slots and is validated", () => {
  const clock = new ManualClock();
  const named = new SimFilterWheel(context(clock, { filters: ["Red", "Green"] }));
  assert.deepEqual(named.status().slots, [
    { name: "Red", focusOffsetSteps: 0 },
    { name: "Green", focusOffsetSteps: 0 },
  ]);
  const slots = new SimFilterWheel(
    context(clock, { filters: [{ name: "Ha", focusOffsetSteps: 12 }] }),
  );
  assert.equal(slots.capabilities.slotCount, 1);
  assert.throws(() => new SimFilterWheel(context(clock, { filters: [] })), /option filters/);
  assert.throws(
    () => new SimFilterWheel(context(clock, { filters: [""] })),
    /option filters\.0 must not be empty/,
  );
  assert.throws(
    () => new SimFilterWheel(context(clock, { secondsPerSlot: -1 })),
    /secondsPerSlot/,
  );
});

Deno.test("SimFilterWheel: setSlots validates names and offsets", async () => {
  const w = new SimFilterWheel(context(new ManualClock(), { filters: ["A", "B"] }));
  await w.connect();
  try {
    await assert.rejects(
      () => w.setSlots([{ name: "A", focusOffsetSteps: 0 }, { name: " ", focusOffsetSteps: 0 }]),
      /slots\[1\]/,
    );
    await assert.rejects(
      () => w.setSlots([{ name: "A", focusOffsetSteps: 1.5 }, { name: "B", focusOffsetSteps: 0 }]),
      /slots\[0\]\.focusOffsetSteps/,
    );
  } finally {
    await w.disconnect();
  }
});

Deno.test("SimFilterWheel: injected faults throw and hang", async () => {
  const w = new SimFilterWheel(context(new ManualClock()));
  await w.connect();
  try {
    w.faults.set("*", "throw");
    await assert.rejects(() => w.moveTo(1), /simulated failure in moveTo/);
    w.faults.set("*", "hang");
    const outcome = await Promise.race([
      w.setSlots(w.status().slots).then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
  } finally {
    w.faults.clear();
    await w.disconnect();
  }
});
