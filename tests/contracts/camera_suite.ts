/**
 * The camera contract suite: the cases every camera driver — simulator, INDI, Alpaca, ZWO FFI —
 * must pass, run against each through its own harness. It uses real time (drivers for real
 * devices have no injectable clock), so exposures are short and each case ends within a few
 * seconds. A driver that cannot run a case names it in `skip` with the reason; the cooler case
 * waits `motionTimeoutMs` for the temperature to move, so a harness for slow hardware raises it.
 */
import assert from "node:assert/strict";
import {
  BAYER_PATTERNS,
  type Camera,
  type CameraStatus,
  type ExposureRequest,
  FRAME_TYPES,
} from "../../devices/camera.ts";
import {
  assertConnectCycle,
  assertRejectsDisconnected,
  assertRejectsStatus,
  contractCase,
  type ContractHarness,
  delay,
  isArgumentError,
  waitFor,
} from "./_wait.ts";

export type CameraHarness = ContractHarness<Camera>;

function request(camera: Camera, overrides: Partial<ExposureRequest> = {}): ExposureRequest {
  const caps = camera.capabilities;
  return {
    durationS: Math.max(caps.exposureMinS, 0.3),
    gain: caps.gainMin,
    offset: caps.offsetMin,
    binning: 1,
    frameType: "light",
    ...overrides,
  };
}

async function rejection(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  return undefined;
}

export function cameraContractSuite(driverName: string, harness: CameraHarness): void {
  const test = (
    name: string,
    body: (camera: Camera, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("camera", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (camera, timeoutMs) =>
      assertConnectCycle(camera, "camera", timeoutMs, (status) => {
        assert.equal(status.exposure.state, "idle");
      }),
    false,
  );

  test("refuses to expose while disconnected", async (camera) => {
    await assertRejectsDisconnected(() => camera.expose(request(camera)), "expose");
  }, false);

  test("capabilities and status are sane", (camera) => {
    const caps = camera.capabilities;
    for (const key of ["widthPx", "heightPx", "maxBinning"] as const) {
      assert.ok(Number.isInteger(caps[key]) && caps[key] >= 1, `${key} = ${caps[key]}`);
    }
    assert.ok(caps.pixelSizeUm > 0 && caps.pixelSizeUm < 100, `pixelSizeUm ${caps.pixelSizeUm}`);
    assert.ok(caps.bitDepth >= 8 && caps.bitDepth <= 16, `bitDepth ${caps.bitDepth}`);
    assert.ok(caps.bayerPattern === null || BAYER_PATTERNS.includes(caps.bayerPattern));
    assert.ok(caps.gainMin <= caps.gainMax, "gainMin ≤ gainMax");
    assert.ok(caps.offsetMin <= caps.offsetMax, "offsetMin ≤ offsetMax");
    assert.ok(caps.exposureMinS >= 0 && caps.exposureMinS < caps.exposureMaxS, "exposure range");
    const status = camera.status();
    assert.equal(status.exposure.state, "idle");
    assert.equal(status.exposure.request, null);
    assert.ok(status.cooler.powerPct >= 0 && status.cooler.powerPct <= 100, "powerPct 0..100");
    if (!caps.hasCooler) assert.equal(status.cooler.enabled, false);
    assert.ok(camera.info.name.length > 0 && camera.info.driver.length > 0, "info");
    return Promise.resolve();
  });

  test("a short exposure reports progress and yields a full frame", async (camera) => {
    const caps = camera.capabilities;
    const asked = request(camera, { durationS: Math.max(caps.exposureMinS, 0.5) });
    const samples: CameraStatus["exposure"][] = [];
    const beforeMs = Date.now();
    let settled = false;
    const pending = camera.expose(asked);
    pending.finally(() => settled = true).catch(() => {});
    while (!settled) {
      samples.push(camera.status().exposure);
      await delay(25);
    }
    const frame = await pending;
    const exposing = samples.filter((s) => s.state === "exposing");
    assert.ok(exposing.length > 0, "state was exposing while running");
    assert.ok(exposing[0]!.progress < 0.5, `progress started low (${exposing[0]!.progress})`);
    for (let i = 1; i < exposing.length; i++) {
      assert.ok(exposing[i]!.progress >= exposing[i - 1]!.progress, "progress went back");
    }
    assert.ok(samples.every((s) => s.progress >= 0 && s.progress <= 1), "progress in 0..1");
    assert.ok(samples.some((s) => s.progress >= 0.5), "progress approached 1");
    assert.deepEqual(exposing[0]!.request, asked, "status carries the request");
    assert.equal(camera.status().exposure.state, "idle");
    assert.ok(frame.pixels instanceof Uint16Array, "pixels are a Uint16Array");
    assert.deepEqual([frame.widthPx, frame.heightPx], [caps.widthPx, caps.heightPx]);
    assert.equal(frame.pixels.length, frame.widthPx * frame.heightPx);
    assert.equal(frame.bayerPattern, caps.bayerPattern);
    assert.deepEqual(frame.request, asked);
    assert.ok(frame.startedAtMs >= beforeMs - 1000 && frame.startedAtMs <= Date.now(), "start");
  });

  test("binning 2 halves the dimensions", async (camera) => {
    const caps = camera.capabilities;
    if (caps.maxBinning < 2) return;
    const frame = await camera.expose(request(camera, { binning: 2, durationS: 0.1 }));
    assert.equal(frame.widthPx, Math.floor(caps.widthPx / 2));
    assert.equal(frame.heightPx, Math.floor(caps.heightPx / 2));
    assert.equal(frame.pixels.length, frame.widthPx * frame.heightPx);
    assert.equal(frame.bayerPattern, null, "a binned frame has no Bayer pattern");
    assert.equal(frame.request.binning, 2);
  });

  test("every frame type is accepted and echoed", async (camera) => {
    const minS = camera.capabilities.exposureMinS;
    for (const frameType of FRAME_TYPES) {
      const durationS = frameType === "bias" ? minS : Math.max(minS, 0.1);
      const asked = request(camera, { frameType, durationS });
      const frame = await camera.expose(asked);
      assert.deepEqual(frame.request, asked, `${frameType} request echoed`);
    }
  });

  test("abort rejects with the signal's reason and returns to idle", async (camera) => {
    const controller = new AbortController();
    // Long, so a late abort stands out from a busy machine's delays by a wide margin.
    const durationS = Math.min(30, camera.capabilities.exposureMaxS);
    const pending = camera.expose(request(camera, { durationS }), controller.signal);
    pending.catch(() => {});
    await waitFor(() => camera.status().exposure.state === "exposing", 1000, "exposing");
    const reason = new Error("user aborted");
    const abortedAtMs = Date.now();
    controller.abort(reason);
    assert.equal(await rejection(() => pending), reason);
    await waitFor(() => camera.status().exposure.state === "idle", 10_000, "idle after abort");
    assert.ok(
      Date.now() - abortedAtMs < durationS * 1000 / 3,
      `abort took ${Date.now() - abortedAtMs} ms of a ${durationS} s exposure`,
    );
  });

  test("a second exposure while one runs is a 409", async (camera) => {
    const controller = new AbortController();
    const first = camera.expose(request(camera, { durationS: 2 }), controller.signal);
    first.catch(() => {});
    await waitFor(() => camera.status().exposure.state === "exposing", 1000, "exposing");
    await assertRejectsStatus(() => camera.expose(request(camera)), 409, "second expose");
    controller.abort(new Error("done"));
    await first.catch(() => {});
  });

  test("invalid requests are rejected naming the field", async (camera) => {
    const caps = camera.capabilities;
    const invalid: [string, Partial<ExposureRequest>][] = [
      ["duration", { durationS: -1 }],
      ["binning", { binning: Math.max(9, caps.maxBinning + 1) }],
      ["gain", { gain: caps.gainMax + 1 }],
    ];
    for (const [field, overrides] of invalid) {
      const err = await rejection(() => camera.expose(request(camera, overrides)));
      assert.ok(isArgumentError(err), `${field}: expected RangeError or a 400, got ${err}`);
      assert.match((err as Error).message, new RegExp(field, "i"), `message names ${field}`);
    }
    assert.equal(camera.status().exposure.state, "idle");
  });

  test("the cooler moves toward its target, or is a 409 without one", async (camera, ms) => {
    if (!camera.capabilities.hasCooler) {
      await assertRejectsStatus(() => camera.setCooler(true, -10), 409, "setCooler");
      return;
    }
    const startC = camera.status().cooler.tempC;
    assert.ok(startC !== null, "a cooled camera reports its temperature");
    const targetC = startC - 10;
    await camera.setCooler(true, targetC);
    assert.equal(camera.status().cooler.enabled, true);
    assert.equal(camera.status().cooler.targetC, targetC);
    await waitFor(
      () => (camera.status().cooler.tempC ?? startC) < startC - 0.05,
      ms,
      `temperature below ${startC} °C`,
    );
    await camera.setCooler(false, targetC);
    assert.equal(camera.status().cooler.enabled, false);
  });
}
