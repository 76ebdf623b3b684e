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
import { assert, assertEquals, assertThrows } from "../tests/_assert.ts";
import { parseTopics, WsHub } from "./ws.ts";
import type { WsHubOptions } from "./ws.ts";
import {
  alert,
  attachFake,
  exposeProgress,
  focuserStatus,
  frameReady,
  mountStatus,
  rig,
  sleep,
  SLOW_BYTES,
  test,
  waitUntil,
} from "./_ws_fixture.ts";

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
