import assert from "node:assert/strict";
import { ManualClock, systemClock } from "../../lib/clock.ts";
import type { GuideState } from "../guider.ts";
import { guiderContractSuite } from "../../tests/contracts/guider_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimGuiderOptions } from "./guider_options.ts";

const context = contextFor(SimGuiderOptions);
import { SimGuider } from "./guider.ts";

const FAST = { exposureSeconds: 0.04, calibrationSeconds: 0.15, lostRecoverySeconds: 0.2 };
const SETTLE = { pixels: 1.5, timeS: 0.15, timeoutS: 2 };

guiderContractSuite("sim", {
  create: () => Promise.resolve(new SimGuider(context(systemClock, FAST))),
  dispose: async (g) => {
    (g as SimGuider).faults.clear();
    await g.disconnect();
  },
  settle: SETTLE,
});

/** Advances a ManualClock in exposure-sized steps until `done` settles or `maxMs` passes. */
async function drive(clock: ManualClock, stepMs: number, maxMs: number, done: Promise<unknown>) {
  let finished = false;
  done.then(() => finished = true, () => finished = true);
  for (let elapsedMs = 0; elapsedMs < maxMs && !finished; elapsedMs += stepMs) {
    await clock.advance(stepMs);
  }
}

Deno.test("SimGuider: stopped → looping → calibrating → settling → guiding", async () => {
  const clock = new ManualClock();
  const g = new SimGuider(context(clock));
  const states: GuideState[] = [];
  g.onStatus((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  await g.connect();
  try {
    const started = g.startGuiding({ pixels: 1.5, timeS: 3, timeoutS: 30 });
    await drive(clock, 1000, 30_000, started);
    await started;
    assert.deepEqual(states, ["stopped", "looping", "calibrating", "settling", "guiding"]);
    assert.equal(g.status().calibrated, true);
  } finally {
    await g.disconnect();
  }
});

Deno.test("SimGuider: RMS over the last 50 steps, in arcsec", async () => {
  const clock = new ManualClock();
  const g = new SimGuider(context(clock, { calibrated: true, pixelScaleArcsec: 2, seed: 7 }));
  await g.connect();
  try {
    const started = g.startGuiding({ pixels: 2, timeS: 1, timeoutS: 20 });
    await drive(clock, 1000, 20_000, started);
    await started;
    await clock.advance(200_000);
    const s = g.status();
    // Steady state of e' = 0.4 e + 0.25 N: σ ≈ 0.25 / √(1 − 0.16) = 0.27 px = 0.55″ per axis.
    for (const rms of [s.rmsRaArcsec, s.rmsDecArcsec]) {
      assert.ok(rms !== null && rms > 0.35 && rms < 0.8, `rms ${rms}`);
    }
    assert.ok(s.star !== null && Math.abs(s.star.x - 640) < 3 && s.star.snr > 15);
  } finally {
    await g.disconnect();
  }
});

Deno.test("SimGuider: dither moves the lock position and settles", async () => {
  const clock = new ManualClock();
  const g = new SimGuider(context(clock, { calibrated: true, noisePixels: 0 }));
  await g.connect();
  try {
    const started = g.startGuiding({ pixels: 0.5, timeS: 1, timeoutS: 20 });
    await drive(clock, 1000, 20_000, started);
    await started;
    const before = g.status().star;
    const states = new Set<GuideState>();
    g.onStatus((s) => states.add(s.state));
    const dithered = g.dither(5, { pixels: 0.5, timeS: 2, timeoutS: 30 });
    await drive(clock, 1000, 30_000, dithered);
    await dithered;
    assert.ok(states.has("settling"), [...states].join(","));
    const after = g.status().star;
    assert.equal(g.status().state, "guiding");
    assert.ok(before && after, "star");
    const movedPx = Math.hypot(after.x - before.x, after.y - before.y);
    assert.ok(movedPx > 0.1 && movedPx <= 5 * Math.SQRT2 + 0.5, `moved ${movedPx} px`);
  } finally {
    await g.disconnect();
  }
});

Deno.test("SimGuider: settle fails on failSettle, and when the timeout passes", async () => {
  const failing = new SimGuider(context(systemClock, { ...FAST, failSettle: true }));
  await failing.connect();
  try {
    await assert.rejects(() => failing.startGuiding(SETTLE), /settle failed/);
    assert.equal(failing.status().state, "guiding"); // PHD2 keeps guiding after a failed settle
  } finally {
    await failing.disconnect();
  }
  const tight = new SimGuider(context(systemClock, FAST));
  await tight.connect();
  try {
    const startMs = Date.now();
    await assert.rejects(
      () => tight.startGuiding({ pixels: 0.001, timeS: 0.1, timeoutS: 0.3 }),
      /settle failed.*0\.3 s timeout/,
    );
    // Ended by the 0.3 s settle timeout (ten times that allows for a busy machine).
    assert.ok(Date.now() - startMs < 3000);
  } finally {
    await tight.disconnect();
  }
});

Deno.test("SimGuider: a lost star shows lostLock, then guiding resumes", async () => {
  const g = new SimGuider(context(systemClock, { ...FAST, calibrated: true }));
  await g.connect();
  try {
    await g.startGuiding(SETTLE);
    g.loseStar();
    assert.equal(g.status().state, "lostLock");
    assert.equal(g.status().star, null);
    await delay(400);
    assert.equal(g.status().state, "guiding");
  } finally {
    await g.disconnect();
  }
  const injected = new SimGuider(context(systemClock, { ...FAST, starLostAfterS: 0.1 }));
  const states = new Set<GuideState>();
  injected.onStatus((s) => states.add(s.state));
  await injected.connect();
  try {
    await injected.startGuiding(SETTLE);
    assert.ok(states.has("lostLock"), [...states].join(","));
  } finally {
    await injected.disconnect();
  }
});

Deno.test("SimGuider: a second settle is a 409; disconnect rejects the pending one", async () => {
  const g = new SimGuider(context(systemClock, FAST));
  await g.connect();
  const first = g.startGuiding({ pixels: 1.5, timeS: 10, timeoutS: 20 });
  first.catch(() => {});
  await assert.rejects(() => g.startGuiding(SETTLE), /settle is in progress/);
  await g.disconnect();
  await assert.rejects(() => first, /disconnected/);
  assert.equal(g.status().state, "stopped");
});

Deno.test("SimGuider: options validated; faults injected", async () => {
  assert.throws(() => new SimGuider(context(systemClock, { exposureSeconds: 0 })), /exposure/);
  assert.throws(() => new SimGuider(context(systemClock, { failSettle: "y" })), /failSettle/);
  const g = new SimGuider(context(systemClock, FAST));
  await g.connect();
  try {
    g.faults.set("dither", "throw");
    await assert.rejects(() => g.dither(1, SETTLE), /simulated failure in dither/);
    g.faults.set("startGuiding", "hang");
    const outcome = await Promise.race([
      g.startGuiding(SETTLE).then(() => "resolved"),
      delay(50).then(() => "hung"),
    ]);
    assert.equal(outcome, "hung");
  } finally {
    g.faults.clear();
    await g.disconnect();
  }
});
