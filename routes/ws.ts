/**
 * The event socket at /ws. Every message is `{ type, ts, data }` exactly. `?topics=mount.*,alert`
 * filters. A newly connected client first gets the latest value of each status event it asked
 * for, so a phone waking from sleep draws the rig at once.
 *
 * Back-pressure: while a client's socket has unsent data above a threshold, its status events are
 * coalesced (only the newest of each type is kept) and its discrete events are queued. Discrete
 * events are never dropped silently: a client whose queue overflows is closed with code 4008 and
 * a reason, so it knows to reconnect and re-read the state. Deno pings idle clients and closes
 * those that stop answering pongs (`idleTimeout`), so dead phones do not pile up.
 *
 * `upgrade()` owns the HTTP side; everything per client happens in `attach()`, which needs only a
 * `SocketLike`, so tests drive the delivery rules with a fake socket whose backlog they control.
 */
import type { Context } from "hono";
import { badRequest } from "../lib/errors.ts";
import type { EventBus } from "../core/event_bus.ts";
import { EVENT_TYPES, isReplayed, isStatusEvent } from "../core/events.ts";
import type { EventType, WsEvent } from "../core/events.ts";
import type { Logger } from "../lib/log.ts";

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
  accepts: (type: EventType) => boolean;
  pendingStatus: Map<EventType, string>;
  queue: string[];
}

export class WsHub {
  #clients = new Set<Client>();
  #latestStatus = new Map<EventType, string>();
  #log: Logger;
  #opts: Required<WsHubOptions>;
  #flushTimer: ReturnType<typeof setInterval> | null = null;
  #stopBus: () => void;
  #sent = 0;

  constructor(bus: EventBus, log: Logger, options: WsHubOptions = {}) {
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
    const accepts = parseTopics(c.req.query("topics"));
    const { socket, response } = Deno.upgradeWebSocket(c.req.raw, {
      idleTimeout: this.#opts.idleTimeoutS,
    });
    let detach = () => {};
    socket.onopen = () => {
      detach = this.attach(socket, accepts);
    };
    socket.onclose = () => detach();
    socket.onerror = () => detach();
    // Clients have nothing to say yet; ignore input rather than fail on it.
    socket.onmessage = () => {};
    return response;
  }

  /**
   * Starts delivering to an open socket: first the latest value of each status event it accepts,
   * then every matching event under the back-pressure rules. Returns the function that forgets
   * the client (call it when the socket closes or errors); the hub also forgets it on its own
   * after closing it with 4008 or 1001.
   */
  attach(socket: SocketLike, accepts: (type: EventType) => boolean): () => void {
    const client: Client = { socket, accepts, pendingStatus: new Map(), queue: [] };
    this.#clients.add(client);
    for (const [type, message] of this.#latestStatus) {
      if (accepts(type)) this.#send(client, message);
    }
    this.#ensureFlushTimer();
    return () => this.#clients.delete(client);
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
      if (!client.accepts(event.type)) continue;
      if (this.#isSlow(client) || client.queue.length > 0 || client.pendingStatus.size > 0) {
        if (status) client.pendingStatus.set(event.type, message);
        else this.#enqueue(client, message);
      } else {
        this.#send(client, message);
      }
    }
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

/** `mount.*,alert` → a predicate; a pattern that matches no event type is a 400. */
export function parseTopics(raw: string | undefined): (type: EventType) => boolean {
  if (raw === undefined || raw.trim() === "") return () => true;
  const patterns = raw.split(",").map((p) => p.trim()).filter((p) => p !== "");
  const matchers = patterns.map((pattern) => {
    if (!/^[a-z_]+(\.[a-z_]+|\.\*)?$|^\*$/.test(pattern)) {
      throw badRequest(
        "query.topics",
        `"${pattern}" is not a topic pattern (e.g. "mount.*", "alert")`,
      );
    }
    const test = pattern === "*"
      ? () => true
      : pattern.endsWith(".*")
      ? (type: string) => type.startsWith(pattern.slice(0, -1))
      : (type: string) => type === pattern;
    if (!EVENT_TYPES.some(test)) {
      throw badRequest("query.topics", `"${pattern}" matches no event type`);
    }
    return test;
  });
  return (type) => matchers.some((m) => m(type));
}
