/**
 * The fake PHD2 checked against phd2.md over a raw socket, so the driver's tests stand on a peer
 * that behaves like the real one: the connect catch-up, CRLF endings, JSON-RPC replies and error
 * codes, no reply without an id, batches, the 1024-byte request limit, and the settle sequence.
 */
import assert from "node:assert/strict";
import { waitFor } from "../contracts/_wait.ts";
import { FakePhd2Server } from "./phd2_server.ts";

type Json = Record<string, unknown>;

/** A bare client: raw text out, parsed lines in (asserting each ends with CRLF). */
async function rawClient(port: number) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const lines: Json[] = [];
  let text = "";
  const reading = (async () => {
    const buffer = new Uint8Array(8192);
    const decoder = new TextDecoder();
    try {
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) return;
        text += decoder.decode(buffer.subarray(0, n), { stream: true });
        let lf: number;
        while ((lf = text.indexOf("\n")) >= 0) {
          const line = text.slice(0, lf);
          text = text.slice(lf + 1);
          assert.ok(line.endsWith("\r"), `line without CRLF: ${line}`);
          lines.push(JSON.parse(line.slice(0, -1)));
        }
      }
    } catch {
      // closed
    }
  })();
  return {
    lines,
    send: (raw: string) => conn.write(new TextEncoder().encode(raw)),
    reply: async (id: unknown) => {
      await waitFor(
        () => lines.some((l) => l.id === id && l.jsonrpc === "2.0"),
        2000,
        `reply ${id}`,
      );
      return lines.find((l) => l.id === id && l.jsonrpc === "2.0") as Json;
    },
    close: async () => {
      conn.close();
      await reading;
    },
  };
}

Deno.test("fake PHD2: catch-up, replies and every documented error code", async () => {
  const server = new FakePhd2Server({ calibrated: true });
  const c = await rawClient(server.port);
  try {
    await waitFor(() => c.lines.some((l) => l.Event === "AppState"), 2000, "AppState");
    assert.deepEqual(c.lines.map((l) => l.Event), ["Version", "CalibrationComplete", "AppState"]);
    for (const ev of c.lines) {
      for (const key of ["Timestamp", "Host", "Inst"]) assert.ok(key in ev, `${ev.Event} ${key}`);
    }
    assert.equal(c.lines[0]?.MsgVersion, 1);
    assert.equal(c.lines[2]?.State, "Stopped");
    await c.send('{"method":"get_app_state","id":1}\n');
    assert.deepEqual(await c.reply(1), { jsonrpc: "2.0", result: "Stopped", id: 1 });
    await c.send('{"method":"get_pixel_scale","id":2}\r\n{"method":"nope","id":3}\n');
    assert.equal((await c.reply(2)).result, 1.5);
    assert.equal(((await c.reply(3)).error as Json).code, -32601);
    await c.send('{"method":"guide","params":[{"pixels":1,"time":2}],"id":4}\n');
    assert.deepEqual((await c.reply(4)).error, { code: -32602, message: "invalid settle params" });
    await c.send("{not json\n");
    await waitFor(() => c.lines.some((l) => (l.error as Json)?.code === -32700), 2000, "-32700");
    assert.equal(c.lines.find((l) => (l.error as Json)?.code === -32700)?.id, null);
    await c.send('{"params":[],"id":5}\n');
    await waitFor(() => c.lines.some((l) => (l.error as Json)?.code === -32600), 2000, "-32600");
    await c.send(`{"method":"get_paused","params":["${"x".repeat(1100)}"],"id":6}\n`);
    await waitFor(() => c.lines.some((l) => (l.error as Json)?.code === -32603), 2000, "-32603");
    // No id, no reply; a batch gets an array back.
    await c.send('{"method":"set_paused","params":[true]}\n');
    await c.send('[{"method":"get_paused","id":7},{"method":"get_connected","id":8}]\n');
    await waitFor(() => c.lines.some((l) => Array.isArray(l)), 2000, "batch reply");
    const batch = c.lines.find((l) => Array.isArray(l)) as unknown as Json[];
    assert.deepEqual(batch.map((r) => [r.id, r.result]), [[7, true], [8, true]]);
    assert.ok(c.lines.some((l) => l.Event === "Paused"));
    assert.equal(c.lines.filter((l) => l.jsonrpc && l.id === undefined).length, 0);
  } finally {
    await c.close();
    await server.close();
  }
});

Deno.test("fake PHD2: guide settles with SettleBegin, Settling…, one SettleDone; dither likewise", async () => {
  const server = new FakePhd2Server({ frameMs: 30, calibrated: false, calibrationSteps: 2 });
  const c = await rawClient(server.port);
  try {
    await c.send(
      '{"method":"dither","params":[3,false,{"pixels":1,"time":0,"timeout":5}],"id":1}\n',
    );
    assert.deepEqual((await c.reply(1)).error, { code: 1, message: "Dither error" });
    const settle = '{"pixels":1.5,"time":1,"timeout":10}';
    await c.send(`{"method":"guide","params":{"settle":${settle}},"id":2}\n`);
    assert.equal((await c.reply(2)).result, 0);
    await c.send(`{"method":"guide","params":[${settle}],"id":3}\n`);
    assert.equal(((await c.reply(3)).error as Json).code, 1);
    await waitFor(() => c.lines.some((l) => l.Event === "SettleDone"), 5000, "SettleDone");
    const names = c.lines.map((l) => l.Event).filter(Boolean);
    const order = ["StartCalibration", "Calibrating", "CalibrationComplete", "StartGuiding"];
    const at = order.map((n) => names.indexOf(n));
    assert.deepEqual([...at].sort((a, b) => a - b), at, names.join(","));
    assert.ok(names.indexOf("SettleBegin") > names.indexOf("StartGuiding"));
    assert.equal(c.lines.find((l) => l.Event === "SettleDone")?.Status, 0);
    const step = c.lines.find((l) => l.Event === "GuideStep") as Json;
    for (const key of ["Frame", "Time", "Mount", "dx", "dy", "RADistanceRaw", "DECDistanceRaw"]) {
      assert.ok(key in step, `GuideStep.${key}`);
    }
    await c.send(`{"method":"dither","params":[2,false,${settle}],"id":4}\n`);
    assert.equal((await c.reply(4)).result, 0);
    await waitFor(
      () => c.lines.filter((l) => l.Event === "SettleDone").length === 2,
      5000,
      "the dither's SettleDone",
    );
    assert.ok(c.lines.some((l) => l.Event === "GuidingDithered"));
    await c.send('{"method":"stop_capture","id":5}\n');
    await waitFor(() => c.lines.some((l) => l.Event === "GuidingStopped"), 2000, "stopped");
  } finally {
    await c.close();
    await server.close();
  }
});
