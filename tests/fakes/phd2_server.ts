/**
 * A fake PHD2 event server for tests, faithful to ../shared/protocols/phd2.md: it listens on
 * 127.0.0.1 (port 0: the OS picks), greets each client with Version, the catch-up events and
 * AppState, ends every line with CRLF and splits input on LF, answers JSON-RPC 2.0 requests
 * (positional or named params, no id → no reply, batches) with PHD2's error codes (−32700 parse,
 * −32600 invalid request, −32601 unknown method, −32602 bad params, −32603 for an input line over
 * 1024 bytes, 1 when the operation failed), and broadcasts events to every client. The guiding
 * itself lives in _phd2_guiding.ts. Test levers: `answerRequests = false` (a PHD2 that hangs),
 * `dropConnections()`, `sendRaw()` for framing tests, `guiding.loseStar(n)`, and logs of what was
 * received and sent.
 */
import { FakeGuiding, type FakeGuidingOptions, type SettleRequest } from "./_phd2_guiding.ts";

export type FakePhd2Options = FakeGuidingOptions;
type Json = Record<string, unknown>;

/** PHD2's ClientReadBuf is 1024 bytes: a longer request line is an error (phd2.md, Transport). */
const MAX_REQUEST_BYTES = 1024;

interface Client {
  conn: Deno.TcpConn;
  writes: Promise<void>;
  loop: Promise<void>;
}

export class FakePhd2Server {
  readonly guiding: FakeGuiding;
  /** Every request object received, in order. */
  readonly received: Json[] = [];
  /** Every event broadcast, in order. */
  readonly sent: Json[] = [];
  /** False: requests are read and logged but never answered. */
  answerRequests = true;
  readonly #listener: Deno.TcpListener;
  readonly #clients = new Set<Client>();
  readonly #encoder = new TextEncoder();
  readonly #acceptLoop: Promise<void>;
  #closed = false;

  constructor(options: FakePhd2Options = {}) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.guiding = new FakeGuiding(options, (name, fields) => this.#broadcast(name, fields));
    this.#acceptLoop = this.#accept();
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Closes every client socket, as PHD2 exiting or a network drop would. */
  dropConnections(): void {
    for (const client of this.#clients) this.#hangUp(client);
  }

  /** Writes raw text to every client, e.g. a line split across writes. */
  async sendRaw(text: string): Promise<void> {
    await Promise.all([...this.#clients].map((c) => this.#write(c, text)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.guiding.dispose();
    this.#listener.close();
    const loops = [...this.#clients].map((c) => c.loop);
    this.dropConnections();
    await Promise.all([this.#acceptLoop, ...loops]);
  }

  async #accept(): Promise<void> {
    while (true) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // listener closed
      }
      const client: Client = { conn, writes: Promise.resolve(), loop: Promise.resolve() };
      this.#clients.add(client);
      this.guiding.catchUp((name, fields) => this.#send(client, event(name, fields)));
      client.loop = this.#serve(client);
    }
  }

  async #serve(client: Client): Promise<void> {
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(4096);
    let pending = "";
    try {
      while (true) {
        const n = await client.conn.read(buffer);
        if (n === null) break;
        pending += decoder.decode(buffer.subarray(0, n), { stream: true });
        let lf: number;
        while ((lf = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, lf).replace(/\r$/, "");
          pending = pending.slice(lf + 1);
          if (this.#encoder.encode(line).length > MAX_REQUEST_BYTES) {
            this.#reply(client, { error: { code: -32603, message: "request too long" }, id: null });
          } else if (line.trim() !== "") this.#onLine(client, line);
        }
        if (this.#encoder.encode(pending).length > MAX_REQUEST_BYTES) {
          pending = "";
          this.#reply(client, { error: { code: -32603, message: "request too long" }, id: null });
        }
      }
    } catch {
      // Socket closed under us (dropConnections).
    }
    this.#hangUp(client);
    await client.writes;
  }

  #onLine(client: Client, line: string): void {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (err) {
      const message = `invalid JSON request: ${err instanceof Error ? err.message : err}`;
      return this.#reply(client, { error: { code: -32700, message }, id: null });
    }
    if (Array.isArray(request)) {
      const replies = request.map((r) => this.#handle(r)).filter((r) => r !== null);
      if (replies.length > 0 && this.answerRequests) this.#send(client, replies);
      return;
    }
    const reply = this.#handle(request);
    if (reply) this.#reply(client, reply);
  }

  /** One request → its reply body, or null when it carries no id. */
  #handle(request: unknown): Json | null {
    if (typeof request !== "object" || request === null || Array.isArray(request)) {
      return { error: { code: -32600, message: "invalid request" }, id: null };
    }
    const r = request as Json;
    this.received.push(r);
    if (typeof r.method !== "string") {
      return { error: { code: -32600, message: "invalid request" }, id: null };
    }
    const outcome = this.#call(r.method, r.params);
    if (!("id" in r)) return null;
    return { ...outcome, id: r.id };
  }

  #call(method: string, params: unknown): Json {
    const g = this.guiding;
    const result = (value: unknown) => ({ result: value });
    const error = (code: number, message: string) => ({ error: { code, message } });
    switch (method) {
      case "guide": {
        const p = named(params, ["settle", "recalibrate", "roi"]);
        if (!isObject(p.settle)) return error(-32602, "expected settle object param");
        const settle = parseSettle(p.settle);
        if (!settle) return error(-32602, "invalid settle params");
        if (p.recalibrate !== undefined && typeof p.recalibrate !== "boolean") {
          return error(-32602, "expected bool value for recalibrate");
        }
        const refused = g.guide(settle, p.recalibrate === true);
        return refused ? error(refused.code, refused.message) : result(0);
      }
      case "dither": {
        const p = named(params, ["amount", "raOnly", "settle"]);
        if (typeof p.amount !== "number") return error(-32602, "expected dither amount param");
        if (p.raOnly !== undefined && typeof p.raOnly !== "boolean") {
          return error(-32602, "expected dither raOnly param");
        }
        if (!isObject(p.settle)) return error(-32602, "expected settle object param");
        const settle = parseSettle(p.settle);
        if (!settle) return error(-32602, "invalid settle params");
        const refused = g.dither(Math.abs(p.amount), p.raOnly === true, settle);
        return refused ? error(refused.code, refused.message) : result(0);
      }
      case "stop_capture":
        g.stopCapture();
        return result(0);
      case "loop": {
        const refused = g.loop();
        return refused ? error(refused.code, refused.message) : result(0);
      }
      case "find_star": {
        const p = named(params, ["roi"]);
        if (p.roi !== undefined && !isRoi(p.roi)) return error(-32602, "invalid ROI param");
        const star = g.findStar();
        return star ? result(star) : error(1, "could not find star");
      }
      case "get_app_state":
        return result(g.state);
      case "get_connected":
        return result(g.equipmentConnected);
      case "set_connected": {
        const p = named(params, ["connected"]);
        if (typeof p.connected !== "boolean") {
          return error(-32602, "expected connected boolean param");
        }
        g.setConnected(p.connected);
        return result(0);
      }
      case "get_pixel_scale":
        return result(g.pixelScaleArcsec);
      case "set_paused": {
        const p = named(params, ["paused", "type"]);
        if (typeof p.paused !== "boolean") return error(-32602, "expected bool param at index 0");
        if (p.type !== undefined && typeof p.type !== "string") {
          return error(-32602, "expected string param at index 1");
        }
        g.setPaused(p.paused);
        return result(0);
      }
      case "get_paused":
        return result(g.state === "Paused");
      default:
        return error(-32601, "method not found");
    }
  }

  #reply(client: Client, body: Json): void {
    if (this.answerRequests) this.#send(client, { jsonrpc: "2.0", ...body });
  }

  #broadcast(name: string, fields?: Json): void {
    const ev = event(name, fields);
    this.sent.push(ev);
    for (const client of this.#clients) this.#send(client, ev);
  }

  #send(client: Client, message: unknown): void {
    this.#write(client, JSON.stringify(message) + "\r\n");
  }

  #write(client: Client, text: string): Promise<void> {
    const bytes = this.#encoder.encode(text);
    client.writes = client.writes.then(async () => {
      let written = 0;
      while (written < bytes.length) {
        written += await client.conn.write(bytes.subarray(written));
      }
    }).catch(() => {}); // the client went away; PHD2 just logs a short write
    return client.writes;
  }

  #hangUp(client: Client): void {
    if (!this.#clients.delete(client)) return;
    try {
      client.conn.close();
    } catch {
      // Already closed.
    }
  }
}

/** Every event carries Event, Timestamp (epoch seconds), Host and Inst (phd2.md, Events). */
function event(name: string, fields: Json = {}): Json {
  return { Event: name, Timestamp: Date.now() / 1000, Host: "fakehost", Inst: 1, ...fields };
}

/** PHD2's Params: an array is positional in the method's order, an object is by name. */
function named(params: unknown, names: string[]): Json {
  if (Array.isArray(params)) {
    return Object.fromEntries(names.slice(0, params.length).map((name, i) => [name, params[i]]));
  }
  return isObject(params) ? params : {};
}

/** pixels, time and timeout all required; PHD2 floors time and timeout to whole seconds. */
function parseSettle(settle: Json): SettleRequest | null {
  const { pixels, time, timeout } = settle;
  if (typeof pixels !== "number" || typeof time !== "number" || typeof timeout !== "number") {
    return null;
  }
  return { pixels, time: Math.floor(time), timeout: Math.floor(timeout) };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRoi(value: unknown): boolean {
  return Array.isArray(value) && value.length === 4 && value.every(Number.isInteger);
}
