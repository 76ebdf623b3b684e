/**
 * One HTTP exchange with an object store, over node:http/node:https. Not fetch: Deno's fetch sends
 * a streamed body with chunked transfer encoding (S3 wants Content-Length unless the body is
 * signed chunk by chunk) and gives no back-pressure to pace it. Here the body is written in chunks
 * with Content-Length, each chunk first passing `beforeChunk` (the bandwidth limiter and the
 * progress counter), and the socket's back-pressure is honoured. A stalled exchange fails after
 * `idleTimeoutMs` without a byte moving; an abort destroys the socket at once.
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Called before each body chunk is written with its size: pacing and progress. */
  beforeChunk?: (bytes: number, signal: AbortSignal) => Promise<void>;
  /** Bytes per write; 64 KiB by default. */
  chunkBytes?: number;
  /** For a 2xx answer the body goes here as it arrives instead of being collected (downloads). */
  sink?: (chunk: Uint8Array) => Promise<void>;
  idleTimeoutMs: number;
  signal?: AbortSignal;
  agent?: http.Agent;
  /** Resolves host names instead of the system resolver (like curl --resolve; tests). */
  lookup?: LookupFunction;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Codes meaning the store cannot be reached at all, as opposed to a transfer that broke. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EADDRNOTAVAIL",
  "ENETDOWN",
]);

/** The exchange failed below HTTP: no answer, a reset, a timeout. */
export class NetworkError extends Error {
  readonly code: string;
  /** True when the store could not be reached at all (refused, no route, no DNS). */
  readonly unreachable: boolean;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NetworkError";
    this.code = code;
    this.unreachable = UNREACHABLE.has(code);
  }
}

export function exchange(x: HttpExchange): Promise<HttpAnswer> {
  const signal = x.signal ?? new AbortController().signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const secure = x.url.protocol === "https:";
    const body = x.body ?? new Uint8Array(0);
    const hostname = x.url.hostname.replace(/^\[|\]$/g, "");
    let settled = false;
    let written = false;
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let wakeWriter: (() => void) | null = null;
    const what = `${x.method} ${x.url.host}${x.url.pathname}`;

    const finish = (err: unknown, answer?: HttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(idleTimer);
      signal.removeEventListener("abort", onAbort);
      wakeWriter?.();
      if (err !== null) {
        req.destroy();
        reject(err);
      } else {
        // An answer before the whole body was sent (an early 503): the socket is not reusable.
        if (!written) req.destroy();
        resolve(answer!);
      }
    };
    const touch = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        finish(new NetworkError("ETIMEDOUT", `${what}: nothing moved for ${x.idleTimeoutMs} ms`));
      }, x.idleTimeoutMs);
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });

    const req = (secure ? https : http).request({
      method: x.method,
      hostname,
      port: x.url.port === "" ? (secure ? 443 : 80) : Number(x.url.port),
      path: `${x.url.pathname}${x.url.search}`,
      headers: { ...x.headers, "content-length": String(body.length) },
      agent: x.agent,
      ...(x.lookup ? { lookup: x.lookup } : {}),
    });
    touch();
    req.on("error", (err: Error & { code?: string }) => {
      finish(new NetworkError(err.code ?? "ECONNRESET", `${what}: ${err.message}`, { cause: err }));
    });
    req.on("response", (res) => {
      touch();
      const status = res.statusCode ?? 0;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = [value].flat().join(", ");
      }
      const chunks: Uint8Array[] = [];
      const sink = status >= 200 && status < 300 ? x.sink : undefined;
      res.on("data", (chunk: Uint8Array) => {
        touch();
        if (!sink) return void chunks.push(chunk);
        res.pause();
        sink(chunk).then(() => res.resume(), (err) => finish(err));
      });
      res.on("end", () => finish(null, { status, headers, body: concat(chunks) }));
      res.on("error", (err: Error & { code?: string }) => {
        finish(
          new NetworkError(err.code ?? "ECONNRESET", `${what}: ${err.message}`, { cause: err }),
        );
      });
    });

    (async () => {
      const step = x.chunkBytes ?? 65_536;
      for (let offset = 0; offset < body.length && !settled;) {
        const n = Math.min(step, body.length - offset);
        await x.beforeChunk?.(n, signal);
        if (settled) return;
        const drained = req.write(body.subarray(offset, offset + n));
        offset += n;
        touch();
        if (!drained && !settled) {
          await new Promise<void>((wake) => {
            wakeWriter = wake;
            req.once("drain", wake);
          });
          wakeWriter = null;
        }
      }
      if (settled) return;
      written = true;
      req.end();
    })().catch((err) => finish(err));
  });
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
