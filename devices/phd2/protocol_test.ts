/**
 * Phd2Guider against the fake PHD2 over loopback TCP, for what the contract suite does not reach:
 * events split across writes and bunched in one, settle failure carrying PHD2's text, a lost star
 * and its recovery, a dropped connection (onLost, then a reconnect that catches up), RMS checked
 * against the GuideSteps actually sent, PHD2's own refusal of a second guide, request timeouts,
 * whole-second settle rounding, and option validation.
 */
import assert from "node:assert/strict";
import { systemClock } from "../../lib/clock.ts";
import { AppError } from "../../lib/errors.ts";
import { type Logger, silentLogger } from "../../lib/log.ts";
import { contextFor, waitFor } from "../../tests/contracts/_wait.ts";
import { type FakePhd2Options, FakePhd2Server } from "../../tests/fakes/phd2_server.ts";
import type { GuideState } from "../guider.ts";
import { Phd2Guider, phd2Settle } from "./guider.ts";
import { Phd2Options } from "./options.ts";

const phd2Context = contextFor(Phd2Options);

const SETTLE = { pixels: 1.5, timeS: 1, timeoutS: 10 };

async function withPhd2(
  serverOptions: FakePhd2Options,
  body: (server: FakePhd2Server, guider: Phd2Guider, warnings: string[]) => Promise<void>,
  driverOptions: Record<string, unknown> = {},
): Promise<void> {
  const server = new FakePhd2Server({ frameMs: 40, calibrated: true, ...serverOptions });
  const warnings: string[] = [];
  const log: Logger = { ...silentLogger, warn: (message) => warnings.push(message) };
  const ctx = phd2Context(systemClock, {
    host: "127.0.0.1",
    port: server.port,
    ...driverOptions,
  });
  const guider = new Phd2Guider({ ...ctx, log });
  try {
    await body(server, guider, warnings);
  } finally {
    await guider.disconnect();
    await server.close();
  }
}

function recordStates(guider: Phd2Guider): GuideState[] {
  const states: GuideState[] = [];
  guider.onStatus((s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  return states;
}

Deno.test("phd2: events split across writes and several in one write are all applied", async () => {
  await withPhd2({}, async (server, guider) => {
    await guider.connect();
    const lockLine = JSON.stringify({ Event: "LockPositionSet", X: 100, Y: 200 });
    const stepLine = JSON.stringify({
      Event: "GuideStep",
      dx: 0.5,
      dy: -0.25,
      RADistanceRaw: 0.4,
      DECDistanceRaw: -0.3,
      SNR: 31.5,
    });
    // One line in three writes, the last carrying its CRLF and the next line whole.
    await server.sendRaw(lockLine.slice(0, 10));
    await server.sendRaw(lockLine.slice(10) + "\r");
    await server.sendRaw("\n" + stepLine + "\r\n");
    await waitFor(() => guider.status().star !== null, 2000, "the split events");
    assert.deepEqual(guider.status().star, { x: 100.5, y: 199.75, snr: 31.5 });
    assert.equal(guider.status().state, "guiding");
    const lost = JSON.stringify({ Event: "StarLost", Frame: 9, ErrorCode: 3 });
    await server.sendRaw(`${stepLine}\r\n${stepLine}\n${lost}\r\n`);
    await waitFor(() => guider.status().state === "lostLock", 2000, "lostLock after a bunch");
    assert.equal(guider.status().connected, true);
  });
});

Deno.test("phd2: a settle failure rejects with PHD2's Error text; guiding carries on", async () => {
  await withPhd2({}, async (server, guider) => {
    await guider.connect();
    const startMs = Date.now();
    await assert.rejects(
      () => guider.startGuiding({ pixels: 0.001, timeS: 1, timeoutS: 1 }),
      /PHD2 settle failed: timed-out waiting for guider to settle/,
    );
    // Ended by PHD2's 1 s settle timeout (ten times that allows for a busy machine).
    assert.ok(Date.now() - startMs < 10_000);
    const done = server.sent.filter((e) => e.Event === "SettleDone");
    assert.equal(done.length, 1);
    assert.equal(done[0]?.Status, 1);
    assert.equal(guider.status().state, "guiding");
  });
});

Deno.test("phd2: a lost star shows lostLock with no star, then guiding again", async () => {
  await withPhd2({}, async (server, guider) => {
    await guider.connect();
    await guider.startGuiding(SETTLE);
    const states = recordStates(guider);
    server.guiding.loseStar(3);
    await waitFor(() => states.includes("lostLock"), 2000, "lostLock");
    await waitFor(() => guider.status().state === "guiding", 2000, "guiding again");
    assert.deepEqual(states.slice(-2), ["lostLock", "guiding"]);
    assert.ok(guider.status().star !== null);
  });
});

Deno.test("phd2: a dropped connection fires onLost and fails the settle; reconnect catches up", async () => {
  await withPhd2({}, async (server, guider) => {
    await guider.connect();
    await guider.startGuiding(SETTLE);
    const lost: string[] = [];
    guider.onLost((reason) => lost.push(reason));
    const pending = guider.dither(2, { pixels: 0.001, timeS: 5, timeoutS: 30 });
    pending.catch(() => {});
    await waitFor(() => server.guiding.settling, 2000, "the dither settling");
    server.dropConnections();
    await assert.rejects(() => pending, /settle abandoned: PHD2 closed the connection/);
    await waitFor(() => lost.length === 1, 2000, "onLost");
    assert.equal(guider.status().connected, false);
    await assert.rejects(
      () => guider.stopGuiding(),
      (e) => e instanceof AppError && e.status === 503,
    );
    // PHD2 is still settling the dither, so the catch-up says guiding and calibrated.
    await guider.connect();
    assert.equal(guider.status().connected, true);
    assert.equal(guider.status().calibrated, true);
    assert.equal(server.clientCount, 1);
    await waitFor(() => guider.status().state === "settling", 2000, "settling after reconnect");
    await assert.rejects(
      () => guider.dither(1, SETTLE),
      (e) => e instanceof AppError && e.status === 409,
    );
    assert.equal(lost.length, 1, "a deliberate disconnect is not a loss");
  });
});

Deno.test("phd2: RMS equals the RMS of the GuideSteps sent, and is null without a pixel scale", async () => {
  await withPhd2({ pixelScaleArcsec: 2.25, noisePx: 0.3 }, async (server, guider) => {
    await guider.connect();
    await guider.startGuiding(SETTLE);
    await guider.stopGuiding();
    await waitFor(() => guider.status().state === "stopped", 2000, "stopped");
    const started = server.sent.findLastIndex((e) => e.Event === "StartGuiding");
    const steps = server.sent.slice(started).filter((e) => e.Event === "GuideStep").slice(-50);
    assert.ok(steps.length >= 5, `${steps.length} steps`);
    const rms = (key: string) =>
      Math.sqrt(steps.reduce((sum, e) => sum + (e[key] as number) ** 2, 0) / steps.length) * 2.25;
    const s = guider.status();
    assert.ok(
      Math.abs((s.rmsRaArcsec ?? NaN) - rms("RADistanceRaw")) < 0.001,
      `ra ${s.rmsRaArcsec}`,
    );
    assert.ok(Math.abs((s.rmsDecArcsec ?? NaN) - rms("DECDistanceRaw")) < 0.001, "dec");
    // The camera is rotated: using dx/dy instead of the raw RA/Dec distances would differ.
    assert.notEqual(rms("dx").toFixed(3), rms("RADistanceRaw").toFixed(3));
  });
  await withPhd2({ pixelScaleArcsec: null }, async (_server, guider, warnings) => {
    await guider.connect();
    await guider.startGuiding(SETTLE);
    const s = guider.status();
    assert.equal(s.pixelScaleArcsec, null);
    assert.equal(s.rmsTotalArcsec, null);
    assert.equal(warnings.filter((w) => /pixel scale/.test(w)).length, 1, warnings.join("; "));
  });
});

Deno.test("phd2: PHD2's refusal of a guide while busy is a 409 with its message", async () => {
  await withPhd2({ calibrated: false, calibrationSteps: 20 }, async (server, guider) => {
    const other = new Phd2Guider(
      phd2Context(systemClock, { host: "127.0.0.1", port: server.port }),
    );
    await guider.connect();
    await other.connect();
    try {
      const first = guider.startGuiding(SETTLE);
      first.catch(() => {});
      await waitFor(() => guider.status().state === "calibrating", 2000, "calibrating");
      // `other` sees no settle yet (still calibrating), so only PHD2 can refuse.
      await assert.rejects(
        () => other.startGuiding(SETTLE),
        (e) => e instanceof AppError && e.status === 409 && /Cannot initiate guide/.test(e.message),
      );
      await assert.rejects(() => guider.startGuiding(SETTLE), /settle is in progress/);
      await guider.stopGuiding();
      await assert.rejects(() => first, /guiding stopped|settle abandoned/);
    } finally {
      await other.disconnect();
    }
  });
});

Deno.test("phd2: a PHD2 that never answers fails the request with a timeout", async () => {
  await withPhd2({}, async (server, guider) => {
    server.answerRequests = false;
    await assert.rejects(() => guider.connect(), /did not answer get_pixel_scale within 200 ms/);
    assert.equal(guider.status().connected, false);
    server.answerRequests = true;
    await guider.connect();
    server.answerRequests = false;
    await assert.rejects(() => guider.stopGuiding(), /did not answer stop_capture within 200 ms/);
  }, { requestTimeoutSeconds: 0.2 });
});

Deno.test("phd2: an aborted wait leaves no settle behind; later commands work", async () => {
  await withPhd2({}, async (server, guider) => {
    await guider.connect();
    const abort = new AbortController();
    const started = guider.startGuiding(SETTLE, abort.signal);
    abort.abort(new Error("gave up"));
    await assert.rejects(() => started, /gave up/);
    // PHD2 finishes its settle on its own; once it has, the next command goes through.
    await waitFor(() => server.sent.some((e) => e.Event === "SettleDone"), 4000, "SettleDone");
    // …and once the guider has read it off the socket (it may lag the server under load).
    await waitFor(() => guider.status().state === "guiding", 4000, "guiding after SettleDone");
    await guider.dither(1, SETTLE);
    assert.equal(guider.status().state, "guiding");
  });
});

Deno.test("phd2: settle seconds go to PHD2 rounded up to whole seconds", async () => {
  assert.deepEqual(phd2Settle({ pixels: 0.8, timeS: 0.2, timeoutS: 9.01 }), {
    pixels: 0.8,
    time: 1,
    timeout: 10,
  });
  await withPhd2({}, async (server, guider) => {
    await guider.connect();
    await guider.startGuiding({ pixels: 1.5, timeS: 0.5, timeoutS: 7.5 });
    const guide = server.received.find((r) => r.method === "guide");
    assert.deepEqual(guide?.params, [{ pixels: 1.5, time: 1, timeout: 8 }, false]);
  });
});

Deno.test("phd2: options are validated and name the bad one", () => {
  const make = (options: Record<string, unknown>) =>
    new Phd2Guider(phd2Context(systemClock, options));
  assert.throws(() => make({ port: 70_000 }), /option port must be ≤ 65535/);
  assert.throws(() => make({ host: "" }), /option host/);
  assert.throws(() => make({ instance: 0 }), /option instance/);
  assert.throws(() => make({ hots: "x" }), /no option hots/);
  assert.equal(make({}).info.name, "PHD2 at localhost:4400");
  assert.equal(make({ instance: 3 }).info.name, "PHD2 at localhost:4402");
});
