/**
 * The WebSocket hub's delivery rules, proved against a fake socket whose backlog the test sets:
 * exact `{ type, ts, data }` messages in order, topic filtering, per-client coalescing of status
 * events while a client is slow, no silent loss of discrete events (4008 instead), the latest
 * status on connect, and a clean shutdown. One test runs the same hub over real loopback sockets.
 */
import { Hono } from "hono";
import { systemClock } from "../lib/clock.ts";
import { AppError } from "../lib/errors.ts";
import { EventBus } from "../core/event_bus.ts";
import type { EventPayload, WsEvent } from "../core/events.ts";
import { LogSink, silentLogger } from "../lib/log.ts";
import type { Logger } from "../lib/log.ts";
import { assert, assertEquals, assertThrows } from "../tests/_assert.ts";
import { parseTopics, TopicSet, WsHub } from "./ws.ts";
import type { ClientHandle, SocketLike, WsHubOptions } from "./ws.ts";

const OPEN = 1;
const CLOSED = 3;

/** A socket that records what it is sent; the test sets `bufferedAmount` to make it slow. */
class FakeSocket implements SocketLike {
  readyState = OPEN;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closed: { code: number | undefined; reason: string | undefined } | null = null;

  send(message: string): void {
    if (this.readyState !== OPEN) throw new Error("send on a socket that is not open");
    this.sent.push(message);
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = CLOSED;
  }

  get events(): WsEvent[] {
    return this.sent.map((m) => JSON.parse(m));
  }

  get types(): string[] {
    return this.events.map((e) => e.type);
  }

  /** The data of each message, untyped (control frames are not catalogue events). */
  get data(): unknown[] {
    return this.sent.map((m) => JSON.parse(m).data);
  }
}

/** Small values keep the tests fast; a slow client is one with more than 1 KiB unsent. */
const TEST_OPTIONS: WsHubOptions = {
  flushIntervalMs: 5,
  maxQueuedEvents: 50,
  slowBufferBytes: 1024,
};
const SLOW_BYTES = 1_000_000;

function rig(options: WsHubOptions = {}, log: Logger = silentLogger) {
  const bus = new EventBus({ clock: systemClock, validate: true });
  const hub = new WsHub(bus, log, { ...TEST_OPTIONS, ...options });
  return { bus, hub };
}

function attachFake(
  hub: WsHub,
  topics?: string,
): { socket: FakeSocket; detach: () => void; say: (message: unknown) => void } {
  const socket = new FakeSocket();
  const handle: ClientHandle = hub.attach(socket, TopicSet.fromQuery(topics));
  // Text as is, bytes as a binary frame, anything else as its JSON text.
  const say = (message: unknown) =>
    handle.receive(
      typeof message === "string" || message instanceof Uint8Array
        ? message
        : JSON.stringify(message),
    );
  return { socket, detach: handle.detach, say };
}

function mountStatus(raHours: number): EventPayload<"mount.status"> {
  return {
    connected: true,
    ra: raHours,
    dec: 41.27,
    alt: 62.5,
    az: 151.2,
    lst: 1.25,
    tracking: "sidereal",
    slewing: false,
    parked: false,
    at_home: false,
    pier_side: "west",
    time_to_flip_s: 7200,
    target: { ra: 0.712, dec: 41.27 },
  };
}

function exposeProgress(percent: number): EventPayload<"camera.expose_progress"> {
  return {
    frame_id: "frame-1",
    progress: percent / 100,
    percent,
    elapsed_s: percent,
    remaining_s: 100 - percent,
    state: "exposing",
  };
}

function focuserStatus(position: number): EventPayload<"focuser.status"> {
  return {
    connected: true,
    position,
    target_position: position,
    moving: false,
    temperature_c: 4.5,
    max_position: 50_000,
    max_increment: 50_000,
    step_size_um: 3.8,
  };
}

function alert(n: number): EventPayload<"alert"> {
  return { level: "info", source: "test", message: `alert ${n}` };
}

function frameReady(id: string): EventPayload<"camera.frame_ready"> {
  return {
    id,
    frame_number: 1,
    path: `frames/${id}.fits`,
    frame_type: "light",
    duration_s: 2,
    gain: 100,
    offset: 10,
    binning: 1,
    width: 640,
    height: 480,
    filter: null,
    object: "M31",
    started_at: "2026-01-01T22:00:00.000Z",
    sensor_temp_c: -10,
    bytes: 614_400,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    wcs: null,
  };
}

/**
 * Deno 2.9 runs tests with the op and resource sanitizers off unless asked; these tests rely on
 * them to fail on a flush interval or a socket that outlives the hub.
 */
function test(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name, sanitizeOps: true, sanitizeResources: true, fn });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs`. */
async function waitUntil(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(5);
  }
}

test("a fast client gets every event at once, in order, exactly { type, ts, data }", () => {
  const { bus, hub } = rig();
  const published: WsEvent[] = [];
  bus.subscribe((e) => published.push(e));
  const { socket } = attachFake(hub);
  try {
    for (let i = 0; i < 30; i++) {
      bus.publish("mount.status", mountStatus(i / 10));
      bus.publish("alert", alert(i));
      if (i % 10 === 0) bus.publish("camera.frame_ready", frameReady(`f${i}`));
      bus.publish("camera.expose_progress", exposeProgress(i));
    }
    // Delivered synchronously on publish: no flush tick is needed for a client that keeps up.
    assertEquals(socket.sent.length, published.length);
    for (const message of socket.events) {
      assertEquals(Object.keys(message).sort(), ["data", "ts", "type"]);
      assertEquals(typeof message.ts, "number");
    }
    // Deep strict equality: same order, same values, no extra keys at any level.
    assertEquals(socket.events, JSON.parse(JSON.stringify(published)));
    assertEquals(hub.sentCount, published.length);
  } finally {
    hub.close();
  }
});

test("parseTopics: patterns, whitespace, `*` and an empty list", () => {
  const mountOrAlert = parseTopics("mount.*,alert");
  assert(mountOrAlert("mount.status"));
  assert(mountOrAlert("alert"));
  assert(!mountOrAlert("camera.frame_ready"));
  assert(!mountOrAlert("camera.status"));

  const spaced = parseTopics(" camera.frame_ready , alert ,");
  assert(spaced("camera.frame_ready") && spaced("alert"));
  assert(!spaced("camera.expose_progress"));

  for (const all of [parseTopics("*"), parseTopics(undefined), parseTopics(""), parseTopics(" ")]) {
    assert(all("mount.status") && all("alert") && all("dome.shutter_changed"));
  }
});

test("parseTopics: an invalid pattern is a 400 naming query.topics", () => {
  for (const bad of ["mount..x", "nope.*", "nope", "Mount.status", "mount.*.x", "mount.status;x"]) {
    const err = assertThrows(() => parseTopics(bad), AppError, "query.topics") as AppError;
    assertEquals(err.status, 400, bad);
    assertEquals(err.code, "validation_failed", bad);
    assert(err.message.includes(bad), `the message names the pattern: ${err.message}`);
    assertEquals(
      (err.details as { issues: { field: string }[] }).issues.map((i) => i.field),
      ["query.topics"],
    );
  }
  // One bad pattern spoils the list: the client is told rather than silently half-subscribed.
  assertThrows(() => parseTopics("mount.*,nope.*"), AppError, "query.topics");
});

test("topic filtering: each client gets only the types it asked for", () => {
  const { bus, hub } = rig();
  const mountOrAlert = attachFake(hub, "mount.*,alert").socket;
  const star = attachFake(hub, "*").socket;
  const unfiltered = attachFake(hub).socket;
  const camera = attachFake(hub, "camera.*").socket;
  try {
    bus.publish("mount.status", mountStatus(1));
    bus.publish("camera.frame_ready", frameReady("f1"));
    bus.publish("alert", alert(1));
    bus.publish("camera.expose_progress", exposeProgress(10));

    assertEquals(mountOrAlert.types, ["mount.status", "alert"]);
    const all = ["mount.status", "camera.frame_ready", "alert", "camera.expose_progress"];
    assertEquals(star.types, all);
    assertEquals(unfiltered.types, all);
    assertEquals(camera.types, ["camera.frame_ready", "camera.expose_progress"]);
  } finally {
    hub.close();
  }
});

test("a slow client gets the latest of each status but every discrete event, discrete first", async () => {
  // 100 discrete events must queue without tripping the overflow, so the limit is exactly 100.
  const { bus, hub } = rig({ maxQueuedEvents: 100 });
  const fast = attachFake(hub).socket;
  const slow = attachFake(hub).socket;
  try {
    bus.publish("mount.status", mountStatus(0));
    assertEquals(slow.sent.length, 1, "delivered directly while the client keeps up");

    slow.bufferedAmount = SLOW_BYTES;
    for (let i = 1; i <= 100; i++) {
      bus.publish("mount.status", mountStatus(i));
      bus.publish("alert", alert(i));
      bus.publish("camera.expose_progress", exposeProgress(i));
    }
    // While the backlog stays high, flush ticks send nothing and the client stays connected.
    await sleep(40);
    assertEquals(slow.sent.length, 1);
    assertEquals(slow.closed, null);
    assertEquals(hub.clientCount, 2);
    assertEquals(fast.sent.length, 301, "coalescing is per client: the fast one got everything");

    slow.bufferedAmount = 0;
    await waitUntil(() => slow.sent.length >= 1 + 102, "the slow client to drain");
    await sleep(30); // a few more flush ticks: nothing else may arrive
    const drained = slow.events.slice(1);
    assertEquals(drained.length, 102, `got ${drained.map((e) => e.type).join(",")}`);

    const alerts = drained.slice(0, 100);
    assertEquals(
      alerts.map((e) => e.type === "alert" ? (e.data as EventPayload<"alert">).message : e.type),
      Array.from({ length: 100 }, (_, i) => `alert ${i + 1}`),
      "all 100 alerts, in order, before any coalesced status",
    );
    const statuses = drained.slice(100);
    assertEquals(statuses.map((e) => e.type).sort(), ["camera.expose_progress", "mount.status"]);
    const latestMount = statuses.find((e) => e.type === "mount.status")!;
    const latestProgress = statuses.find((e) => e.type === "camera.expose_progress")!;
    assertEquals(latestMount.data, mountStatus(100), "only the newest mount.status");
    assertEquals(latestProgress.data, exposeProgress(100), "only the newest expose_progress");

    // Drained: the next event goes straight out again.
    bus.publish("alert", alert(101));
    assertEquals(slow.sent.length, 1 + 102 + 1);
    assertEquals(slow.closed, null);
  } finally {
    hub.close();
  }
});

test("events published after the backlog clears but before the next flush wait their turn", async () => {
  const { bus, hub } = rig({ flushIntervalMs: 20 });
  const slow = attachFake(hub, "mount.*,alert").socket;
  try {
    slow.bufferedAmount = SLOW_BYTES;
    for (let i = 1; i <= 10; i++) bus.publish("alert", alert(i));
    bus.publish("mount.status", mountStatus(1));
    // The socket has caught up, but the queue has not been flushed yet: new events must queue
    // behind it rather than overtake it.
    slow.bufferedAmount = 0;
    bus.publish("alert", alert(11));
    bus.publish("mount.status", mountStatus(2));
    assertEquals(slow.sent.length, 0, "nothing overtakes the queue");

    await waitUntil(() => slow.sent.length >= 12, "the queue to flush");
    await sleep(50);
    assertEquals(
      slow.events.map((e) =>
        e.type === "alert" ? (e.data as EventPayload<"alert">).message : e.type
      ),
      [...Array.from({ length: 11 }, (_, i) => `alert ${i + 1}`), "mount.status"],
    );
    assertEquals(slow.events[11]!.data, mountStatus(2));
  } finally {
    hub.close();
  }
});

test("a slow client whose discrete queue passes maxQueuedEvents is closed with 4008 and removed", async () => {
  const logs = new LogSink({ consoleLevel: "silent" });
  const { bus, hub } = rig({ maxQueuedEvents: 50 }, logs.logger("ws"));
  const fast = attachFake(hub, "alert").socket;
  const slow = attachFake(hub).socket;
  try {
    slow.bufferedAmount = SLOW_BYTES;
    // Status events are coalesced, so any number of them never counts against the queue.
    for (let i = 0; i < 500; i++) bus.publish("mount.status", mountStatus(i / 100));
    for (let i = 1; i <= 50; i++) bus.publish("alert", alert(i));
    assertEquals(slow.closed, null, "50 queued is at the limit, not past it");
    assertEquals(hub.clientCount, 2);

    bus.publish("alert", alert(51));
    assertEquals(slow.closed?.code, 4008);
    assert((slow.closed?.reason ?? "").length > 0, "the close carries a reason");
    assert(
      new TextEncoder().encode(slow.closed!.reason!).length <= 123,
      "a close reason must fit in a control frame (123 bytes)",
    );
    assertEquals(hub.clientCount, 1);
    assert(logs.query({ minLevel: "warn" }).some((e) => e.message.includes("cannot keep up")));

    // Gone for good: even once drained it receives nothing more, and the other client is unharmed.
    slow.bufferedAmount = 0;
    bus.publish("alert", alert(52));
    await sleep(30);
    assertEquals(slow.sent.length, 0);
    assertEquals(fast.sent.length, 52);
  } finally {
    hub.close();
  }
});

test("a new client first gets the latest value of each status event it subscribed to", () => {
  const { bus, hub } = rig();
  try {
    bus.publish("mount.status", mountStatus(1));
    bus.publish("mount.status", mountStatus(2));
    bus.publish("focuser.status", focuserStatus(1200));
    bus.publish("focuser.status", focuserStatus(1250));
    bus.publish("alert", alert(1));
    bus.publish("camera.frame_ready", frameReady("f1"));
    // The progress of an exposure that may have ended is not replayed (replay: false).
    bus.publish("camera.expose_progress", exposeProgress(40));

    // Before any event of a type, there is nothing to replay; discrete events are never replayed.
    const mountOrAlert = attachFake(hub, "mount.*,alert").socket;
    assertEquals(mountOrAlert.types, ["mount.status"]);
    assertEquals(mountOrAlert.events[0]!.data, mountStatus(2));

    const all = attachFake(hub).socket;
    assertEquals(all.types.sort(), ["focuser.status", "mount.status"]);
    assertEquals(all.events.find((e) => e.type === "focuser.status")!.data, focuserStatus(1250));

    const dome = attachFake(hub, "dome.*").socket;
    assertEquals(dome.sent.length, 0);

    // After the replay, live events flow as usual.
    bus.publish("alert", alert(2));
    assertEquals(mountOrAlert.types, ["mount.status", "alert"]);
    assertEquals(dome.sent.length, 0);
  } finally {
    hub.close();
  }
});

test("close() closes every client with 1001 and stops the flush timer", async () => {
  const { bus, hub } = rig();
  const fast = attachFake(hub).socket;
  const slow = attachFake(hub).socket;
  slow.bufferedAmount = SLOW_BYTES;
  bus.publish("alert", alert(1));
  await sleep(20); // the flush timer is running

  hub.close();
  for (const socket of [fast, slow]) {
    assertEquals(socket.closed, { code: 1001, reason: "server shutting down" });
  }
  assertEquals(hub.clientCount, 0);
  // Unsubscribed from the bus: publishing afterwards reaches no one and throws nothing.
  const sentBefore = hub.sentCount;
  bus.publish("alert", alert(2));
  assertEquals(hub.sentCount, sentBefore);
  // The test sanitizer fails this test if the interval outlived close().
});

test("the flush timer stops by itself once the last client has gone", async () => {
  const { hub } = rig();
  const a = attachFake(hub);
  const b = attachFake(hub);
  await sleep(15);
  a.detach();
  b.detach();
  assertEquals(hub.clientCount, 0);
  await sleep(30);
  // No hub.close(): the test sanitizer fails this test if the interval is still scheduled.
});

async function burstOverRealSockets(options: WsHubOptions): Promise<void> {
  const CLIENTS = 20;
  const EVENTS = 200;
  const bus = new EventBus({ clock: systemClock, validate: true });
  const hub = new WsHub(bus, silentLogger, options);
  const app = new Hono();
  app.get("/ws", (c) => hub.upgrade(c));
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    app.fetch,
  );
  const url = `ws://127.0.0.1:${server.addr.port}/ws?topics=alert`;
  const sockets: WebSocket[] = [];
  const closed: Promise<void>[] = [];
  const received: string[][] = [];
  try {
    for (let i = 0; i < CLIENTS; i++) {
      const socket = new WebSocket(url);
      const messages: string[] = [];
      socket.onmessage = (m) => {
        const event = JSON.parse(m.data) as WsEvent<"alert">;
        messages.push(event.type === "alert" ? event.data.message : `unexpected ${event.type}`);
      };
      closed.push(new Promise((resolve) => socket.addEventListener("close", () => resolve())));
      sockets.push(socket);
      received.push(messages);
    }
    await waitUntil(
      () => sockets.every((s) => s.readyState === WebSocket.OPEN) && hub.clientCount === CLIENTS,
      `${CLIENTS} clients to connect`,
      5000,
    );

    for (let i = 0; i < EVENTS; i++) bus.publish("alert", alert(i));

    const expected = Array.from({ length: EVENTS }, (_, i) => `alert ${i}`);
    await waitUntil(
      () => received.every((m) => m.length >= EVENTS),
      `every client to receive ${EVENTS} alerts (got ${received.map((m) => m.length)})`,
      10_000,
    );
    await sleep(20);
    received.forEach((messages, i) => assertEquals(messages, expected, `client ${i}`));
    assertEquals(hub.clientCount, CLIENTS, "nobody was dropped");

    // A phone that hangs up is forgotten through upgrade()'s close handler.
    for (const socket of sockets.slice(0, 5)) socket.close();
    await waitUntil(() => hub.clientCount === CLIENTS - 5, "the hub to forget 5 closed clients");
  } finally {
    hub.close(); // 1001 to every client
    for (const socket of sockets) {
      if (socket.readyState === WebSocket.CONNECTING || socket.readyState === WebSocket.OPEN) {
        socket.close();
      }
    }
    await Promise.all(closed);
    await server.shutdown();
  }
}

test("real sockets: 20 clients each get all 200 alerts of a burst, in order", async () => {
  await burstOverRealSockets({});
});

test("real sockets: the same burst through the slow-client queue (256-byte threshold)", async () => {
  // A tiny threshold makes most of the burst wait in the per-client queue and go out on flush
  // ticks, so the queue path is exercised over real sockets too.
  await burstOverRealSockets({ slowBufferBytes: 256, flushIntervalMs: 5 });
});

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
