/**
 * The guard's promises, one by one: values pass through, reads are not wrapped, a driver's error
 * becomes the right AppError (and only device faults reach `onFault`), no command outlives its
 * deadline — and a command that takes a signal has it aborted then — while the caller's own abort
 * is never mistaken for a fault. Short deadlines come from shortening an entry of the DEADLINES
 * table for the one test; the real 10 s command deadline is exercised once, against the focuser
 * simulator's "hang" fault.
 */
import { ManualClock } from "../lib/clock.ts";
import { AppError, conflict, DeviceTimeoutError } from "../lib/errors.ts";
import { harnessContext } from "../tests/contracts/_wait.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../tests/_assert.ts";
import type { ExposureRequest } from "./camera.ts";
import type { DeviceKind } from "./device.ts";
import { guard } from "./guard.ts";
import { SimFocuser } from "./sim/focuser.ts";
import { COMMAND_TIMEOUT_MS, deadlineFor, DEADLINES } from "./timeouts.ts";

interface Fault {
  what: string;
  error: AppError;
}

/** A guard listener that records what it hears. */
function faultRecorder(): { faults: Fault[]; onFault: (what: string, error: AppError) => void } {
  const faults: Fault[] = [];
  return { faults, onFault: (what, error) => faults.push({ what, error }) };
}

/** A focuser-shaped object whose `moveTo` does whatever the test says. */
function fakeFocuser(moveTo: (position: number) => Promise<unknown>) {
  const info = { name: "Fake focuser", driver: "fake", description: "test", driverVersion: "0" };
  const capabilities = {
    maxPosition: 1000,
    maxIncrement: 1000,
    stepSizeUm: 4,
    hasTemperature: false,
  };
  return {
    kind: "focuser" as const,
    info,
    capabilities,
    status: () => ({ connected: true, position: 500 }),
    onStatus: (_listener: (status: unknown) => void) => () => {},
    moveTo,
  };
}

const EXPOSURE: ExposureRequest = {
  durationS: 5,
  gain: 100,
  offset: 10,
  binning: 1,
  frameType: "light",
};

/** A camera-shaped object whose `expose` only ends when its signal is aborted. */
function fakeCamera() {
  const seen: { signal: AbortSignal | undefined } = { signal: undefined };
  const camera = {
    kind: "camera" as const,
    expose(_request: ExposureRequest, signal?: AbortSignal): Promise<never> {
      seen.signal = signal;
      return new Promise((_, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    },
  };
  return { camera, seen };
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs `body` with `kind.method`'s deadline cut to `ms`, keeping the rest of its entry. */
async function withDeadlineMs<T>(
  kind: DeviceKind,
  method: string,
  ms: number,
  body: () => Promise<T>,
): Promise<T> {
  const table = DEADLINES[kind] ?? {};
  const hadTable = DEADLINES[kind] !== undefined;
  const saved = table[method];
  DEADLINES[kind] = { ...table, [method]: { ...saved, ms } };
  try {
    return await body();
  } finally {
    if (!hadTable) delete DEADLINES[kind];
    else if (saved === undefined) delete table[method];
    else DEADLINES[kind] = { ...table, [method]: saved };
  }
}

Deno.test("guard: a command that resolves passes its arguments in and its value out", async () => {
  const calls: number[] = [];
  const { faults, onFault } = faultRecorder();
  const guarded = guard(
    "focuser",
    fakeFocuser((p) => Promise.resolve(calls.push(p) * 42)),
    onFault,
  );
  assertEquals(await guarded.moveTo(700), 42);
  assertEquals(calls, [700]);
  assertEquals(faults, []);
});

Deno.test("guard: reads (status, capabilities, info, onStatus) are not wrapped", () => {
  const device = fakeFocuser(() => Promise.resolve());
  const { faults, onFault } = faultRecorder();
  const guarded = guard("focuser", device, onFault);
  // A wrapped read would come back as a Promise; these answer synchronously, as the contract says.
  assertEquals(guarded.status(), { connected: true, position: 500 });
  assert(guarded.info === device.info, "info is the driver's own object");
  assert(guarded.capabilities === device.capabilities, "capabilities is the driver's own object");
  assertEquals(guarded.kind, "focuser");
  const unsubscribe = guarded.onStatus(() => {});
  assertEquals(typeof unsubscribe, "function");
  // A failing read is not turned into a device fault either: it throws as the driver threw.
  const broken = guard("focuser", {
    ...device,
    status: (): never => {
      throw new Error("status broke");
    },
  }, onFault);
  assertThrows(() => broken.status(), Error, "status broke");
  assertEquals(faults, []);
});

Deno.test("guard: a plain Error becomes a 502 device_fault and is reported as kind.method", async () => {
  const { faults, onFault } = faultRecorder();
  const guarded = guard(
    "focuser",
    fakeFocuser(() => Promise.reject(new Error("motor stalled"))),
    onFault,
  );
  const err = await assertRejects(() => guarded.moveTo(1), AppError);
  assert(err instanceof AppError);
  assertEquals([err.status, err.code, err.message], [
    502,
    "device_fault",
    "focuser.moveTo failed: motor stalled",
  ]);
  assertEquals(faults.length, 1);
  assertEquals(faults[0]?.what, "focuser.moveTo");
  assert(faults[0]?.error === err, "onFault hears the same error the caller gets");
});

Deno.test("guard: a synchronous throw is still a rejected command, not a thrown call", async () => {
  const { faults, onFault } = faultRecorder();
  const guarded = guard(
    "focuser",
    fakeFocuser(() => {
      throw new Error("port closed");
    }),
    onFault,
  );
  const pending = guarded.moveTo(1);
  assert(pending instanceof Promise);
  const err = await assertRejects(() => pending, AppError, "port closed");
  assertEquals((err as AppError).status, 502);
  assertEquals(faults.map((f) => f.what), ["focuser.moveTo"]);
});

Deno.test("guard: RangeError and TypeError become 400 validation_failed, without onFault", async () => {
  const { faults, onFault } = faultRecorder();
  for (const thrown of [new RangeError("position 5000 > 1000"), new TypeError("not a number")]) {
    const guarded = guard("focuser", fakeFocuser(() => Promise.reject(thrown)), onFault);
    const err = await assertRejects(() => guarded.moveTo(5000), AppError);
    assert(err instanceof AppError);
    assertEquals([err.status, err.code, err.message], [400, "validation_failed", thrown.message]);
  }
  assertEquals(faults, []);
});

Deno.test("guard: an AppError (409) passes through unchanged, without onFault", async () => {
  const { faults, onFault } = faultRecorder();
  const thrown = conflict("the focuser is moving");
  const guarded = guard("focuser", fakeFocuser(() => Promise.reject(thrown)), onFault);
  const err = await assertRejects(() => guarded.moveTo(1));
  assert(err === thrown, `expected the driver's own 409, got ${err}`);
  assertEquals(faults, []);
});

Deno.test("guard: a hanging command fails with DeviceTimeoutError 504 at its deadline", async () => {
  const deadlineMs = 60;
  const { faults, onFault } = faultRecorder();
  const guarded = guard("focuser", fakeFocuser(() => new Promise(() => {})), onFault);
  await withDeadlineMs("focuser", "moveTo", deadlineMs, async () => {
    const startMs = performance.now();
    const err = await assertRejects(() => guarded.moveTo(1), DeviceTimeoutError);
    const elapsedMs = performance.now() - startMs;
    assert(err instanceof DeviceTimeoutError);
    assertEquals([err.status, err.code, err.message, err.details], [
      504,
      "device_timeout",
      "focuser.moveTo did not answer within 60 ms",
      { timeout_ms: deadlineMs },
    ]);
    // Timers may fire a hair early on some platforms; "late" means seconds, not milliseconds.
    assert(elapsedMs >= deadlineMs - 5, `timed out after ${elapsedMs} ms, before the deadline`);
    assert(elapsedMs < deadlineMs + 1000, `timed out only after ${elapsedMs} ms`);
    assertEquals(faults.length, 1);
    assertEquals(faults[0]?.what, "focuser.moveTo");
    assert(faults[0]?.error === err);
  });
});

Deno.test("guard: camera.expose's signal is aborted when its deadline passes", async () => {
  const { faults, onFault } = faultRecorder();
  const { camera, seen } = fakeCamera();
  const guarded = guard("camera", camera, onFault);
  const caller = new AbortController();
  await withDeadlineMs("camera", "expose", 50, async () => {
    const pending = guarded.expose(EXPOSURE, caller.signal);
    const settled = pending.catch((err: unknown) => err);
    await tick(); // the guard calls the driver on the next microtask
    const driverSignal = seen.signal;
    assert(driverSignal !== undefined, "the driver receives a signal");
    assert(driverSignal !== caller.signal, "the driver's signal also carries the deadline");
    assertEquals(driverSignal.aborted, false);
    const err = await assertRejects(async () => {
      throw await settled;
    }, DeviceTimeoutError);
    assertEquals((err as AppError).status, 504);
    assertEquals(driverSignal.aborted, true);
    assert(driverSignal.reason instanceof DeviceTimeoutError, "aborted with the timeout as reason");
    assertEquals(caller.signal.aborted, false, "the caller's own signal is left alone");
    assertEquals(faults.map((f) => f.what), ["camera.expose"]);
  });
});

Deno.test("guard: camera.expose gets a deadline signal even when the caller passes none", async () => {
  const { onFault } = faultRecorder();
  const { camera, seen } = fakeCamera();
  const guarded = guard("camera", camera, onFault);
  await withDeadlineMs("camera", "expose", 30, async () => {
    await assertRejects(() => guarded.expose(EXPOSURE), DeviceTimeoutError);
    assertEquals(seen.signal?.aborted, true);
  });
});

Deno.test("guard: the caller's own abort is passed through as-is, not as a fault", async () => {
  // The real expose deadline (5 s + 60 s download) stays in force: the sanitizer proves its
  // timer is cleared when the caller's abort ends the command first.
  const { faults, onFault } = faultRecorder();
  const { camera, seen } = fakeCamera();
  const guarded = guard("camera", camera, onFault);
  const caller = new AbortController();
  const pending = guarded.expose(EXPOSURE, caller.signal);
  const settled = pending.catch((err: unknown) => err);
  await tick(); // the exposure is under way
  const reason = new DOMException("stopped by the user", "AbortError");
  caller.abort(reason);
  const err = await settled;
  assert(err === reason, `expected the caller's reason, got ${err}`);
  assertEquals(seen.signal?.aborted, true, "the caller's abort reaches the driver");
  assertEquals(faults, []);
});

Deno.test("guard: a caller's signal that is already aborted is passed through too", async () => {
  const { faults, onFault } = faultRecorder();
  const { camera } = fakeCamera();
  const guarded = guard("camera", camera, onFault);
  const reason = new DOMException("cancelled before it started", "AbortError");
  const err = await assertRejects(() => guarded.expose(EXPOSURE, AbortSignal.abort(reason)));
  assert(err === reason, `expected the caller's reason, got ${err}`);
  assertEquals(faults, []);
});

Deno.test("guard: the deadline table covers what the contracts document", () => {
  assertEquals(deadlineFor("focuser", "moveTo").ms, COMMAND_TIMEOUT_MS);
  assertEquals(deadlineFor("focuser", "connect"), { ms: 20_000, signalArg: 0 });
  assertEquals(deadlineFor("focuser", "disconnect"), { ms: 5_000 });
  const expose = deadlineFor("camera", "expose");
  assertEquals(expose.signalArg, 1);
  assert(typeof expose.ms === "function");
  // Exposure time plus the download allowance.
  assertEquals(expose.ms([EXPOSURE]), 65_000);
});

Deno.test({
  name: "guard: a simulator's 'hang' fault times out at the real 10 s command deadline",
  async fn() {
    const device = new SimFocuser(harnessContext(new ManualClock()));
    await device.connect();
    const { faults, onFault } = faultRecorder();
    try {
      device.faults.set("moveTo", "hang");
      const guarded = guard("focuser", device, onFault);
      const startMs = performance.now();
      const err = await assertRejects(() => guarded.moveTo(25100), DeviceTimeoutError);
      const elapsedMs = performance.now() - startMs;
      assertEquals(err.message, "focuser.moveTo did not answer within 10 s");
      assert(elapsedMs >= COMMAND_TIMEOUT_MS - 50, `gave up after ${elapsedMs} ms`);
      // Not the 65 s exposure deadline or any other: well under twice the 10 s one.
      assert(elapsedMs < 2 * COMMAND_TIMEOUT_MS, `gave up only after ${elapsedMs} ms`);
      assertEquals(faults.map((f) => [f.what, f.error.status]), [["focuser.moveTo", 504]]);
      // The device is still there to read, and answers again once the fault is gone.
      assertEquals(guarded.status().connected, true);
      device.faults.set("moveTo", null);
      await guarded.moveTo(25100);
    } finally {
      device.faults.clear();
      await device.disconnect();
    }
  },
});

/** A camera whose `expose` ignores its signal and ends only when the test settles it. */
function stubbornCamera() {
  let state: "idle" | "exposing" | "downloading" = "idle";
  const calls: { request: ExposureRequest; resolve(frame: string): void }[] = [];
  const camera = {
    kind: "camera" as const,
    status: () => ({
      connected: true,
      exposure: { state, progress: 0, remainingS: 0, request: null },
      cooler: { enabled: false, powerPct: 0, tempC: null, targetC: null },
    }),
    onStatus: (_listener: (status: unknown) => void) => () => {},
    expose(request: ExposureRequest, _signal?: AbortSignal): Promise<string> {
      const { promise, resolve } = Promise.withResolvers<string>();
      calls.push({ request, resolve });
      return promise;
    },
  };
  return { camera, calls, setState: (s: typeof state) => state = s };
}

Deno.test("guard: an abort answers at once though the driver hangs on; its late frame is dropped", async () => {
  const { onFault, faults } = faultRecorder();
  const { camera, calls, setState } = stubbornCamera();
  const late: [string, string][] = [];
  const guarded = guard("camera", camera, onFault, {
    onAbandonedSettled: (what, outcome) => late.push([what, outcome]),
  });
  const first = new AbortController();
  const pending = guarded.expose(EXPOSURE, first.signal).catch((err: unknown) => err);
  // Accepted, not yet begun by the device: the camera reads as taken.
  assertEquals(guarded.status().exposure.state, "exposing");
  assertEquals(guarded.status().exposure.request, EXPOSURE);
  await tick();
  setState("downloading");
  assertEquals(guarded.status().exposure.state, "downloading");
  const reason = new DOMException("stopped by the user", "AbortError");
  first.abort(reason);
  assert((await pending) === reason, "the caller is answered with its reason at once");
  assertEquals(calls.length, 1);
  assertEquals(guarded.status().exposure.state, "idle", "the device is free for the next call");

  // The device still downloads the abandoned frame: the next exposure waits for it.
  const second = { ...EXPOSURE, durationS: 2, binning: 2 };
  const next = guarded.expose(second);
  for (let i = 0; i < 5; i++) await tick();
  assertEquals(calls.length, 1, "not handed to the driver while it is busy with the old call");
  assertEquals(guarded.status().exposure.state, "exposing");
  assertEquals(guarded.status().exposure.request, second);
  calls[0]!.resolve("the abandoned frame");
  setState("idle");
  while (calls.length < 2) await tick();
  assertEquals(calls[1]!.request, second);
  calls[1]!.resolve("the new frame");
  assertEquals(await next, "the new frame");
  assertEquals(late, [["camera.expose", "resolved"]]);
  assertEquals(faults, []);
});

Deno.test("guard: an abandoned call that never ends does not hold an idle device", async () => {
  const { onFault } = faultRecorder();
  const { camera, calls } = stubbornCamera();
  const guarded = guard("camera", camera, onFault);
  const first = new AbortController();
  const pending = guarded.expose(EXPOSURE, first.signal).catch(() => {});
  await tick();
  first.abort();
  await pending;
  // The driver never settles the first call but says it is idle: the next goes straight on.
  const next = guarded.expose(EXPOSURE);
  while (calls.length < 2) await tick();
  calls[1]!.resolve("frame");
  assertEquals(await next, "frame");
});
