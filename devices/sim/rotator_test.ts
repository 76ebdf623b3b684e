import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { rotatorContractSuite } from "../../tests/contracts/rotator_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimRotatorOptions } from "./rotator_options.ts";

const context = contextFor(SimRotatorOptions);
import { SimRotator } from "./rotator.ts";

rotatorContractSuite("sim", {
  create: () => Promise.resolve(new SimRotator(context(systemClock, { speedDegPerS: 200 }))),
  dispose: async (r) => {
    (r as SimRotator).faults.clear();
    await r.disconnect();
  },
});

Deno.test("SimRotator: turns the shorter way through 0 at finite speed", async () => {
  const clock = new ManualClock();
  const r = new SimRotator(context(clock, { startMechanicalDeg: 350 }));
  await r.connect();
  try {
    await r.moveMechanical(10); // 20° forwards through 0 at 10°/s: 2 s
    await clock.advance(500);
    assert.equal(r.status().mechanicalPositionDeg, 355);
    await clock.advance(1000);
    assert.equal(r.status().mechanicalPositionDeg, 5);
    assert.equal(r.status().moving, true);
    await clock.advance(500);
    assert.equal(r.status().mechanicalPositionDeg, 10);
    assert.equal(r.status().moving, false);
  } finally {
    await r.disconnect();
  }
});

Deno.test("SimRotator: sky = mechanical + sync offset; moveTo aims at the sky angle", async () => {
  const clock = new ManualClock();
  const r = new SimRotator(context(clock, { startMechanicalDeg: 100 }));
  await r.connect();
  try {
    await r.sync(30); // offset −70°
    assert.equal(r.status().positionDeg, 30);
    assert.equal(r.status().mechanicalPositionDeg, 100);
    await r.moveTo(350); // mechanical 60, 40° backwards
    assert.equal(r.status().targetPositionDeg, 350);
    await clock.advance(4000);
    assert.equal(r.status().mechanicalPositionDeg, 60);
    assert.equal(r.status().positionDeg, 350);
  } finally {
    await r.disconnect();
  }
});

Deno.test("SimRotator: reverse keeps the sky angle and inverts the direction", async () => {
  const clock = new ManualClock();
  const r = new SimRotator(context(clock, { startMechanicalDeg: 20 }));
  await r.connect();
  try {
    await r.setReversed(true);
    assert.equal(r.status().positionDeg, 20);
    await r.moveTo(30); // sky +10° is mechanical −10° when reversed
    await clock.advance(1000);
    assert.equal(r.status().mechanicalPositionDeg, 10);
    assert.equal(r.status().positionDeg, 30);
  } finally {
    await r.disconnect();
  }
});

Deno.test("SimRotator: halt stops mid-turn; sync while moving is a 409", async () => {
  const clock = new ManualClock();
  const r = new SimRotator(context(clock));
  await r.connect();
  try {
    await r.moveTo(90);
    await clock.advance(2500);
    await assert.rejects(() => r.sync(0), (err) => err instanceof AppError && err.status === 409);
    await r.halt();
    await clock.advance(1000);
    assert.equal(r.status().positionDeg, 25);
    assert.equal(r.status().moving, false);
  } finally {
    await r.disconnect();
  }
});

Deno.test("SimRotator: options validated; faults injected", async () => {
  assert.throws(() => new SimRotator(context(new ManualClock(), { speedDegPerS: 0 })), /speedDeg/);
  assert.throws(() => new SimRotator(context(new ManualClock(), { reversed: "no" })), /reversed/);
  const r = new SimRotator(context(new ManualClock()));
  await r.connect();
  try {
    r.faults.set("moveTo", "throw");
    await assert.rejects(() => r.moveTo(10), /simulated failure/);
    r.faults.set("moveTo", "hang");
    const outcome = await Promise.race([
      r.moveTo(10).then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
  } finally {
    r.faults.clear();
    await r.disconnect();
  }
});
