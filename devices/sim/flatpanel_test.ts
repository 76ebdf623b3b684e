import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { flatPanelContractSuite } from "../../tests/contracts/flatpanel_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimFlatPanelOptions } from "./flatpanel_options.ts";

const context = contextFor(SimFlatPanelOptions);
import { SimFlatPanel } from "./flatpanel.ts";

const FAST = { coverSeconds: 0.3, warmupSeconds: 0.1 };

flatPanelContractSuite("sim", {
  create: () => Promise.resolve(new SimFlatPanel(context(systemClock, FAST))),
  dispose: async (p) => {
    (p as SimFlatPanel).faults.clear();
    await p.disconnect();
  },
});

flatPanelContractSuite("sim without cover", {
  create: () =>
    Promise.resolve(new SimFlatPanel(context(systemClock, { ...FAST, hasCover: false }))),
  dispose: (p) => p.disconnect(),
});

Deno.test("SimFlatPanel: the cover takes coverSeconds; halted part way it is unknown", async () => {
  const clock = new ManualClock();
  const p = new SimFlatPanel(context(clock));
  await p.connect();
  try {
    assert.equal(p.status().cover, "closed");
    await p.openCover();
    await clock.advance(2900);
    assert.equal(p.status().cover, "moving");
    await clock.advance(100);
    assert.equal(p.status().cover, "open");
    await p.closeCover();
    await clock.advance(1500);
    await p.haltCover();
    assert.equal(p.status().cover, "unknown");
    await p.closeCover(); // the remaining half: 1.5 s
    await clock.advance(1500);
    assert.equal(p.status().cover, "closed");
  } finally {
    await p.disconnect();
  }
});

Deno.test("SimFlatPanel: the light is notReady for the warm-up, then ready", async () => {
  const clock = new ManualClock();
  const p = new SimFlatPanel(context(clock));
  await p.connect();
  try {
    assert.equal(p.status().calibrator, "off");
    await p.lightOn(128);
    assert.deepEqual([p.status().calibrator, p.status().brightness], ["notReady", 128]);
    await clock.advance(499);
    assert.equal(p.status().calibrator, "notReady");
    await clock.advance(1);
    assert.equal(p.status().calibrator, "ready");
    await p.lightOff();
    assert.deepEqual([p.status().calibrator, p.status().brightness], ["off", 0]);
  } finally {
    await p.disconnect();
  }
});

Deno.test("SimFlatPanel: brightness range, options and missing parts", async () => {
  const clock = new ManualClock();
  const p = new SimFlatPanel(context(clock, { maxBrightness: 100 }));
  await p.connect();
  try {
    await assert.rejects(() => p.lightOn(0), /brightness/);
    await assert.rejects(() => p.lightOn(101), /brightness.*101/);
    await p.lightOn(100);
  } finally {
    await p.disconnect();
  }
  assert.throws(() => new SimFlatPanel(context(clock, { coverSeconds: 0 })), /coverSeconds/);
  assert.throws(() => new SimFlatPanel(context(clock, { hasCover: 1 })), /hasCover/);
  const dark = new SimFlatPanel(context(clock, { hasLight: false }));
  await dark.connect();
  try {
    assert.equal(dark.status().calibrator, "notPresent");
    await assert.rejects(() => dark.lightOn(1), (e) => e instanceof AppError && e.status === 409);
  } finally {
    await dark.disconnect();
  }
});

Deno.test("SimFlatPanel: status is pumped while the cover moves", async () => {
  const clock = new ManualClock();
  const p = new SimFlatPanel(context(clock));
  const covers: string[] = [];
  p.onStatus((s) => covers.push(s.cover));
  await p.connect();
  try {
    await p.openCover();
    await clock.advance(3200);
    assert.ok(covers.filter((c) => c === "moving").length >= 10, covers.join(","));
    assert.equal(covers.at(-1), "open");
  } finally {
    await p.disconnect();
  }
});

Deno.test("SimFlatPanel: injected faults throw and hang", async () => {
  const p = new SimFlatPanel(context(new ManualClock()));
  await p.connect();
  try {
    p.faults.set("openCover", "throw");
    await assert.rejects(() => p.openCover(), /simulated failure in openCover/);
    p.faults.set("lightOn", "hang");
    const outcome = await Promise.race([
      p.lightOn(10).then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
  } finally {
    p.faults.clear();
    await p.disconnect();
  }
});
