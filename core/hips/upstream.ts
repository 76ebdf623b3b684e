/**
 * One survey's upstream HiPS servers: a GET of a file under the survey's base URL, trying the
 * configured mirrors in order (the last one that answered first), each bounded by a timeout. A
 * 404 or 410 means the file does not exist (a sky the survey does not cover). Anything else —
 * a timeout, no route, a refused connection, a 5xx, or a 200 whose body is not what the file
 * name says (a hotel Wi-Fi's login page instead of a JPEG) — is a failure. When no mirror
 * answered at all (timeouts, no route) the upstream is marked offline and not asked again for
 * `retryAfterMs`, so an offline box answers from its cache at once instead of waiting out a
 * timeout per tile. Going offline and coming back are reported through `onChange`.
 */
import type { Clock } from "../../lib/clock.ts";

/** A body larger than this is refused (an Allsky.jpg is a few MB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export type UpstreamState = "unknown" | "online" | "offline";

export type UpstreamFailureKind = "timeout" | "unreachable" | "error" | "offline";

export class UpstreamFailure extends Error {
  readonly kind: UpstreamFailureKind;
  constructor(kind: UpstreamFailureKind, message: string) {
    super(message);
    this.name = "UpstreamFailure";
    this.kind = kind;
  }
}

export type UpstreamAnswer =
  | { kind: "ok"; bytes: Uint8Array; contentType: string; url: string }
  | { kind: "missing"; url: string };

export interface UpstreamOptions {
  survey: string;
  urls: readonly string[];
  timeoutMs: number;
  retryAfterMs: number;
  clock: Clock;
  onChange?: (online: boolean, url: string | null, reason: string | null) => void;
  fetch?: typeof fetch;
}

export class Upstream {
  readonly urls: readonly string[];
  #o: UpstreamOptions;
  #state: UpstreamState = "unknown";
  #lastError: string | null = null;
  #retryAtMs: number | null = null;
  #preferred = 0;

  constructor(o: UpstreamOptions) {
    this.#o = o;
    this.urls = o.urls.map((u) => u.replace(/\/+$/, ""));
  }

  get state(): UpstreamState {
    return this.#state;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  /** While offline: when it is asked again (Unix ms). */
  get retryAtMs(): number | null {
    return this.#state === "offline" ? this.#retryAtMs : null;
  }

  async get(path: string, signal?: AbortSignal): Promise<UpstreamAnswer> {
    if (this.#state === "offline" && this.#o.clock.now() < (this.#retryAtMs ?? 0)) {
      throw new UpstreamFailure("offline", `the upstream is offline (${this.#lastError})`);
    }
    const order = this.urls.map((_, k) => (this.#preferred + k) % this.urls.length);
    let failure: UpstreamFailure | null = null;
    for (const k of order) {
      signal?.throwIfAborted();
      try {
        const answer = await this.#getFrom(this.urls[k]!, path, signal);
        this.#preferred = k;
        this.#mark(true, this.urls[k]!, null);
        return answer;
      } catch (err) {
        if (signal?.aborted) throw err;
        failure = err instanceof UpstreamFailure
          ? err
          : new UpstreamFailure("error", err instanceof Error ? err.message : String(err));
      }
    }
    // No answer at all: offline, and not asked again for a while. An answer that was wrong (a
    // 5xx, a login page) says the network works: the next request may try again.
    if (failure!.kind === "timeout" || failure!.kind === "unreachable") {
      this.#mark(false, null, failure!.message);
    } else {
      this.#lastError = failure!.message;
    }
    throw failure!;
  }

  async #getFrom(base: string, path: string, signal?: AbortSignal): Promise<UpstreamAnswer> {
    const url = `${base}/${path}`;
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const doFetch = this.#o.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(url, { signal: combined, redirect: "follow" });
    } catch (err) {
      if (timeout.aborted) {
        throw new UpstreamFailure("timeout", `${url}: no answer within ${this.#o.timeoutMs} ms`);
      }
      throw new UpstreamFailure(
        "unreachable",
        `${url}: ${err instanceof Error ? err.message : err}`,
      );
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel();
      return { kind: "missing", url };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new UpstreamFailure("error", `${url}: the server answered ${response.status}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readCapped(response, MAX_BODY_BYTES);
    } catch (err) {
      if (timeout.aborted) {
        throw new UpstreamFailure(
          "timeout",
          `${url}: the body did not arrive within ${this.#o.timeoutMs} ms`,
        );
      }
      throw new UpstreamFailure("error", `${url}: ${err instanceof Error ? err.message : err}`);
    }
    const problem = contentProblem(path, bytes);
    if (problem) throw new UpstreamFailure("error", `${url}: ${problem}`);
    return { kind: "ok", bytes, contentType: response.headers.get("content-type") ?? "", url };
  }

  #mark(online: boolean, url: string | null, reason: string | null): void {
    const was = this.#state;
    this.#state = online ? "online" : "offline";
    this.#lastError = reason;
    this.#retryAtMs = online ? null : this.#o.clock.now() + this.#o.retryAfterMs;
    if (was !== this.#state && !(was === "unknown" && online)) {
      this.#o.onChange?.(online, url, reason);
    }
  }
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > maxBytes) throw new Error(`the file is ${declared} bytes, over ${maxBytes}`);
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`the file is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Why `bytes` cannot be the file `path` names, or null when they can. */
export function contentProblem(path: string, bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  const ext = path.slice(path.lastIndexOf(".") + 1);
  const looksHtml = /^\s*<(!doctype|html)/i.test(new TextDecoder().decode(bytes.subarray(0, 64)));
  if (path.endsWith(".jpg") && !starts(0xff, 0xd8, 0xff)) return "the answer is not a JPEG";
  if (path.endsWith(".png") && !starts(0x89, 0x50, 0x4e, 0x47)) return "the answer is not a PNG";
  if (
    path.endsWith(".fits") && !new TextDecoder().decode(bytes.subarray(0, 6)).startsWith("SIMPLE")
  ) {
    return "the answer is not a FITS file";
  }
  if ((ext === "tsv" || path === "properties" || ext === "xml") && looksHtml) {
    return "the answer is an HTML page (a login portal?), not a HiPS file";
  }
  if (path === "properties" && !/^\s*[#\w].*=|^\s*#/m.test(new TextDecoder().decode(bytes))) {
    return "the answer is not a HiPS properties file";
  }
  return null;
}
