import assert from "node:assert/strict";
import { type Clock, ManualClock, systemClock } from "../../lib/clock.ts";
import { AppError, DeviceNotConnectedError } from "../../lib/errors.ts";
import { cameraContractSuite } from "../../tests/contracts/camera_suite.ts";
import { contextFor, delay } from "../../tests/contracts/_wait.ts";
import { SimCameraOptions } from "./camera_options.ts";
import type { CameraStatus, ExposureRequest, FrameType } from "../camera.ts";
import { SimCamera } from "./camera.ts";
import { hotPixels, starField, synthesizeFrame } from "./sky.ts";

const cameraContext = contextFor(SimCameraOptions);

const FAST = { widthPx: 320, heightPx: 240, readoutMs: 50, coolerRateCPerMin: 600 };

function harness(options: Record<string, unknown>) {
  return {
    create: () => Promise.resolve(new SimCamera(cameraContext(systemClock, options))),
    dispose: async (camera: unknown) => {
      (camera as SimCamera).faults.clear();
      await (camera as SimCamera).disconnect();
    },
  };
}

cameraContractSuite("sim mono", harness(FAST));
cameraContractSuite("sim color", harness({ ...FAST, model: "color" }));
cameraContractSuite("sim without cooler", harness({ ...FAST, hasCooler: false }));

function camera(clock: Clock, options: Record<string, unknown> = {}): SimCamera {
  return new SimCamera(cameraContext(clock, { ...FAST, ...options }));
}

function request(frameType: FrameType, durationS: number, extra: Partial<ExposureRequest> = {}) {
  return { durationS, gain: 100, offset: 50, binning: 1, frameType, ...extra };
}

/** Runs one exposure to completion on a ManualClock. */
async function shoot(clock: ManualClock, cam: SimCamera, req: ExposureRequest) {
  const pending = cam.expose(req);
  await delay(0); // let expose reach its first sleep before time moves
  await clock.advance(req.durationS * 1000 + 1000);
  return await pending;
}

function mean(pixels: Uint16Array): number {
  let sum = 0;
  for (const v of pixels) sum += v;
  return sum / pixels.length;
}

function topIndices(pixels: Uint16Array, n: number): number[] {
  return [...pixels.keys()].sort((a, b) => pixels[b]! - pixels[a]!).slice(0, n).sort();
}

Deno.test("SimCamera: progress and remaining time follow the clock", async () => {
  const clock = new ManualClock();
  const cam = camera(clock, { readoutMs: 500 });
  await cam.connect();
  const states: string[] = [];
  cam.onStatus((s) => states.push(s.exposure.state));
  const pending = cam.expose(request("light", 10));
  await delay(0);
  await clock.advance(2500);
  assert.equal(cam.status().exposure.state, "exposing");
  assert.equal(cam.status().exposure.progress, 0.25);
  assert.equal(cam.status().exposure.remainingS, 7.5);
  await clock.advance(7500);
  assert.equal(cam.status().exposure.state, "reading");
  assert.equal(cam.status().exposure.progress, 1);
  await clock.advance(500);
  const frame = await pending;
  assert.deepEqual(states, ["exposing", "reading", "downloading", "idle"]);
  assert.equal(frame.startedAtMs, Date.UTC(2026, 0, 1));
  assert.equal(cam.status().exposure.progress, 0);
  await cam.disconnect();
});

Deno.test("SimCamera: hot pixels sit at the same place in every dark", async () => {
  const clock = new ManualClock();
  const cam = camera(clock, { ambientC: 25 });
  await cam.connect();
  const a = await shoot(clock, cam, request("dark", 60));
  const b = await shoot(clock, cam, request("dark", 60));
  assert.notDeepEqual(a.pixels, b.pixels, "noise differs between frames");
  assert.deepEqual(topIndices(a.pixels, 8), topIndices(b.pixels, 8));
  const sensor = { widthPx: 320, heightPx: 240, bayerPattern: null, seed: 1 };
  const hottest = hotPixels(sensor).sort((x, y) => y.multiplier - x.multiplier)[0]!;
  assert.ok(a.pixels[hottest.index]! > mean(a.pixels) + 500, "the hottest pixel glows");
  await cam.disconnect();
});

Deno.test("SimCamera: the dark level rises with exposure and temperature", async () => {
  const clock = new ManualClock();
  const cam = camera(clock, { ambientC: 25 });
  await cam.connect();
  const bias = mean((await shoot(clock, cam, request("bias", 0))).pixels);
  const short = mean((await shoot(clock, cam, request("dark", 10))).pixels);
  const long = mean((await shoot(clock, cam, request("dark", 600))).pixels);
  assert.ok(Math.abs(bias - 1000) < 5, `bias ${bias} ≈ 500 + 10 × offset`);
  assert.ok(long > short + 30, `600 s dark ${long} well above 10 s dark ${short}`);
  const warm = synthesizeFrame(
    { widthPx: 200, heightPx: 200, bayerPattern: null, seed: 3 },
    { ...request("dark", 600), exposureS: 600, sensorTempC: 25, noiseSeed: 1 },
  );
  const cold = synthesizeFrame(
    { widthPx: 200, heightPx: 200, bayerPattern: null, seed: 3 },
    { ...request("dark", 600), exposureS: 600, sensorTempC: -5, noiseSeed: 1 },
  );
  assert.ok(mean(warm.pixels) > mean(cold.pixels) + 40, "30 °C warmer is far darker-noisier");
  await cam.disconnect();
});

Deno.test("SimCamera: stars appear in lights, not in darks; blur spreads them", async () => {
  const clock = new ManualClock();
  const cam = camera(clock);
  await cam.connect();
  const light = await shoot(clock, cam, request("light", 30));
  const dark = await shoot(clock, cam, request("dark", 30));
  const sensor = { widthPx: 320, heightPx: 240, bayerPattern: null, seed: 1 };
  const star = starField(sensor).sort((a, b) => b.fluxEPerS - a.fluxEPerS)[0]!;
  const at = Math.floor(star.yPx) * 320 + Math.floor(star.xPx);
  assert.ok(light.pixels[at]! > mean(light.pixels) + 1000, "the brightest star is in the light");
  assert.ok(dark.pixels[at]! < mean(dark.pixels) + 50, "and not in the dark");
  cam.setFocusBlurPx(6);
  const blurred = await shoot(clock, cam, request("light", 30));
  assert.ok(blurred.pixels[at]! < light.pixels[at]!, "defocus lowers the peak");
  await cam.disconnect();
});

Deno.test("SimCamera: flats are even but vignetted, binning averages", async () => {
  const clock = new ManualClock();
  const cam = camera(clock);
  await cam.connect();
  const flat = await shoot(clock, cam, request("flat", 1));
  const centre = flat.pixels[120 * 320 + 160]!;
  const corner = flat.pixels[2 * 320 + 2]!;
  assert.ok(centre > 12000 && centre < 20000, `centre ${centre}`);
  assert.ok(corner < centre * 0.75, `corner ${corner} darker than centre ${centre}`);
  const binned = await shoot(clock, cam, request("bias", 0, { binning: 3 }));
  assert.deepEqual([binned.widthPx, binned.heightPx], [106, 80]);
  assert.ok(Math.abs(mean(binned.pixels) - 1000) < 5, "binning averages the bias level");
  await cam.disconnect();
});

Deno.test("SimCamera: the colour model keeps its pattern only when unbinned", async () => {
  const clock = new ManualClock();
  const cam = camera(clock, { model: "color", bayerPattern: "GBRG" });
  assert.equal(cam.capabilities.bayerPattern, "GBRG");
  await cam.connect();
  assert.equal((await shoot(clock, cam, request("light", 1))).bayerPattern, "GBRG");
  assert.equal((await shoot(clock, cam, request("light", 1, { binning: 2 }))).bayerPattern, null);
  await cam.disconnect();
});

Deno.test("SimCamera: the cooler approaches its target at its rate and reports each second", async () => {
  const clock = new ManualClock();
  const cam = camera(clock, { coolerRateCPerMin: 6, ambientC: 15 });
  await cam.connect();
  const seen: CameraStatus[] = [];
  cam.onStatus((s) => seen.push(s));
  await cam.setCooler(true, -10);
  await clock.advance(60_000);
  assert.equal(cam.status().cooler.tempC, 9);
  assert.equal(cam.status().cooler.powerPct, 15);
  assert.ok(seen.length >= 60, `status pushed ~1 Hz (${seen.length})`);
  await clock.advance(200_000);
  assert.equal(cam.status().cooler.tempC, -10);
  const settled = seen.length;
  await clock.advance(10_000);
  assert.equal(seen.length, settled, "no pushes once settled");
  await cam.setCooler(true, -60);
  await clock.advance(300_000);
  assert.equal(cam.status().cooler.tempC, -30, "a TEC stops at ambient − 45 °C");
  assert.equal(cam.status().cooler.powerPct, 100);
  await cam.setCooler(false, -60);
  await clock.advance(60_000);
  assert.equal(cam.status().cooler.tempC, -24, "drifts back toward ambient when off");
  assert.equal(cam.status().cooler.powerPct, 0);
  await cam.disconnect();
});

Deno.test("SimCamera: commands while disconnected are 503s; disconnect ends an exposure", async () => {
  const clock = new ManualClock();
  const cam = camera(clock);
  await assert.rejects(() => cam.expose(request("light", 1)), DeviceNotConnectedError);
  await assert.rejects(() => cam.setCooler(true, 0), DeviceNotConnectedError);
  await cam.connect();
  await cam.setCooler(true, -10);
  const pending = cam.expose(request("light", 30));
  await delay(0);
  await cam.disconnect();
  const err = await pending.catch((e) => e);
  assert.ok(err instanceof DeviceNotConnectedError, String(err));
  assert.equal(cam.status().exposure.state, "idle");
  assert.equal(cam.status().cooler.enabled, false);
});

Deno.test("SimCamera: fault injection makes commands throw, hang or drop the link", async () => {
  const clock = new ManualClock();
  const cam = camera(clock);
  await cam.connect();
  cam.faults.set("expose", "throw");
  await assert.rejects(() => cam.expose(request("light", 1)), /simulated failure in expose/);
  cam.faults.set("expose", "hang");
  const outcome = await Promise.race([
    cam.expose(request("light", 1)),
    delay(50).then(() => "hung"),
  ]);
  assert.equal(outcome, "hung");
  const lost: string[] = [];
  cam.onLost((reason) => lost.push(reason));
  cam.faults.set("setCooler", "disconnect");
  await assert.rejects(() => cam.setCooler(true, 0), /connection lost/);
  assert.equal(lost.length, 1);
  assert.equal(cam.status().connected, false);
  cam.faults.clear();
  await cam.connect();
  const busy = cam.expose(request("light", 5));
  await delay(0);
  const conflict = await cam.expose(request("light", 1)).catch((e) => e);
  assert.ok(conflict instanceof AppError && conflict.status === 409);
  await clock.advance(6000);
  await busy;
  await cam.disconnect();
});

Deno.test("SimCamera: options are validated with errors naming the option", () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ model: "infrared" }, /model/],
    [{ widthPx: 10.5 }, /widthPx/],
    [{ model: "color", widthPx: 321 }, /even/],
    [{ model: "color", bayerPattern: "RGBW" }, /bayerPattern/],
    [{ bayerPattern: "RGGB" }, /needs model "color"/],
    [{ readoutMs: -1 }, /readoutMs/],
    [{ coolerRateCPerMin: 0 }, /coolerRateCPerMin/],
    [{ hasCooler: "yes" }, /hasCooler/],
  ];
  for (const [options, pattern] of bad) {
    assert.throws(
      () => camera(systemClock, options),
      (e) => e instanceof RangeError && pattern.test(e.message),
    );
  }
  const defaults = new SimCamera(cameraContext(systemClock));
  assert.deepEqual([defaults.capabilities.widthPx, defaults.capabilities.heightPx], [3008, 2008]);
  assert.equal(defaults.capabilities.bayerPattern, null);
});

Deno.test("sky: a 24-megapixel colour light renders whole (its speed is a benchmark's)", () => {
  const frame = synthesizeFrame(
    { widthPx: 6000, heightPx: 4000, bayerPattern: "RGGB", seed: 1 },
    { ...request("light", 60), exposureS: 60, sensorTempC: -10, noiseSeed: 1 },
  );
  assert.equal(frame.pixels.length, 24_000_000);
});
