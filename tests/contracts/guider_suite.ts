/**
 * The guider contract suite, run by every guider driver (the simulator, the PHD2 client) through
 * its harness. The harness supplies settle parameters its guider can meet quickly: PHD2 counts
 * whole seconds, a simulator can settle in a fraction of one. Cases: start → settled guiding
 * (through calibration when uncalibrated), dither → settling → guiding, stop, RMS in arcsec, bad
 * settle parameters refused, an AbortSignal honoured, a dither while stopped is a 409, and every
 * guide step reported to onGuideStep (numbered, with its error and pulses) and none after a stop.
 */
import assert from "node:assert/strict";
import {
  GUIDE_STATES,
  type Guider,
  type GuideStep,
  type SettleParams,
} from "../../devices/guider.ts";
import {
  assertConnectCycle,
  assertRejectsArgument,
  assertRejectsDisconnected,
  assertRejectsStatus,
  contractCase,
  type ContractHarness,
  recordStatuses,
  waitFor,
} from "./_wait.ts";

export interface GuiderHarness extends ContractHarness<Guider> {
  /** A settle this guider reaches well within the case budget. */
  settle: SettleParams;
  /** Dither amount, guide-camera pixels (default 3). */
  ditherPixels?: number;
}

export function guiderContractSuite(driverName: string, harness: GuiderHarness): void {
  const test = (
    name: string,
    body: (g: Guider, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("guider", driverName, harness, name, body, { connect });
  const settle = harness.settle;

  test(
    "connects and disconnects",
    (g, timeoutMs) => assertConnectCycle(g, "guider", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (g) => {
    await assertRejectsDisconnected(() => g.startGuiding(settle), "startGuiding");
    await assertRejectsDisconnected(() => g.stopGuiding(), "stopGuiding");
  }, false);

  test("capabilities and status are sane", (g) => {
    assert.equal(typeof g.capabilities.canDither, "boolean");
    assert.equal(typeof g.capabilities.canCalibrate, "boolean");
    const s = g.status();
    assert.ok((GUIDE_STATES as readonly string[]).includes(s.state), `state ${s.state}`);
    assert.ok(s.pixelScaleArcsec === null || s.pixelScaleArcsec > 0, "pixelScaleArcsec");
    return Promise.resolve();
  });

  test("startGuiding resolves settled, guiding on a star", async (g) => {
    const { statuses, stop } = recordStatuses(g);
    try {
      const wasCalibrated = g.status().calibrated;
      await g.startGuiding(settle);
      const s = g.status();
      assert.equal(s.state, "guiding");
      assert.equal(s.calibrated, true);
      assert.ok(s.star !== null && s.star.snr > 0, "no guide star");
      if (!wasCalibrated) {
        assert.ok(statuses.some((x) => x.state === "calibrating"), "never calibrating");
      }
    } finally {
      stop();
      await g.stopGuiding();
    }
  });

  test("RMS is reported in arcsec while guiding", async (g, timeoutMs) => {
    try {
      await g.startGuiding(settle);
      await waitFor(() => g.status().rmsTotalArcsec !== null, timeoutMs, "an RMS figure");
      const { rmsRaArcsec, rmsDecArcsec, rmsTotalArcsec } = g.status();
      assert.ok(rmsRaArcsec !== null && rmsRaArcsec >= 0, "rmsRaArcsec");
      assert.ok(rmsDecArcsec !== null && rmsDecArcsec >= 0, "rmsDecArcsec");
      const expected = Math.hypot(rmsRaArcsec, rmsDecArcsec);
      assert.ok(Math.abs((rmsTotalArcsec ?? NaN) - expected) < 0.01 + expected * 0.01, "total");
    } finally {
      await g.stopGuiding();
    }
  });

  test("dither settles and returns to guiding", async (g) => {
    if (!g.capabilities.canDither) return;
    try {
      await g.startGuiding(settle);
      const { statuses, stop } = recordStatuses(g);
      try {
        await g.dither(harness.ditherPixels ?? 3, settle);
      } finally {
        stop();
      }
      assert.equal(g.status().state, "guiding");
      assert.ok(statuses.some((s) => s.state === "settling"), "never settling");
    } finally {
      await g.stopGuiding();
    }
  });

  test("a dither while stopped is a 409", async (g) => {
    if (!g.capabilities.canDither) return;
    await g.stopGuiding();
    await assertRejectsStatus(() => g.dither(3, settle), 409, "dither while stopped");
  });

  test("stopGuiding stops", async (g, timeoutMs) => {
    await g.startGuiding(settle);
    await g.stopGuiding();
    await waitFor(() => g.status().state === "stopped", timeoutMs, "state stopped");
  });

  test("rejects invalid settle parameters and dither amounts", async (g) => {
    const bad: SettleParams[] = [
      { ...settle, pixels: 0 },
      { ...settle, pixels: -1 },
      { ...settle, timeS: Number.NaN },
      { ...settle, timeoutS: 0 },
    ];
    for (const params of bad) {
      await assertRejectsArgument(() => g.startGuiding(params), `settle ${JSON.stringify(params)}`);
    }
    assert.equal(g.status().state, "stopped");
    if (!g.capabilities.canDither) return;
    try {
      await g.startGuiding(settle);
      for (const pixels of [0, -2, Number.NaN]) {
        await assertRejectsArgument(() => g.dither(pixels, settle), `dither(${pixels})`);
      }
    } finally {
      await g.stopGuiding();
    }
  });

  test("an AbortSignal ends the wait with its reason", async (g) => {
    const reason = new Error("caller gave up");
    const pre = new AbortController();
    pre.abort(reason);
    await assert.rejects(() => g.startGuiding(settle, pre.signal), (e) => e === reason);
    const late = new AbortController();
    // A settle that cannot finish before the abort: it must hold for longer than we wait.
    const long = { ...settle, timeS: settle.timeS + 30, timeoutS: settle.timeoutS + 60 };
    try {
      const started = g.startGuiding(long, late.signal);
      setTimeout(() => late.abort(reason), 100);
      await assert.rejects(() => started, (e) => e === reason);
    } finally {
      await g.stopGuiding();
    }
  });

  test("onStatus fires while guiding", async (g, timeoutMs) => {
    const { statuses, stop } = recordStatuses(g);
    try {
      await g.startGuiding(settle);
      const seen = statuses.length;
      await waitFor(() => statuses.length > seen, timeoutMs, "a status after settling");
      assert.ok(statuses.some((s) => s.state === "guiding"), "no status with guiding");
    } finally {
      stop();
      await g.stopGuiding();
    }
  });

  test(
    "onGuideStep reports each guide step while guiding, and none once stopped",
    async (g, timeoutMs) => {
      const steps: GuideStep[] = [];
      const stop = g.onGuideStep((step) => steps.push(step));
      try {
        await g.startGuiding(settle);
        const seen = steps.length;
        await waitFor(
          () => steps.length >= seen + 3,
          timeoutMs,
          "three guide steps after settling",
        );
        for (const [i, step] of steps.entries()) {
          for (const key of ["raPx", "decPx", "dxPx", "dyPx", "sinceStartS"] as const) {
            assert.ok(Number.isFinite(step[key]), `step ${i}: ${key} ${step[key]}`);
          }
          assert.ok(
            Number.isInteger(step.frame) && step.frame > 0,
            `step ${i}: frame ${step.frame}`,
          );
          assert.ok(Math.abs(step.atMs - Date.now()) < 3_600_000, `step ${i}: atMs ${step.atMs}`);
          assert.ok(step.snr === null || step.snr > 0, `step ${i}: snr ${step.snr}`);
          if (step.raPulse) {
            assert.ok(step.raPulse.ms > 0 && ["east", "west"].includes(step.raPulse.direction));
          }
          if (step.decPulse) {
            assert.ok(step.decPulse.ms > 0 && ["north", "south"].includes(step.decPulse.direction));
          }
          if (i > 0) {
            assert.ok(step.frame > steps[i - 1]!.frame, `frames increase: ${step.frame}`);
            assert.ok(step.atMs >= steps[i - 1]!.atMs, "time increases");
          }
        }
        // The status' RMS is the RMS of these steps' errors (over the guider's window).
        assert.ok(steps.some((s) => s.raPx !== 0 || s.decPx !== 0), "errors are measured");
        await g.stopGuiding();
        await waitFor(() => g.status().state === "stopped", timeoutMs, "state stopped");
        const atStop = steps.length;
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(steps.length, atStop, "no guide step after stopping");
      } finally {
        stop();
        await g.stopGuiding();
      }
    },
  );
}
