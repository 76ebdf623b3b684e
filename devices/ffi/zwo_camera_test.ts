import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { AppError, DeviceNotConnectedError, DeviceTimeoutError } from "../../lib/errors.ts";
import { cameraContractSuite } from "../../tests/contracts/camera_suite.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import { asiSwitches, buildStubs } from "../../tests/fakes/zwo/build.ts";
import { guard } from "../guard.ts";
import { ASI_ERROR_CAMERA_REMOVED, ASI_ERROR_GENERAL_ERROR } from "./errors.ts";
import { binnedSize } from "./zwo_exposure.ts";
import { ZwoCamera } from "./zwo_camera.ts";
import { ZwoCameraOptions } from "./options.ts";

const cameraContext = contextFor(ZwoCameraOptions);

/** Fast status polls so the cooler case sees the stub's 0.5 °C/s within its 2.5 s budget. */
const FAST = { statusIntervalMs: 100, pollIntervalMs: 20 };

async function camera(options: Record<string, unknown> = {}): Promise<ZwoCamera> {
  const { asi } = await buildStubs();
  return new ZwoCamera(cameraContext(systemClock, { library: asi, ...FAST, ...options }));
}

function harness(options: Record<string, unknown>) {
  return {
    create: () => camera(options),
    dispose: (cam: unknown) => (cam as ZwoCamera).disconnect(),
  };
}

cameraContractSuite("zwo ASI290MM Cool (stub)", harness({ index: 0 }));
cameraContractSuite("zwo ASI462MC (stub)", harness({ name: "462" }));

const REQUEST = { durationS: 0.2, gain: 100, offset: 10, binning: 1, frameType: "light" } as const;

Deno.test("ZwoCamera: capabilities, info and frames come from the SDK", async () => {
  const cam = await camera({ id: 8 });
  try {
    await cam.connect();
    assert.equal(cam.info.name, "ZWO ASI462MC");
    assert.match(cam.info.driverVersion, /SDK 1, 37/);
    assert.deepEqual(
      [cam.capabilities.widthPx, cam.capabilities.heightPx, cam.capabilities.bayerPattern],
      [1936, 1096, "RGGB"],
    );
    assert.deepEqual([cam.capabilities.exposureMinS, cam.capabilities.maxBinning], [32e-6, 4]);
    assert.equal(cam.capabilities.hasCooler, false);
    const light = await cam.expose(REQUEST);
    // The stub's gradient rises to the right and down; 12-bit data left-aligned in 16 bits.
    const at = (x: number, y: number) => light.pixels[y * light.widthPx + x]!;
    assert.ok(at(1900, 1000) > at(20, 20) + 200, `gradient ${at(20, 20)} → ${at(1900, 1000)}`);
    assert.ok(light.pixels.every((v) => v % 16 === 0), "12-bit samples in the top bits");
    const binned3 = await cam.expose({ ...REQUEST, binning: 3 });
    assert.deepEqual([binned3.widthPx, binned3.heightPx], [640, 364], "ROI rounded to 8 × 2");
    assert.equal(binned3.pixels.length, 640 * 364);
  } finally {
    await cam.disconnect();
  }
});

Deno.test("ZwoCamera: binned ROI sizes follow the SDK's multiples of 8 and 2", () => {
  assert.deepEqual(binnedSize(1936, 1096, 1), { widthPx: 1936, heightPx: 1096 });
  assert.deepEqual(binnedSize(1936, 1096, 2), { widthPx: 968, heightPx: 548 });
  assert.deepEqual(binnedSize(6248, 4176, 3), { widthPx: 2080, heightPx: 1392 });
});

Deno.test("ZwoCamera: an SDK error becomes a 502 naming the code; the camera recovers", async () => {
  const cam = await camera();
  const { asi } = await buildStubs();
  const switches = asiSwitches(asi);
  const faults: string[] = [];
  const guarded = guard("camera", cam, (what) => faults.push(what));
  try {
    await guarded.connect();
    switches.symbols.asi_stub_set_fault(ASI_ERROR_GENERAL_ERROR);
    const err = await guarded.expose(REQUEST).catch((e) => e);
    assert.ok(err instanceof AppError && err.status === 502, String(err));
    assert.match(err.message, /ASISetROIFormat returned ASI_ERROR_GENERAL_ERROR \(16\)/);
    assert.deepEqual(faults, ["camera.expose"], "the hub hears of the fault (alert)");
    assert.equal(cam.status().exposure.state, "idle");
    assert.equal(cam.status().connected, true, "a general error does not drop the camera");
    switches.symbols.asi_stub_set_fault(0);
    const frame = await guarded.expose(REQUEST);
    assert.equal(frame.pixels.length, 1936 * 1096);
  } finally {
    switches.symbols.asi_stub_set_fault(0);
    switches.close();
    await cam.disconnect();
  }
});

Deno.test("ZwoCamera: a removed camera is a 503 and onLost; it reconnects when back", async () => {
  const cam = await camera();
  const { asi } = await buildStubs();
  const switches = asiSwitches(asi);
  const lost: string[] = [];
  cam.onLost((reason) => lost.push(reason));
  try {
    await cam.connect();
    const pending = cam.expose({ ...REQUEST, durationS: 1 });
    await new Promise((r) => setTimeout(r, 200));
    switches.symbols.asi_stub_set_fault(ASI_ERROR_CAMERA_REMOVED);
    const err = await pending.catch((e) => e);
    assert.ok(err instanceof DeviceNotConnectedError, String(err));
    assert.match(err.message, /ASI_ERROR_CAMERA_REMOVED/);
    while (lost.length === 0) await new Promise((r) => setTimeout(r, 10));
    // Whichever call noticed first (the exposure poll or the cooler poll) names the code.
    assert.match(lost[0]!, /returned ASI_ERROR_CAMERA_REMOVED \(5\)/);
    assert.equal(cam.status().connected, false);
    await assert.rejects(() => cam.connect(), /ASI_ERROR_CAMERA_REMOVED/);
    switches.symbols.asi_stub_set_fault(0);
    await cam.connect();
    assert.equal((await cam.expose(REQUEST)).widthPx, 1936);
  } finally {
    switches.symbols.asi_stub_set_fault(0);
    switches.close();
    await cam.disconnect();
  }
});

Deno.test("ZwoCamera: ASI_EXP_FAILED fails the exposure; a stuck one times out", async () => {
  const cam = await camera({ readoutTimeoutMs: 300 });
  const { asi } = await buildStubs();
  const switches = asiSwitches(asi);
  try {
    await cam.connect();
    switches.symbols.asi_stub_set_exposure_outcome(1);
    await assert.rejects(() => cam.expose(REQUEST), /ASI_EXP_FAILED/);
    switches.symbols.asi_stub_set_exposure_outcome(2);
    const startedMs = Date.now();
    const err = await cam.expose(REQUEST).catch((e) => e);
    assert.ok(err instanceof DeviceTimeoutError, String(err));
    // Ended by exposure + readoutTimeoutMs (0.5 s); a stuck exposure would never end by itself.
    assert.ok(Date.now() - startedMs < 10_000, "timed out after exposure + readoutTimeoutMs");
    switches.symbols.asi_stub_set_exposure_outcome(0);
    // The stuck exposure was stopped, so the next one starts cleanly.
    assert.equal((await cam.expose(REQUEST)).heightPx, 1096);
  } finally {
    switches.symbols.asi_stub_set_exposure_outcome(0);
    switches.close();
    await cam.disconnect();
  }
});

Deno.test("ZwoCamera: a 1 s exposure and a slow download never block the event loop", async () => {
  const cam = await camera();
  const { asi } = await buildStubs();
  const switches = asiSwitches(asi);
  // 4.2 MB at 2 MB/s: about two seconds inside ASIGetDataAfterExp. Were that call on the event
  // loop, the longest gap between ticks would be all of it; off the loop no gap comes near half
  // of it on any machine (judged against the download, not a stopwatch).
  const downloadMs = (1936 * 1096 * 2) / 2e6 * 1000;
  switches.symbols.asi_stub_set_transfer_rate(2e6);
  const gapsMs: number[] = [];
  let lastMs = performance.now();
  const ticker = setInterval(() => {
    const nowMs = performance.now();
    gapsMs.push(nowMs - lastMs);
    lastMs = nowMs;
  }, 10);
  try {
    await cam.connect();
    const startedMs = performance.now();
    const frame = await cam.expose({ ...REQUEST, durationS: 1 });
    const tookMs = performance.now() - startedMs;
    clearInterval(ticker);
    assert.equal(frame.pixels.length, 1936 * 1096);
    assert.ok(tookMs > 1000 + downloadMs * 0.9, `exposure + download took ${tookMs.toFixed(0)} ms`);
    const maxGapMs = Math.max(...gapsMs);
    console.log(
      `exposure + download ${tookMs.toFixed(0)} ms, ${gapsMs.length} ticks, ` +
        `longest gap ${maxGapMs.toFixed(1)} ms`,
    );
    assert.ok(gapsMs.length >= 20, `only ${gapsMs.length} ticks`);
    assert.ok(
      maxGapMs < downloadMs / 2,
      `the event loop stalled ${maxGapMs.toFixed(0)} ms of a ${downloadMs.toFixed(0)} ms download`,
    );
  } finally {
    clearInterval(ticker);
    switches.symbols.asi_stub_set_transfer_rate(40e6);
    switches.close();
    await cam.disconnect();
  }
});

Deno.test("ZwoCamera behind the guard: an abort mid-download answers at once; the next frame is its own", async () => {
  const cam = await camera();
  const { asi } = await buildStubs();
  const switches = asiSwitches(asi);
  // 4.2 MB at 4 MB/s: a second inside ASIGetDataAfterExp, which nothing can interrupt.
  switches.symbols.asi_stub_set_transfer_rate(4e6);
  const late: string[] = [];
  const guarded = guard("camera", cam, () => {}, {
    onAbandonedSettled: (what, outcome) => late.push(`${what} ${outcome}`),
  });
  try {
    await cam.connect();
    const caller = new AbortController();
    const first = guarded.expose(REQUEST, caller.signal).catch((err: unknown) => err);
    while (cam.status().exposure.state !== "downloading") await delay(5);
    const reason = new DOMException("aborted by the user", "AbortError");
    caller.abort(reason);
    assert.equal(await first, reason, "the caller gets its own abort");
    // Answered while the driver is still stuck in the download: the abort did not wait for it.
    assert.equal(cam.status().exposure.state, "downloading");
    assert.equal(guarded.status().exposure.state, "idle", "the camera reads as free");
    // The next exposure is taken at once and waits for the device, never getting the old frame.
    const next = await guarded.expose({ ...REQUEST, binning: 2 });
    assert.deepEqual([next.widthPx, next.heightPx, next.request.binning], [968, 548, 2]);
    assert.deepEqual(late, ["camera.expose rejected"], "the abandoned frame was discarded");
  } finally {
    switches.symbols.asi_stub_set_transfer_rate(40e6);
    switches.close();
    await cam.disconnect();
  }
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("ZwoCamera: a missing library is a clear 503 naming the path and the option", async () => {
  const cam = new ZwoCamera(cameraContext(systemClock, { library: "/nonexistent/libASI.so" }));
  const err = await cam.connect().catch((e) => e);
  assert.ok(err instanceof AppError && err.status === 503, String(err));
  assert.match(err.message, /ZWO ASI camera SDK could not be loaded from "\/nonexistent/);
  assert.match(err.message, /option "library"/);
  assert.equal(cam.status().connected, false);
});

Deno.test("ZwoCamera: options are validated, and a wrong pick lists the cameras", async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ index: -1 }, /option index/],
    [{ id: 1.5 }, /option id/],
    [{ index: 0, name: "ASI" }, /index and name/],
    [{ library: 7 }, /option library/],
    [{ pollIntervalMs: 0 }, /option pollIntervalMs/],
    [{ exposureMs: 1 }, /no option exposureMs/],
  ];
  for (const [options, pattern] of bad) {
    assert.throws(
      () => new ZwoCamera(cameraContext(systemClock, options)),
      (e) => e instanceof RangeError && pattern.test(e.message),
    );
  }
  for (
    const [options, pattern] of [[{ id: 5 }, /no ASI camera with id 5; found #0 id 3/], [
      { index: 2 },
      /index 2 is out of range: the SDK sees 2/,
    ]] as const
  ) {
    const cam = await camera(options);
    await assert.rejects(() => cam.connect(), pattern);
    assert.equal(cam.status().connected, false);
  }
});
