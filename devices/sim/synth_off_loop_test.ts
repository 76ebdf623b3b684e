/**
 * Issue 14 A.5: the simulated camera draws its frames off the event loop. While a 6-megapixel
 * frame is being drawn the loop keeps turning (timers fire; with the old inline drawing not one
 * did between "downloading" and the frame); a frame drawn on the worker is the very frame drawn
 * inline from the same inputs (the simulator stays deterministic); an abort while drawing ends at
 * once; small frames are drawn inline, where a worker would cost more than the frame.
 */
import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import type { FrameType } from "../camera.ts";
import { SimCamera } from "./camera.ts";
import { SimCameraOptions } from "./camera_options.ts";
import { randomScene, synthesizeFrame } from "./sky.ts";
import { FrameDrawer, OFF_LOOP_MIN_PIXELS } from "./synth_off_loop.ts";

const SENSOR = { widthPx: 1200, heightPx: 800, bayerPattern: "RGGB" as const, seed: 7 };

function request(frameType: FrameType) {
  return {
    frameType,
    exposureS: 30,
    gain: 120,
    offset: 20,
    binning: 1,
    sensorTempC: -5,
    focusBlurPx: 1.5,
    noiseSeed: 4242,
  };
}

Deno.test("sim camera: the event loop turns while a big frame is drawn", async () => {
  const camera = new SimCamera(
    contextFor(SimCameraOptions)(systemClock, {
      widthPx: 3000,
      heightPx: 2000,
      readoutMs: 0,
      sky: "random",
    }),
  );
  await camera.connect();
  let ticks = 0;
  let ticking = false;
  const tick = () => {
    if (!ticking) return;
    ticks++;
    setTimeout(tick, 0);
  };
  const off = camera.onStatus((s) => {
    if (s.exposure.state === "downloading" && !ticking) {
      ticking = true;
      setTimeout(tick, 0);
    }
  });
  try {
    const frame = await camera.expose({
      durationS: 0,
      gain: 100,
      offset: 10,
      binning: 1,
      frameType: "light",
    });
    ticking = false;
    assert.equal(frame.pixels.length, 3000 * 2000);
    // Drawn inline, the frame was there before any timer could fire: zero ticks.
    assert.ok(ticks >= 2, `the event loop turned ${ticks} times while the frame was drawn`);
  } finally {
    ticking = false;
    off();
    await camera.disconnect();
  }
});

Deno.test("sim camera: a frame drawn off the loop is the frame drawn inline", async () => {
  assert.ok(SENSOR.widthPx * SENSOR.heightPx >= OFF_LOOP_MIN_PIXELS);
  const scene = randomScene(SENSOR);
  const drawer = new FrameDrawer(SENSOR);
  try {
    assert.equal(drawer.offLoop, true);
    for (const frameType of ["light", "dark", "flat"] as const) {
      const off = await drawer.draw(request(frameType), scene, new AbortController().signal);
      const inline = synthesizeFrame(SENSOR, request(frameType), scene);
      assert.equal(off.widthPx, inline.widthPx);
      assert.ok(off.pixels.every((v, i) => v === inline.pixels[i]), `${frameType}: same pixels`);
    }
  } finally {
    drawer.close();
  }
});

Deno.test("sim camera: an abort while drawing answers at once; the next frame is its own", async () => {
  const drawer = new FrameDrawer({ ...SENSOR, widthPx: 3000, heightPx: 2000 });
  try {
    const abort = new AbortController();
    const pending = drawer.draw(request("light"), null, abort.signal);
    const reason = new Error("stopped");
    abort.abort(reason);
    await assert.rejects(pending, (err) => err === reason);
    // The worker finishes the dropped frame first; the next answer is the next frame's.
    const dark = await drawer.draw(request("dark"), null, new AbortController().signal);
    const inline = synthesizeFrame({ ...SENSOR, widthPx: 3000, heightPx: 2000 }, request("dark"));
    assert.ok(dark.pixels.every((v, i) => v === inline.pixels[i]), "the dark, not the light");
  } finally {
    drawer.close();
  }
});

Deno.test("sim camera: small frames are drawn inline; a closed drawer fails what it was drawing", async () => {
  const small = new FrameDrawer({ ...SENSOR, widthPx: 64, heightPx: 48 });
  assert.equal(small.offLoop, false);
  const frame = await small.draw(request("dark"), null, new AbortController().signal);
  assert.equal(frame.pixels.length, 64 * 48);
  small.close();
  const big = new FrameDrawer(SENSOR);
  const pending = big.draw(request("light"), null, new AbortController().signal);
  big.close();
  await assert.rejects(pending, /disconnected/);
});
