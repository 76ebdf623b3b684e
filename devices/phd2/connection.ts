/**
 * One TCP session with PHD2's event server: JSON-RPC requests out, replies matched back by id
 * through a pending map (each with its own timeout, so a PHD2 that never answers fails the call
 * instead of hanging it), and events (objects with an `Event` key, phd2.md Transport) handed to
 * `onEvent`. Replies and events share the socket, so every line is routed by its shape. When the
 * socket ends without `close()` being called, every pending call is rejected and `onClosed`
 * reports why; the owner decides whether that is a loss.
 */
import { LineFramer } from "./line_framer.ts";

export interface Phd2Event {
  Event: string;
  [field: string]: unknown;
}

/** PHD2 answered a request with a JSON-RPC error object. */
export class Phd2RpcError extends Error {
  readonly code: number;
  constructor(method: string, code: number, message: string) {
    super(`PHD2 ${method} failed (${code}): ${message}`);
    this.name = "Phd2RpcError";
    this.code = code;
  }
}

export interface ConnectionHandlers {
  onEvent(event: Phd2Event): void;
  /** The socket ended or broke without `close()`; `reason` says how. */
  onClosed(reason: string): void;
  /** A line that is not JSON: PHD2 never sends one, so the owner logs it and carries on. */
  onJunk(line: string): void;
}

interface Pending {
  method: string;
  resolve: (result: unknown) => void;
  reject: (reason: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class Phd2Connection {
  readonly #conn: Deno.TcpConn;
  readonly #handlers: ConnectionHandlers;
  readonly #requestTimeoutMs: number;
  readonly #encoder = new TextEncoder();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closing = false;
  #closed = false;
  #readLoop: Promise<void>;
  /** Writes go one after another so two requests never interleave on the wire. */
  #writeChain: Promise<void> = Promise.resolve();

  private constructor(conn: Deno.TcpConn, handlers: ConnectionHandlers, requestTimeoutMs: number) {
    this.#conn = conn;
    this.#handlers = handlers;
    this.#requestTimeoutMs = requestTimeoutMs;
    this.#readLoop = this.#read();
  }

  /** Opens the socket; an abort while connecting closes whatever connected and rejects. */
  static async open(
    hostname: string,
    port: number,
    handlers: ConnectionHandlers,
    requestTimeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Phd2Connection> {
    signal?.throwIfAborted();
    const connecting = Deno.connect({ hostname, port });
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const conn = await Promise.race([connecting, aborted]);
      return new Phd2Connection(conn, handlers, requestTimeoutMs);
    } catch (err) {
      // A connect that lands after the abort must not leak its socket.
      connecting.then((conn) => conn.close(), () => {});
      throw err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  get closed(): boolean {
    return this.#closed || this.#closing;
  }

  /** Sends a request and resolves with its `result`; rejects with Phd2RpcError or a timeout. */
  call(
    method: string,
    params?: unknown[] | Record<string, unknown>,
    timeoutMs = this.#requestTimeoutMs,
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error(`PHD2 ${method}: the connection is closed`));
    const id = this.#nextId++;
    const request = params === undefined ? { method, id } : { method, params, id };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`PHD2 did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { method, resolve, reject, timer });
      this.#write(JSON.stringify(request) + "\r\n").catch((err) => {
        this.#settle(id, (p) => p.reject(new Error(`PHD2 ${method}: write failed: ${err}`)));
      });
    });
  }

  /** Closes on purpose: pending calls fail, `onClosed` does not fire. Waits for the reader. */
  async close(): Promise<void> {
    if (!this.#closed && !this.#closing) {
      this.#closing = true;
      this.#rejectAll("the connection was closed");
      try {
        this.#conn.close();
      } catch {
        // Already closed by the reader.
      }
    }
    await this.#readLoop;
  }

  #write(text: string): Promise<void> {
    const bytes = this.#encoder.encode(text);
    const next = this.#writeChain.then(async () => {
      let written = 0;
      while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
    });
    this.#writeChain = next.catch(() => {});
    return next;
  }

  async #read(): Promise<void> {
    const framer = new LineFramer();
    const buffer = new Uint8Array(64 * 1024);
    let reason = "PHD2 closed the connection";
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        for (const line of framer.push(buffer.subarray(0, n))) this.#dispatch(line);
      }
    } catch (err) {
      reason = `PHD2 connection failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    const unexpected = !this.#closing;
    this.#closed = true;
    if (unexpected) {
      try {
        this.#conn.close();
      } catch {
        // Closed already.
      }
      this.#rejectAll(reason);
      this.#handlers.onClosed(reason);
    }
  }

  #dispatch(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      // A garbled line is skipped rather than killing the session.
      this.#handlers.onJunk(line);
      return;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message)) return;
    const record = message as Record<string, unknown>;
    if (typeof record.Event === "string") {
      this.#handlers.onEvent(record as Phd2Event);
      return;
    }
    if (typeof record.id !== "number") return; // a reply to nobody (id null: a parse error)
    const error = record.error as { code?: unknown; message?: unknown } | undefined;
    this.#settle(record.id, (p) => {
      if (error && typeof error === "object") {
        p.reject(new Phd2RpcError(p.method, Number(error.code), String(error.message)));
      } else p.resolve(record.result);
    });
  }

  #settle(id: number, finish: (pending: Pending) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) return; // timed out already
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    finish(pending);
  }

  #rejectAll(reason: string): void {
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new Error(`PHD2 ${pending.method}: ${reason}`));
    }
  }
}
