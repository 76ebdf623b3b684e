/**
 * Fault tests against a real indiserver: killed mid-exposure, the camera driver fails the
 * exposure with an error and reports the loss; started again, a reconnect and a new exposure
 * work. Also: bad options are refused by name, and an absent device is named on connect.
 */
import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { contextFor } from "../../tests/contracts/_wait.ts";
import { IndiOptions } from "./options.ts";

const indiContext = contextFor(IndiOptions);
import { indiFixture, stopFixtureTest } from "../../tests/indi/harness.ts";
import { guard } from "../guard.ts";
import { IndiCamera } from "./camera.ts";
import { IndiFocuser } from "./focuser.ts";

const fixture = await indiFixture(["indi_simulator_ccd"]);
const ignore = fixture.server === null;
// 30 s: an exposure that outlived the kill would end only then, far from any busy machine's delay.
const request = { durationS: 30, gain: 0, offset: 0, binning: 1, frameType: "light" } as const;

Deno.test({
  name: "indi fault: indiserver killed mid-exposure → rejection and onLost; restart → reconnect",
  ignore,
  async fn() {
    const camera = new IndiCamera(fixture.context("CCD Simulator"));
    const lost: string[] = [];
    camera.onLost((reason) => lost.push(reason));
    await camera.connect();
    try {
      const pending = camera.expose(request);
      pending.catch(() => {});
      while (camera.status().exposure.state !== "exposing") await delay(20);
      await delay(300);
      const killedAtMs = Date.now();
      await fixture.server!.kill();
      await assert.rejects(pending, /closed the connection|failed/);
      assert.ok(Date.now() - killedAtMs < 10_000, "the exposure failed with the server, not later");
      assert.equal(lost.length, 1, "onLost fired once");
      assert.equal(camera.status().connected, false);
      assert.equal(camera.status().exposure.state, "idle");
      await assert.rejects(() => camera.expose({ ...request, durationS: 0.1 }), /not connected/);
      await fixture.server!.restart();
      await camera.connect();
      const frame = await camera.expose({ ...request, durationS: 0.1 });
      assert.equal(frame.pixels.length, frame.widthPx * frame.heightPx);
    } finally {
      await camera.disconnect();
    }
  },
});

Deno.test({
  name: "indi: an exposure aborted as it ends is answered at once; the next frame is the next one",
  ignore,
  async fn() {
    const camera = guard("camera", new IndiCamera(fixture.context("CCD Simulator")), () => {});
    await camera.connect();
    try {
      for (let round = 0; round < 3; round++) {
        const caller = new AbortController();
        const first = camera.expose({ ...request, durationS: 0.3 }, caller.signal)
          .catch((err: unknown) => err);
        // Abort just as the shutter closes, when the driver is sending the frame.
        while (camera.status().exposure.state !== "downloading") await delay(5);
        caller.abort(new Error("stopped"));
        assert.match(String(await first), /stopped/);
        assert.equal(camera.status().exposure.state, "idle");
        const binned = await camera.expose({ ...request, durationS: 0.2, binning: 2 });
        const full = camera.capabilities;
        assert.deepEqual(
          [binned.widthPx, binned.heightPx],
          [Math.floor(full.widthPx / 2), Math.floor(full.heightPx / 2)],
          `round ${round}: the binned frame, not the aborted full one`,
        );
      }
    } finally {
      await camera.disconnect();
    }
  },
});

Deno.test({
  name: "indi: a device the server lacks is named on connect",
  ignore,
  async fn() {
    const focuser = new IndiFocuser(fixture.context("No Such Focuser"));
    await assert.rejects(
      () => focuser.connect(),
      /indiserver at 127\.0\.0\.1:\d+ has no device "No Such Focuser"/,
    );
    assert.equal(focuser.status().connected, false);
  },
});

Deno.test("indi: options are validated by name", () => {
  const ctx = (options: Record<string, unknown>) => indiContext(systemClock, options);
  assert.throws(() => new IndiFocuser(ctx({})), /option device is required/);
  assert.throws(() => new IndiFocuser(ctx({ device: "F", port: 0 })), /option port must be ≥ 1/);
  assert.throws(() => new IndiFocuser(ctx({ device: "F", port: 7625.5 })), /option port/);
  assert.throws(() => new IndiFocuser(ctx({ device: "F", host: "" })), /option host/);
  assert.throws(() => new IndiFocuser(ctx({ device: "F", speed: 3 })), /no option speed/);
  const focuser = new IndiFocuser(ctx({ device: "F" }));
  assert.match(focuser.info.description, /127\.0\.0\.1:7625/);
  assert.equal(focuser.info.driver, "indi");
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

stopFixtureTest(fixture);
