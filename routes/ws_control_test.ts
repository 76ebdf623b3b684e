/**
 * The WebSocket's client → server protocol: subscribe and unsubscribe on an open socket (acked
 * with the whole set, replaying what is added), ping, ws.error frames for anything else with the
 * socket left open, control frames queued behind a slow client's events, and the same over a
 * real loopback socket.
 */
import { Hono } from "hono";
import { systemClock } from "../lib/clock.ts";
import { EventBus } from "../core/event_bus.ts";
import { silentLogger } from "../lib/log.ts";
import { assert, assertEquals } from "../tests/_assert.ts";
import { WsHub } from "./ws.ts";
import {
  alert,
  attachFake,
  exposeProgress,
  FakeSocket,
  focuserStatus,
  mountStatus,
  rig,
  SLOW_BYTES,
  test,
  TEST_OPTIONS,
  waitUntil,
} from "./_ws_fixture.ts";

// The client → server protocol: subscribe, unsubscribe, ping, and error frames for the rest.

/** The control frames a socket got, `{ type, data }` without the timestamp. */
function controls(socket: FakeSocket) {
  return socket.events.filter((e) => e.type.startsWith("ws.")).map((e) => {
    assertEquals(typeof e.ts, "number");
    return { type: e.type as string, data: e.data as Record<string, unknown> };
  });
}

test("subscribe adds topics on the same socket, acks with the whole set, replays what it adds", () => {
  const { bus, hub } = rig();
  try {
    bus.publish("mount.status", mountStatus(1));
    bus.publish("focuser.status", focuserStatus(1200));
    const { socket, say } = attachFake(hub, "alert");
    assertEquals(socket.sent.length, 0, "nothing replayed for alert");

    say({ op: "subscribe", topics: ["focuser.*", "mount.status"], id: 7 });
    assertEquals(controls(socket), [{
      type: "ws.ack",
      data: { id: 7, op: "subscribe", topics: ["alert", "focuser.*", "mount.status"] },
    }]);
    // The ack first, then the latest of each status event the new patterns match.
    assertEquals(socket.types[0], "ws.ack");
    assertEquals(socket.types.slice(1).sort(), ["focuser.status", "mount.status"]);
    assertEquals(socket.events.find((e) => e.type === "focuser.status")?.data, focuserStatus(1200));

    // A pattern already held adds nothing and replays nothing again.
    say({ op: "subscribe", topics: ["mount.*"] });
    assertEquals(socket.types.slice(3), ["ws.ack"], "mount.status was already matched");
    assertEquals(socket.data[3], {
      id: null,
      op: "subscribe",
      topics: ["alert", "focuser.*", "mount.status", "mount.*"],
    });

    bus.publish("mount.status", mountStatus(2));
    bus.publish("camera.expose_progress", exposeProgress(5));
    assertEquals(socket.types.slice(4), ["mount.status"]);
  } finally {
    hub.close();
  }
});

test("unsubscribe removes patterns exactly as given; an empty set gets control frames only", () => {
  const { bus, hub } = rig();
  try {
    const { socket, say } = attachFake(hub, "mount.*,alert");
    say({ op: "unsubscribe", topics: ["mount.*", "dome.*"], id: "u1" });
    assertEquals(controls(socket), [{
      type: "ws.ack",
      data: { id: "u1", op: "unsubscribe", topics: ["alert"] },
    }]);
    bus.publish("mount.status", mountStatus(1));
    bus.publish("alert", alert(1));
    assertEquals(socket.types, ["ws.ack", "alert"]);

    say({ op: "unsubscribe", topics: ["alert"] });
    bus.publish("alert", alert(2));
    say({ op: "ping", id: "p" });
    assertEquals(socket.types, ["ws.ack", "alert", "ws.ack", "ws.pong"]);
    assertEquals(socket.data[2], { id: null, op: "unsubscribe", topics: [] });
    assertEquals(socket.data[3], { id: "p" });

    // A socket opened without ?topics= holds "*", which unsubscribe takes like any pattern.
    const all = attachFake(hub);
    const replayed = all.socket.sent.length;
    all.say({ op: "unsubscribe", topics: ["*"] });
    bus.publish("alert", alert(3));
    assertEquals(all.socket.types.slice(replayed), ["ws.ack"]);
  } finally {
    hub.close();
  }
});

test("a bad message gets a ws.error frame naming why, the socket stays open and unchanged", () => {
  const { bus, hub } = rig();
  try {
    const { socket, say } = attachFake(hub, "alert");
    const cases: [unknown, string, RegExp][] = [
      ["not json", "bad_message", /^not JSON \(.+\); send e\.g\. \{"op":"subscribe"/],
      [new Uint8Array([1, 2]), "bad_message", /JSON text frames, not binary/],
      [`{"op":"subscribe","topics":["${"a".repeat(5000)}"]}`, "bad_message", /at most 4096 bytes/],
      [{ op: "dance", id: 1 }, "validation_failed", /^op: /],
      [{ op: "subscribe", id: 2 }, "validation_failed", /^topics: /],
      [{ op: "subscribe", topics: [] }, "validation_failed", /^topics: /],
      [{ op: "subscribe", topics: ["alert"], extra: 1 }, "validation_failed", /extra/],
      [
        { op: "subscribe", topics: ["mount.*", "nope.*"], id: 3 },
        "validation_failed",
        /^topics\.1: "nope\.\*" matches no event type$/,
      ],
      [
        { op: "subscribe", topics: ["Mount"] },
        "validation_failed",
        /^topics\.0: "Mount" is not a topic pattern/,
      ],
      [[1, 2], "validation_failed", /^message: /],
      [null, "validation_failed", /^message: /],
    ];
    for (const [message, code, pattern] of cases) {
      const before = socket.sent.length;
      say(message);
      assertEquals(socket.sent.length, before + 1, `one answer to ${JSON.stringify(message)}`);
      const frame = socket.events.at(-1)!;
      assertEquals(frame.type, "ws.error" as string);
      const data = frame.data as unknown as { code: string; message: string; id: unknown };
      assertEquals(data.code, code, data.message);
      assert(pattern.test(data.message), `${data.message} ~ ${pattern}`);
    }
    // The request id is echoed when the message had a usable one.
    const ids = socket.events.map((e) => (e.data as unknown as { id: unknown }).id);
    assertEquals(ids, [null, null, null, 1, 2, null, null, 3, null, null, null]);
    // A validation failure lists its issues by field.
    const bad = socket.data[7] as unknown as { details: { issues: unknown[] } };
    assertEquals(bad.details.issues, [{
      field: "topics.1",
      reason: '"nope.*" matches no event type',
    }]);
    assertEquals(socket.closed, null);
    // All or nothing: "mount.*" of the refused subscribe was not added.
    bus.publish("mount.status", mountStatus(1));
    bus.publish("alert", alert(1));
    assertEquals(socket.types.at(-1), "alert");
    assertEquals(socket.types.filter((t) => t === "mount.status"), []);
  } finally {
    hub.close();
  }
});

test("control frames of a slow client wait their turn behind its queued events", async () => {
  const { bus, hub } = rig();
  try {
    const { socket, say } = attachFake(hub, "alert");
    socket.bufferedAmount = SLOW_BYTES;
    bus.publish("alert", alert(1));
    say({ op: "ping", id: 1 });
    bus.publish("alert", alert(2));
    assertEquals(socket.sent.length, 0);
    socket.bufferedAmount = 0;
    await waitUntil(() => socket.sent.length >= 3, "the queue to flush");
    assertEquals(socket.types, ["alert", "ws.pong", "alert"]);
  } finally {
    hub.close();
  }
});

test("real socket: ?topics= at connect, then subscribe, ping and a bad message on the same socket", async () => {
  const bus = new EventBus({ clock: systemClock, validate: true });
  const hub = new WsHub(bus, silentLogger, TEST_OPTIONS);
  const app = new Hono();
  app.get("/ws", (c) => hub.upgrade(c));
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const socket = new WebSocket(`ws://127.0.0.1:${server.addr.port}/ws?topics=alert`);
  const got: { type: string; data: Record<string, unknown> }[] = [];
  socket.onmessage = (m) => got.push(JSON.parse(m.data));
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
  try {
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    await waitUntil(() => hub.clientCount === 1, "the hub to attach the client");
    bus.publish("focuser.status", focuserStatus(1300));
    bus.publish("alert", alert(1));
    socket.send(JSON.stringify({ op: "subscribe", topics: ["focuser.*"], id: "s" }));
    await waitUntil(() => got.length >= 3, "the ack and the replay");
    socket.send("{oops");
    socket.send(JSON.stringify({ op: "ping", id: 9 }));
    await waitUntil(() => got.length >= 5, "the error and the pong");
    bus.publish("focuser.status", focuserStatus(1400));
    await waitUntil(() => got.length >= 6, "a live focuser.status");
    assertEquals(got.map((e) => e.type), [
      "alert",
      "ws.ack",
      "focuser.status",
      "ws.error",
      "ws.pong",
      "focuser.status",
    ]);
    assertEquals(got[1]!.data, { id: "s", op: "subscribe", topics: ["alert", "focuser.*"] });
    assertEquals(got[3]!.data.code, "bad_message");
    assertEquals(got[4]!.data, { id: 9 });
    assertEquals(socket.readyState, WebSocket.OPEN);
  } finally {
    hub.close();
    const event = await closed;
    assertEquals(event.code, 1001);
    await server.shutdown();
  }
});
