import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { focuserContractSuite } from "../../tests/contracts/focuser_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimFocuserOptions } from "./focuser_options.ts";

const context = contextFor(SimFocuserOptions);
import { SimFocuser } from "./focuser.ts";

focuserContractSuite("sim", {
  create: () =>
    Promise.resolve(
      new SimFocuser(
        context(systemClock, { maxPosition: 10000, startPosition: 5000, speedStepsPerS: 4000 }),
      ),
    ),
  dispose: async (f) => {
    (f as SimFocuser).faults.clear();
    await f.disconnect();
  },
});

Deno.test("SimFocuser: a move takes distance / speed", async () => {
  const clock = new ManualClock();
  const f = new SimFocuser(context(clock, { speedStepsPerS: 1000 }));
  await f.connect();
  try {
    assert.equal(f.status().position, 25000);
    await f.moveTo(26000);
    await clock.advance(500);
    assert.equal(f.status().position, 25500);
    assert.equal(f.status().moving, true);
    await clock.advance(500);
    assert.deepEqual(
      { position: f.status().position, moving: f.status().moving },
      { position: 26000, moving: false },
    );
  } finally {
    await f.disconnect();
  }
});

Deno.test("SimFocuser: halt stops on a whole step; a new target retargets", async () => {
  const clock = new ManualClock();
  const f = new SimFocuser(context(clock));
  await f.connect();
  try {
    await f.moveTo(24000);
    await clock.advance(333);
    await f.halt();
    assert.equal(f.status().position, 24667);
    assert.equal(f.status().targetPosition, 24667);
    await f.moveTo(25000);
    await clock.advance(100);
    await f.moveTo(24000); // turn back mid-move
    await clock.advance(767);
    assert.equal(f.status().position, 24000);
  } finally {
    await f.disconnect();
  }
});

Deno.test("SimFocuser: temperature drifts slowly and deterministically", async () => {
  const clock = new ManualClock();
  const f = new SimFocuser(context(clock, { ambientC: 10 }));
  const startC = f.status().temperatureC ?? NaN;
  await clock.advance(4 * 3_600_000);
  const laterC = f.status().temperatureC ?? NaN;
  assert.ok(Math.abs(startC - 10) < 0.01, `start ${startC}`);
  assert.ok(laterC < startC - 1.5 && laterC > startC - 2.5, `after 4 h ${laterC}`);
  const twin = new SimFocuser(context(clock, { ambientC: 10 }));
  const other = new SimFocuser(context(clock, { ambientC: 10 }));
  await clock.advance(1_234_567);
  assert.equal(twin.status().temperatureC, other.status().temperatureC);
});

Deno.test("SimFocuser: maxIncrement limits a single move", async () => {
  const f = new SimFocuser(context(new ManualClock(), { maxIncrement: 1000 }));
  await f.connect();
  try {
    await assert.rejects(() => f.moveTo(27000), RangeError);
    await f.moveTo(26000);
  } finally {
    await f.disconnect();
  }
});

Deno.test("SimFocuser: options are validated by name", () => {
  const clock = new ManualClock();
  assert.throws(() => new SimFocuser(context(clock, { maxPosition: -5 })), /maxPosition/);
  assert.throws(() => new SimFocuser(context(clock, { speedStepsPerS: 0 })), /speedStepsPerS/);
  assert.throws(
    () => new SimFocuser(context(clock, { maxPosition: 100, startPosition: 200 })),
    /startPosition/,
  );
});

Deno.test("SimFocuser: injected faults throw, hang and pull the cable", async () => {
  const f = new SimFocuser(context(new ManualClock()));
  await f.connect();
  try {
    f.faults.set("moveTo", "throw");
    await assert.rejects(() => f.moveTo(100), /simulated failure in moveTo/);
    f.faults.set("moveTo", "hang");
    const outcome = await Promise.race([
      f.moveTo(100).then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
    f.faults.set("halt", "disconnect");
    const lost: string[] = [];
    f.onLost((reason) => lost.push(reason));
    await assert.rejects(() => f.halt(), /connection lost/);
    assert.equal(f.status().connected, false);
    assert.equal(lost.length, 1);
  } finally {
    f.faults.clear();
    await f.disconnect();
  }
});
