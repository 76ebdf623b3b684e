/**
 * The event socket at /ws. Every event is `{ type, ts, data }` exactly. `?topics=mount.*,alert`
 * sets what a client gets at connect; afterwards it changes its topics on the same socket with
 * `{"op":"subscribe","topics":[…]}` and `{"op":"unsubscribe","topics":[…]}`, and checks the link
 * with `{"op":"ping"}` (core/schemas/ws.ts). Each is answered with a control frame of the same
 * shape (`ws.ack`, `ws.pong`); a message that is not JSON, not one of these, or names a bad
 * pattern gets a `ws.error` frame saying why, and the socket stays open. A newly connected client
 * first gets the latest value of each status event it asked for, and a subscribe sends the
 * latest of each status event it newly matches, so a phone waking from sleep or opening a new
 * screen draws the rig at once.
 *
 * Back-pressure: while a client's socket has unsent data above a threshold, its status events are
 * coalesced (only the newest of each type is kept) and its discrete events and control frames are
 * queued. Discrete events are never dropped silently: a client whose queue overflows is closed
 * with code 4008 and a reason, so it knows to reconnect and re-read the state. Deno pings idle
 * clients and closes those that stop answering pongs (`idleTimeout`), so dead phones do not pile
 * up.
 *
 * `upgrade()` owns the HTTP side; everything per client happens in `attach()`, which needs only a
 * `SocketLike`, so tests drive the delivery rules and the protocol with a fake socket whose
 * backlog they control.
 */
import type { Context } from "hono";
import { AppError, badRequest } from "../lib/errors.ts";
import type { EventBus } from "../core/event_bus.ts";
import { isReplayed, isStatusEvent } from "../core/events.ts";
import type { EventType, WsEvent } from "../core/events.ts";
import { MAX_WS_MESSAGE_BYTES, WsClientMessage } from "../core/schemas/ws.ts";
import type { WsControlFrame, WsControlType } from "../core/schemas/ws.ts";
import type { Logger } from "../lib/log.ts";
import { systemClock } from "../lib/clock.ts";
import { parseTopics, TopicSet } from "./ws_topics.ts";

export { parseTopics, TopicSet };

export interface WsHubOptions {
  /** Seconds without a pong before Deno closes the socket. */
  idleTimeoutS?: number;
  /** Unsent bytes above which a client counts as slow. */
  slowBufferBytes?: number;
  /** Discrete events queued for a slow client before it is disconnected. */
  maxQueuedEvents?: number;
  /** How often queued events are retried for slow clients. */
  flushIntervalMs?: number;
}

/** The part of a WebSocket the hub uses; a real `WebSocket` is one. */
export interface SocketLike {
  /** `WebSocket.OPEN` (1) while messages can be sent. */
  readonly readyState: number;
  /** Bytes handed to `send` and not yet written out. */
  readonly bufferedAmount: number;
  send(message: string): void;
  close(code?: number, reason?: string): void;
}

interface Client {
  socket: SocketLike;
  topics: TopicSet;
  pendingStatus: Map<EventType, string>;
  queue: string[];
}

/** What `attach` gives back: feed it the client's messages, and forget the client when done. */
export interface ClientHandle {
  /** One message as the socket delivered it (text, or binary, which is refused). */
  receive(message: unknown): void;
  detach(): void;
}

export class WsHub {
  #clients = new Set<Client>();
  #latestStatus = new Map<EventType, string>();
  #log: Logger;
  #opts: Required<WsHubOptions>;
  #flushTimer: ReturnType<typeof setInterval> | null = null;
  #stopBus: () => void;
  #sent = 0;
  readonly #clock: () => number;

  constructor(bus: EventBus, log: Logger, options: WsHubOptions = {}, now = systemClock.now) {
    this.#clock = now;
    this.#log = log;
    this.#opts = {
      idleTimeoutS: options.idleTimeoutS ?? 30,
      slowBufferBytes: options.slowBufferBytes ?? 256 * 1024,
      maxQueuedEvents: options.maxQueuedEvents ?? 10_000,
      flushIntervalMs: options.flushIntervalMs ?? 50,
    };
    this.#stopBus = bus.subscribe((event) => this.#broadcast(event));
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Messages handed to sockets since start (for benchmarks). */
  get sentCount(): number {
    return this.#sent;
  }

  upgrade(c: Context): Response {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw badRequest(
        "headers.upgrade",
        'this endpoint speaks WebSocket; send "Upgrade: websocket"',
      );
    }
    const topics = TopicSet.fromQuery(c.req.query("topics"));
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw, {
      idleTimeout: this.#opts.idleTimeoutS,
    });
    let handle: ClientHandle | null = null;
    socket.onopen = () => {
      handle = this.attach(socket, topics);
    };
    socket.onclose = () => handle?.detach();
    socket.onerror = () => handle?.detach();
    socket.onmessage = (message) => handle?.receive(message.data);
    return response;
  }

  /**
   * Starts delivering to an open socket: first the latest value of each status event it accepts,
   * then every matching event under the back-pressure rules. The handle takes the client's
   * messages and forgets the client (call `detach` when the socket closes or errors); the hub
   * also forgets it on its own after closing it with 4008 or 1001.
   */
  attach(socket: SocketLike, topics: TopicSet): ClientHandle {
    const client: Client = { socket, topics, pendingStatus: new Map(), queue: [] };
    this.#clients.add(client);
    this.#replay(client, (type) => topics.accepts(type));
    this.#ensureFlushTimer();
    return {
      receive: (message) => {
        if (this.#clients.has(client)) this.#receive(client, message);
      },
      detach: () => this.#clients.delete(client),
    };
  }

  close(): void {
    this.#stopBus();
    if (this.#flushTimer !== null) clearInterval(this.#flushTimer);
    this.#flushTimer = null;
    for (const client of this.#clients) {
      try {
        client.socket.close(1001, "server shutting down");
      } catch { /* already closing */ }
    }
    this.#clients.clear();
  }

  #broadcast(event: WsEvent): void {
    const message = JSON.stringify(event);
    const status = isStatusEvent(event.type);
    if (isReplayed(event.type)) this.#latestStatus.set(event.type, message);
    for (const client of this.#clients) {
      if (client.topics.accepts(event.type)) this.#deliver(client, event.type, message, status);
    }
  }

  /** Sends now, or (slow client, or a backlog it must not overtake) coalesces or queues. */
  #deliver(client: Client, type: EventType | null, message: string, status: boolean): void {
    if (this.#isSlow(client) || client.queue.length > 0 || client.pendingStatus.size > 0) {
      if (status && type !== null) client.pendingStatus.set(type, message);
      else this.#enqueue(client, message);
    } else {
      this.#send(client, message);
    }
  }

  #replay(client: Client, wanted: (type: EventType) => boolean): void {
    for (const [type, message] of this.#latestStatus) {
      if (wanted(type)) this.#deliver(client, type, message, true);
    }
  }

  /** One client message: a subscribe, unsubscribe or ping, or an error frame saying why not. */
  #receive(client: Client, raw: unknown): void {
    if (typeof raw !== "string") {
      return this.#reply(client, "ws.error", {
        id: null,
        code: "bad_message",
        message: "send JSON text frames, not binary ones",
      });
    }
    if (new TextEncoder().encode(raw).length > MAX_WS_MESSAGE_BYTES) {
      return this.#reply(client, "ws.error", {
        id: null,
        code: "bad_message",
        message: `a message holds at most ${MAX_WS_MESSAGE_BYTES} bytes`,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      return this.#reply(client, "ws.error", {
        id: null,
        code: "bad_message",
        message: `not JSON (${err instanceof Error ? err.message : err}); send e.g. ` +
          '{"op":"subscribe","topics":["mount.*"]}',
      });
    }
    const id = echoedId(json);
    const parsed = WsClientMessage.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join(".") : "message",
        reason: issue.message,
      }));
      return this.#reply(client, "ws.error", {
        id,
        code: "validation_failed",
        message: issues.map((i) => `${i.field}: ${i.reason}`).join("; "),
        details: { issues },
      });
    }
    const message = parsed.data;
    if (message.op === "ping") return this.#reply(client, "ws.pong", { id });
    if (message.op === "unsubscribe") {
      client.topics.remove(message.topics);
    } else {
      let added: EventType[];
      try {
        added = client.topics.add(message.topics);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return this.#reply(client, "ws.error", {
          id,
          code: "validation_failed",
          message: err.message,
          details: err.details as { issues: { field: string; reason: string }[] },
        });
      }
      this.#reply(client, "ws.ack", { id, op: message.op, topics: client.topics.patterns });
      return this.#replay(client, (type) => added.includes(type));
    }
    this.#reply(client, "ws.ack", { id, op: message.op, topics: client.topics.patterns });
  }

  #reply<T extends WsControlType>(
    client: Client,
    type: T,
    data: Extract<WsControlFrame, { type: T }>["data"],
  ): void {
    this.#deliver(client, null, JSON.stringify({ type, ts: this.#clock(), data }), false);
  }

  #enqueue(client: Client, message: string): void {
    client.queue.push(message);
    if (client.queue.length > this.#opts.maxQueuedEvents) {
      this.#log.warn("closing a WebSocket client that cannot keep up", {
        queued: client.queue.length,
      });
      this.#clients.delete(client);
      try {
        client.socket.close(4008, "too slow: events would be lost; reconnect and re-read state");
      } catch { /* already closing */ }
    }
  }

  #flush(): void {
    for (const client of this.#clients) {
      while (client.queue.length > 0 && !this.#isSlow(client)) {
        this.#send(client, client.queue.shift()!);
      }
      if (client.queue.length === 0 && !this.#isSlow(client)) {
        for (const message of client.pendingStatus.values()) this.#send(client, message);
        client.pendingStatus.clear();
      }
    }
  }

  #ensureFlushTimer(): void {
    if (this.#flushTimer !== null) return;
    this.#flushTimer = setInterval(() => {
      this.#flush();
      if (this.#clients.size === 0 && this.#flushTimer !== null) {
        clearInterval(this.#flushTimer);
        this.#flushTimer = null;
      }
    }, this.#opts.flushIntervalMs);
  }

  #isSlow(client: Client): boolean {
    return client.socket.bufferedAmount > this.#opts.slowBufferBytes;
  }

  #send(client: Client, message: string): void {
    if (client.socket.readyState !== WebSocket.OPEN) return;
    try {
      client.socket.send(message);
      this.#sent++;
    } catch {
      this.#clients.delete(client);
    }
  }
}

/** The request id of a message that may be malformed, when it has a usable one. */
function echoedId(json: unknown): string | number | null {
  const id = (json as { id?: unknown } | null)?.id;
  return (typeof id === "string" && id.length <= 64) || typeof id === "number" ? id : null;
}
