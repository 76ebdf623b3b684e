/**
 * The flat panel contract suite, run by every cover/calibrator driver through its harness: the
 * cover opens, closes and halts with "moving" in between; the light reaches "ready" at the asked
 * brightness and goes "off"; out-of-range brightness is refused; a panel without a cover answers
 * 409. Cases that need a cover or a light return early on a panel without one.
 */
import assert from "node:assert/strict";
import type { FlatPanel } from "../../devices/flatpanel.ts";
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

export type FlatPanelHarness = ContractHarness<FlatPanel>;

const COVER_STATES = ["notPresent", "closed", "moving", "open", "unknown", "error"];
const CALIBRATOR_STATES = ["notPresent", "off", "notReady", "ready", "unknown", "error"];

export function flatPanelContractSuite(driverName: string, harness: FlatPanelHarness): void {
  const test = (
    name: string,
    body: (p: FlatPanel, timeoutMs: number) => Promise<void>,
    connect = true,
  ) => contractCase("flatpanel", driverName, harness, name, body, { connect });

  test(
    "connects and disconnects",
    (p, timeoutMs) => assertConnectCycle(p, "flatpanel", timeoutMs),
    false,
  );

  test("refuses commands while disconnected", async (p) => {
    await assertRejectsDisconnected(() => p.lightOff(), "lightOff");
    await assertRejectsDisconnected(() => p.closeCover(), "closeCover");
  }, false);

  test("capabilities agree with status", (p) => {
    const caps = p.capabilities;
    const s = p.status();
    assert.ok(COVER_STATES.includes(s.cover), `cover ${s.cover}`);
    assert.ok(CALIBRATOR_STATES.includes(s.calibrator), `calibrator ${s.calibrator}`);
    assert.equal(s.cover === "notPresent", !caps.hasCover, "cover presence");
    assert.equal(s.calibrator === "notPresent", !caps.hasLight, "light presence");
    if (caps.hasLight) assert.ok(Number.isInteger(caps.maxBrightness) && caps.maxBrightness >= 1);
    assert.ok(s.brightness >= 0 && s.brightness <= caps.maxBrightness, `${s.brightness}`);
    return Promise.resolve();
  });

  test("cover opens and closes, moving in between", async (p, timeoutMs) => {
    if (!p.capabilities.hasCover) return;
    await p.openCover();
    await waitFor(() => p.status().cover === "open", timeoutMs, "cover open");
    const { statuses, stop } = recordStatuses(p);
    try {
      await p.closeCover();
      await waitFor(() => p.status().cover === "closed", timeoutMs, "cover closed");
      assert.ok(statuses.some((s) => s.cover === "moving"), "no status with cover moving");
    } finally {
      stop();
    }
  });

  test("haltCover stops the cover", async (p, timeoutMs) => {
    if (!p.capabilities.hasCover) return;
    const from = p.status().cover;
    await (from === "open" ? p.closeCover() : p.openCover());
    await waitFor(() => p.status().cover === "moving", timeoutMs, "cover moving");
    await p.haltCover();
    await waitFor(() => p.status().cover !== "moving", timeoutMs, "cover stopped");
    assert.ok(["unknown", "open", "closed"].includes(p.status().cover), p.status().cover);
  });

  test("light reaches ready at the brightness, then goes off", async (p, timeoutMs) => {
    if (!p.capabilities.hasLight) return;
    const level = Math.max(1, Math.round(p.capabilities.maxBrightness / 2));
    await p.lightOn(level);
    assert.notEqual(p.status().calibrator, "off");
    await waitFor(() => p.status().calibrator === "ready", timeoutMs, "calibrator ready");
    assert.equal(p.status().brightness, level);
    await p.lightOff();
    await waitFor(() => p.status().calibrator === "off", timeoutMs, "calibrator off");
    assert.equal(p.status().brightness, 0);
  });

  test("rejects invalid brightness", async (p) => {
    if (!p.capabilities.hasLight) return;
    const max = p.capabilities.maxBrightness;
    for (const bad of [0, -1, max + 1, Number.NaN]) {
      await assertRejectsArgument(() => p.lightOn(bad), `lightOn(${bad})`);
    }
    assert.equal(p.status().brightness, 0);
  });

  test("a missing cover or light answers 409", async (p) => {
    if (!p.capabilities.hasCover) await assertRejectsStatus(() => p.openCover(), 409, "openCover");
    if (!p.capabilities.hasLight) await assertRejectsStatus(() => p.lightOn(1), 409, "lightOn");
  });

  test("onStatus fires when the light changes", async (p, timeoutMs) => {
    if (!p.capabilities.hasLight) return;
    const { statuses, stop } = recordStatuses(p);
    try {
      await p.lightOn(1);
      await waitFor(
        () => statuses.some((s) => s.calibrator === "ready" && s.brightness === 1),
        timeoutMs,
        "a status with the light ready",
      );
      await p.lightOff();
    } finally {
      stop();
    }
  });
}
