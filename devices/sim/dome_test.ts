import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { domeContractSuite } from "../../tests/contracts/dome_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimDomeOptions } from "./dome_options.ts";

const context = contextFor(SimDomeOptions);
import { SimDome } from "./dome.ts";

domeContractSuite("sim", {
  create: () =>
    Promise.resolve(
      new SimDome(
        context(systemClock, { shutterSeconds: 0.3, speedDegPerS: 200, homeAzimuthDeg: 90 }),
      ),
    ),
  dispose: async (d) => {
    (d as SimDome).faults.clear();
    await d.disconnect();
  },
});

Deno.test("SimDome: the shutter takes shutterSeconds each way", async () => {
  const clock = new ManualClock();
  const d = new SimDome(context(clock));
  await d.connect();
  try {
    assert.equal(d.status().shutter, "closed");
    await d.openShutter();
    assert.equal(d.status().shutter, "opening");
    await clock.advance(9999);
    assert.equal(d.status().shutter, "opening");
    await clock.advance(1);
    assert.equal(d.status().shutter, "open");
    await d.closeShutter();
    assert.equal(d.status().shutter, "closing");
    await clock.advance(10000);
    assert.equal(d.status().shutter, "closed");
  } finally {
    await d.disconnect();
  }
});

Deno.test("SimDome: slews the shorter way through north at speedDegPerS", async () => {
  const clock = new ManualClock();
  const d = new SimDome(context(clock, { startAzimuthDeg: 350 }));
  await d.connect();
  try {
    assert.equal(d.status().parked, false);
    await d.slewToAzimuth(10); // 20° at 5°/s: 4 s
    await clock.advance(2000);
    assert.equal(d.status().azimuthDeg, 0);
    assert.equal(d.status().slewing, true);
    await clock.advance(2000);
    assert.deepEqual(
      [d.status().azimuthDeg, d.status().slewing, d.status().targetAzimuthDeg],
      [10, false, 10],
    );
  } finally {
    await d.disconnect();
  }
});

Deno.test("SimDome: park and home; a slew leaves park", async () => {
  const clock = new ManualClock();
  const d = new SimDome(context(clock, { parkAzimuthDeg: 180, homeAzimuthDeg: 90 }));
  await d.connect();
  try {
    assert.equal(d.status().parked, true); // powers up at its park azimuth
    await d.findHome();
    assert.equal(d.status().parked, false);
    await clock.advance(18000);
    assert.deepEqual([d.status().azimuthDeg, d.status().atHome], [90, true]);
    await d.park();
    assert.equal(d.status().parked, false); // not until it gets there
    await clock.advance(18000);
    assert.deepEqual([d.status().parked, d.status().atHome], [true, false]);
    await d.slewToAzimuth(170);
    assert.equal(d.status().parked, false);
  } finally {
    await d.disconnect();
  }
});

Deno.test("SimDome: abort mid-travel stops rotation and leaves the shutter in error", async () => {
  const clock = new ManualClock();
  const d = new SimDome(context(clock));
  await d.connect();
  try {
    await d.openShutter();
    await d.slewToAzimuth(90);
    await clock.advance(4000);
    await d.abort();
    await clock.advance(4000);
    const s = d.status();
    assert.deepEqual([s.azimuthDeg, s.slewing, s.shutter, s.targetAzimuthDeg], [
      20,
      false,
      "error",
      null,
    ]);
    await d.closeShutter(); // recovers from error by driving it home: 4 s back
    await clock.advance(4000);
    assert.equal(d.status().shutter, "closed");
  } finally {
    await d.disconnect();
  }
});

Deno.test("SimDome: slaving is only recorded; slews are still accepted", async () => {
  const clock = new ManualClock();
  const d = new SimDome(context(clock));
  await d.connect();
  try {
    await d.setSlaved(true);
    await d.slewToAzimuth(5);
    assert.deepEqual([d.status().slaved, d.status().slewing], [true, true]);
    await assert.rejects(() => d.setSlaved("yes" as unknown as boolean), /slaved/);
  } finally {
    await d.disconnect();
  }
});

Deno.test("SimDome: options validated; faults injected", async () => {
  assert.throws(() => new SimDome(context(new ManualClock(), { shutterSeconds: 0 })), /shutter/);
  assert.throws(() => new SimDome(context(new ManualClock(), { parkAzimuthDeg: 400 })), /park/);
  const d = new SimDome(context(new ManualClock()));
  await d.connect();
  try {
    d.faults.set("openShutter", "throw");
    await assert.rejects(() => d.openShutter(), /simulated failure in openShutter/);
    d.faults.set("abort", "hang");
    const outcome = await Promise.race([
      d.abort().then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
  } finally {
    d.faults.clear();
    await d.disconnect();
  }
});
