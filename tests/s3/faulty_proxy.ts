/**
 * A misbehaving network in front of the object store, for the cloud-sync tests: a TCP proxy on a
 * loopback port that reads each HTTP request, asks the test's `plan` what to do with it, and then
 * forwards it to the store, answers an error itself (500 InternalError, 503 SlowDown), drops the
 * connection before or in the middle of the body (a reset as the client sees it), or forwards it
 * and runs a hook after the store has answered but before the answer is relayed — the instant to
 * kill the box for a crash-point test. One request per connection (the store is told to close),
 * so every request is seen on its own. It logs every request and every body byte with its time,
 * for counting calls and measuring the upload rate.
 */

export interface SeenRequest {
  index: number;
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  bodyBytes: number;
}

export type Action =
  | { kind: "forward"; afterAnswer?: (answerHead: string) => void | Promise<void> }
  | { kind: "error"; status: number; code: string }
  | { kind: "drop"; afterBodyBytes: number }
  | { kind: "answer"; status: number; headers: Record<string, string> };

export interface ProxyRecord {
  request: SeenRequest;
  action: Action["kind"];
  /** The store's status line, for forwarded requests. */
  status: number | null;
}

export class FaultyProxy implements AsyncDisposable {
  readonly records: ProxyRecord[] = [];
  /** Every body byte received from the client: [ms since epoch, bytes]. */
  readonly bodyChunks: [number, number][] = [];
  plan: (r: SeenRequest) => Action = () => ({ kind: "forward" });
  #listener: Deno.Listener;
  #upstreamPort: number;
  #count = 0;
  #open = new Set<Deno.Conn>();
  #loop: Promise<void>;

  constructor(upstreamPort: number) {
    this.#upstreamPort = upstreamPort;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.#loop = this.#accept();
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Requests matching `predicate` (forwarded or not). */
  seen(predicate: (r: SeenRequest) => boolean = () => true): ProxyRecord[] {
    return this.records.filter((r) => predicate(r.request));
  }

  async close(): Promise<void> {
    this.#listener.close();
    for (const conn of this.#open) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
    await this.#loop;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #accept(): Promise<void> {
    const handlers: Promise<void>[] = [];
    try {
      for await (const conn of this.#listener) {
        this.#open.add(conn);
        handlers.push(
          this.#handle(conn).catch(() => {}).finally(() => {
            this.#open.delete(conn);
            try {
              conn.close();
            } catch { /* closed */ }
          }),
        );
      }
    } catch { /* listener closed */ }
    await Promise.all(handlers);
  }

  async #handle(client: Deno.Conn): Promise<void> {
    const reader = new BufferedReader(client);
    const head = await reader.readHead();
    if (head === null) return;
    const [requestLine, ...lines] = head.split("\r\n");
    const [method = "", target = "/"] = requestLine!.split(" ");
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const at = line.indexOf(":");
      if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
    }
    const url = new URL(target, "http://proxy");
    const length = Number(headers["content-length"] ?? "0");
    const request: SeenRequest = {
      index: this.#count++,
      method,
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers,
      bodyBytes: length,
    };
    const action = this.plan(request);
    const record: ProxyRecord = { request, action: action.kind, status: null };
    this.records.push(record);
    const encoder = new TextEncoder();

    if (action.kind === "drop") {
      await reader.readBody(Math.min(length, action.afterBodyBytes), (n) => this.#noteBody(n));
      return; // closing the socket mid-request: the client sees the connection reset
    }
    if (action.kind === "error" || action.kind === "answer") {
      await reader.readBody(length, (n) => this.#noteBody(n));
      const body = action.kind === "error"
        ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${action.code}</Code>` +
          `<Message>injected by the test proxy</Message><RequestId>proxy-${request.index}</RequestId></Error>`
        : "";
      const extra = action.kind === "answer"
        ? Object.entries(action.headers).map(([k, v]) => `${k}: ${v}\r\n`).join("")
        : "content-type: application/xml\r\n";
      const status = action.status;
      // A HEAD answer has no body, whatever its Content-Length says.
      await writeAll(
        client,
        encoder.encode(
          `HTTP/1.1 ${status} ${status === 503 ? "Slow Down" : "Injected"}\r\n${extra}` +
            `content-length: ${encoder.encode(body).length}\r\nconnection: close\r\n\r\n` +
            (method === "HEAD" ? "" : body),
        ),
      );
      return;
    }

    // Forward, one request per upstream connection.
    const upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#upstreamPort });
    try {
      const rewritten = [
        requestLine,
        ...lines.filter((l) => !/^connection:/i.test(l)),
        "connection: close",
      ]
        .join("\r\n") + "\r\n\r\n";
      await writeAll(upstream, encoder.encode(rewritten));
      const got = await reader.readBody(
        length,
        (n) => this.#noteBody(n),
        (chunk) => writeAll(upstream, chunk),
      );
      // The client went away mid-body: pass the reset on, or the store waits for the rest.
      if (got < length) return;
      const answer = await readAll(upstream);
      const answerHead = new TextDecoder().decode(
        answer.subarray(0, Math.min(answer.length, 4096)),
      );
      record.status = Number(/^HTTP\/1\.1 (\d+)/.exec(answerHead)?.[1] ?? "0");
      await action.afterAnswer?.(answerHead);
      await writeAll(client, answer);
    } finally {
      try {
        upstream.close();
      } catch { /* closed */ }
    }
  }

  #noteBody(n: number): void {
    this.bodyChunks.push([Date.now(), n]);
  }
}

class BufferedReader {
  #conn: Deno.Conn;
  #buffer = new Uint8Array(0);

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  async readHead(): Promise<string | null> {
    while (true) {
      const text = new TextDecoder("latin1").decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        this.#buffer = this.#buffer.subarray(end + 4);
        return text.slice(0, end);
      }
      if (!(await this.#fill())) return null;
    }
  }

  async readBody(
    bytes: number,
    onBytes: (n: number) => void,
    onChunk?: (chunk: Uint8Array) => Promise<void>,
  ): Promise<number> {
    let left = bytes;
    while (left > 0) {
      if (this.#buffer.length === 0 && !(await this.#fill())) return bytes - left;
      const take = this.#buffer.subarray(0, Math.min(left, this.#buffer.length));
      this.#buffer = this.#buffer.subarray(take.length);
      left -= take.length;
      onBytes(take.length);
      await onChunk?.(take.slice());
    }
    return bytes;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(65_536);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    const merged = new Uint8Array(this.#buffer.length + n);
    merged.set(this.#buffer);
    merged.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = merged;
    return true;
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

async function readAll(conn: Deno.Conn): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(65_536);
  while (true) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
