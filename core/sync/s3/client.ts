/**
 * Our own small S3 client: the dozen calls cloud sync needs, signed with SigV4 (sigv4.ts), sent
 * over node:http(s) (transport.ts), answers read with a tiny XML reader (xml.ts). Works with AWS
 * and the S3 look-alikes (Backblaze B2, Cloudflare R2, MinIO): a custom endpoint, a region, and
 * path-style (`endpoint/bucket/key`) or virtual-host (`bucket.endpoint/key`) addressing.
 *
 * Each call is retried a bounded number of times with exponential backoff and full jitter when
 * the store fails transiently (5xx, a reset, a timeout), longer when it throttles (503 SlowDown,
 * 429), honouring Retry-After. A store that cannot be reached at all (refused, no route, no DNS)
 * is not retried here: the caller decides (the worker waits for a route quietly). Bodies are
 * signed with their SHA-256 and sent with Content-MD5, so the store rejects bytes changed in
 * flight; uploads pass each chunk through `pace` (the bandwidth limit).
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { Clock } from "../../../lib/clock.ts";
import { S3Error } from "./errors.ts";
import {
  amzDate,
  canonicalQuery,
  type Credentials,
  EMPTY_SHA256,
  sha256Hex,
  signRequest,
  uriEncode,
} from "./sigv4.ts";
import { exchange, type HttpAnswer, NetworkError } from "./transport.ts";
import { childrenNamed, childText, documentElement, escapeXml } from "./xml.ts";

export interface S3Target {
  /** e.g. https://s3.eu-central-1.amazonaws.com, https://<account>.r2.cloudflarestorage.com */
  endpoint: string;
  region: string;
  bucket: string;
  addressing: "path" | "virtual";
  credentials: Credentials;
}

export interface RetryPolicy {
  /** Tries per call, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 30_000 };

export interface S3ClientOptions {
  target: S3Target;
  clock: Clock;
  retry?: RetryPolicy;
  /** No byte moving for this long fails the request (and it is retried). */
  idleTimeoutMs?: number;
  /** Waits until `bytes` may be sent (the bandwidth limit); called per upload chunk. */
  pace?: (bytes: number, signal: AbortSignal) => Promise<void>;
  /** Told about every retry (logging, counting). */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: Error }) => void;
  lookup?: LookupFunction;
  random?: () => number;
}

export interface ObjectHead {
  size: number;
  /** Without quotes. */
  etag: string;
  /** x-amz-meta-* headers, names without the prefix, lower case. */
  metadata: Record<string, string>;
  lastModified: string | null;
}

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: string;
}

export interface UploadOptions {
  metadata?: Record<string, string>;
  contentType?: string;
  /** Base64 MD5 of the body, sent as Content-MD5 (the store verifies it). */
  md5Base64: string;
  /** Hex SHA-256 of the body: the signed payload hash. */
  sha256Hex: string;
  /** Bytes of the body sent so far in this attempt. */
  onProgress?: (sentBytes: number) => void;
}

export class S3Client {
  readonly #o: S3ClientOptions;
  readonly #retry: RetryPolicy;
  readonly #agent: http.Agent;
  readonly #base: URL;

  constructor(options: S3ClientOptions) {
    this.#o = options;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#base = new URL(options.target.endpoint);
    if (this.#base.protocol !== "http:" && this.#base.protocol !== "https:") {
      throw new TypeError(`S3 endpoint must be http(s), got ${options.target.endpoint}`);
    }
    this.#agent = this.#base.protocol === "https:"
      ? new https.Agent({ keepAlive: true, maxSockets: 4 })
      : new http.Agent({ keepAlive: true, maxSockets: 4 });
  }

  get bucket(): string {
    return this.#o.target.bucket;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  /** The object's size, ETag and metadata, or null when there is no such key. */
  async headObject(key: string, signal?: AbortSignal): Promise<ObjectHead | null> {
    try {
      const res = await this.#call("HeadObject", { method: "HEAD", key }, signal);
      return toHead(res);
    } catch (err) {
      if (err instanceof S3Error && (err.status === 404 || err.code === "NoSuchKey")) return null;
      throw err;
    }
  }

  async putObject(key: string, body: Uint8Array, o: UploadOptions, signal?: AbortSignal) {
    const res = await this.#call("PutObject", {
      method: "PUT",
      key,
      body,
      headers: uploadHeaders(o),
      payloadSha256: o.sha256Hex,
      onProgress: o.onProgress,
    }, signal);
    return { etag: unquote(res.headers["etag"] ?? "") };
  }

  async createMultipartUpload(
    key: string,
    o: { metadata?: Record<string, string>; contentType?: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const headers: Record<string, string> = {
      "content-type": o.contentType ?? "application/octet-stream",
    };
    for (const [k, v] of Object.entries(o.metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
    const res = await this.#call("CreateMultipartUpload", {
      method: "POST",
      key,
      query: [["uploads", ""]],
      headers,
    }, signal);
    const uploadId = childText(documentElement(text(res)), "UploadId");
    if (!uploadId) throw malformed("CreateMultipartUpload", res);
    return uploadId;
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    o: Omit<UploadOptions, "metadata" | "contentType">,
    signal?: AbortSignal,
  ) {
    const res = await this.#call("UploadPart", {
      method: "PUT",
      key,
      query: [["partNumber", String(partNumber)], ["uploadId", uploadId]],
      body,
      headers: { "content-md5": o.md5Base64 },
      payloadSha256: o.sha256Hex,
      onProgress: o.onProgress,
    }, signal);
    return { etag: unquote(res.headers["etag"] ?? "") };
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly { partNumber: number; etag: string }[],
    signal?: AbortSignal,
  ) {
    const xml = `<CompleteMultipartUpload>${
      parts.map((p) =>
        `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>"${escapeXml(p.etag)}"</ETag></Part>`
      )
        .join("")
    }</CompleteMultipartUpload>`;
    const body = new TextEncoder().encode(xml);
    const res = await this.#call("CompleteMultipartUpload", {
      method: "POST",
      key,
      query: [["uploadId", uploadId]],
      body,
      headers: { "content-type": "application/xml" },
      payloadSha256: await sha256Hex(body),
    }, signal);
    // S3 may answer 200 and still fail: the error then comes in the body.
    const doc = documentElement(text(res));
    if (doc?.name === "Error") throw errorFrom(res.status === 200 ? 500 : res.status, res);
    return { etag: unquote(childText(doc, "ETag") ?? res.headers["etag"] ?? "") };
  }

  /** Aborts an upload: true when aborted now, false when the store no longer knew it. */
  async abortMultipartUpload(
    key: string,
    uploadId: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    try {
      await this.#call("AbortMultipartUpload", {
        method: "DELETE",
        key,
        query: [["uploadId", uploadId]],
      }, signal);
      return true;
    } catch (err) {
      if (err instanceof S3Error && (err.code === "NoSuchUpload" || err.status === 404)) {
        return false;
      }
      throw err;
    }
  }

  /** Multipart uploads started and neither completed nor aborted, under `prefix`. */
  async listMultipartUploads(prefix: string, signal?: AbortSignal): Promise<PendingUpload[]> {
    const found: PendingUpload[] = [];
    let marker: [string, string] | null = null;
    for (let page = 0; page < 1000; page++) {
      const query: [string, string][] = [["uploads", ""], ["prefix", prefix]];
      if (marker) query.push(["key-marker", marker[0]], ["upload-id-marker", marker[1]]);
      const res = await this.#call("ListMultipartUploads", { method: "GET", query }, signal);
      const doc = documentElement(text(res));
      for (const u of childrenNamed(doc, "Upload")) {
        found.push({
          key: childText(u, "Key") ?? "",
          uploadId: childText(u, "UploadId") ?? "",
          initiated: childText(u, "Initiated") ?? "",
        });
      }
      if (childText(doc, "IsTruncated") !== "true") break;
      marker = [childText(doc, "NextKeyMarker") ?? "", childText(doc, "NextUploadIdMarker") ?? ""];
    }
    return found;
  }

  /** Every object under `prefix` (ListObjectsV2, following continuation tokens). */
  async listObjects(prefix: string, signal?: AbortSignal): Promise<ListedObject[]> {
    const found: ListedObject[] = [];
    let token: string | null = null;
    for (let page = 0; page < 10_000; page++) {
      const query: [string, string][] = [["list-type", "2"], ["prefix", prefix]];
      if (token) query.push(["continuation-token", token]);
      const res = await this.#call("ListObjectsV2", { method: "GET", query }, signal);
      const doc = documentElement(text(res));
      for (const c of childrenNamed(doc, "Contents")) {
        found.push({
          key: childText(c, "Key") ?? "",
          size: Number(childText(c, "Size") ?? "0"),
          etag: unquote(childText(c, "ETag") ?? ""),
          lastModified: childText(c, "LastModified") ?? "",
        });
      }
      token = childText(doc, "IsTruncated") === "true"
        ? childText(doc, "NextContinuationToken") ?? null
        : null;
      if (!token) break;
    }
    return found;
  }

  /** Streams the object into `sink`; answers its head. A retry restarts the sink (`onRestart`). */
  async getObject(
    key: string,
    sink: (chunk: Uint8Array) => Promise<void>,
    onRestart: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<ObjectHead> {
    let first = true;
    const res = await this.#call("GetObject", {
      method: "GET",
      key,
      sink,
      beforeAttempt: async () => {
        if (!first) await onRestart();
        first = false;
      },
    }, signal);
    return toHead(res);
  }

  async deleteObject(key: string, signal?: AbortSignal): Promise<void> {
    await this.#call("DeleteObject", { method: "DELETE", key }, signal);
  }

  /** The URL of `key` (or of the bucket) under the configured addressing. */
  url(key: string | null, query: readonly (readonly [string, string])[] = []): URL {
    const t = this.#o.target;
    const basePath = this.#base.pathname.replace(/\/+$/, "");
    const keyPath = key === null ? "/" : `/${uriEncode(key, false)}`;
    const url = new URL(this.#base.href);
    if (t.addressing === "virtual") {
      url.hostname = `${t.bucket}.${this.#base.hostname}`;
      url.pathname = `${basePath}${keyPath}`;
    } else {
      url.pathname = `${basePath}/${uriEncode(t.bucket)}${key === null ? "" : keyPath}`;
    }
    url.search = query.length > 0 ? `?${canonicalQuery(query)}` : "";
    return url;
  }

  async #call(
    operation: string,
    r: {
      method: string;
      key?: string;
      query?: [string, string][];
      headers?: Record<string, string>;
      body?: Uint8Array;
      payloadSha256?: string;
      onProgress?: (sentBytes: number) => void;
      sink?: (chunk: Uint8Array) => Promise<void>;
      beforeAttempt?: () => Promise<void>;
    },
    signal?: AbortSignal,
  ): Promise<HttpAnswer> {
    const query = r.query ?? [];
    const url = this.url(r.key ?? null, query);
    const payloadSha256 = r.payloadSha256 ?? EMPTY_SHA256;
    for (let attempt = 1;; attempt++) {
      signal?.throwIfAborted();
      let error: Error;
      try {
        await r.beforeAttempt?.();
        const headers: Record<string, string> = {
          ...r.headers,
          host: url.host,
          "x-amz-date": amzDate(this.#o.clock.now()),
          "x-amz-content-sha256": payloadSha256,
        };
        const signed = await signRequest({
          method: r.method,
          path: url.pathname,
          query,
          headers,
          payloadSha256Hex: payloadSha256,
          region: this.#o.target.region,
        }, this.#o.target.credentials);
        let sent = 0;
        const pace = this.#o.pace;
        const res = await exchange({
          method: r.method,
          url,
          headers: { ...headers, authorization: signed.authorization },
          body: r.body,
          beforeChunk: async (bytes, s) => {
            if (pace) await pace(bytes, s);
            sent += bytes;
            r.onProgress?.(sent);
          },
          sink: r.sink,
          idleTimeoutMs: this.#o.idleTimeoutMs ?? 60_000,
          signal,
          agent: this.#agent,
          lookup: this.#o.lookup,
        });
        if (res.status >= 200 && res.status < 300) return res;
        throw errorFrom(res.status, res);
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        error = err instanceof Error ? err : new Error(String(err));
      }
      const retryable = error instanceof S3Error
        ? error.retryable
        : error instanceof NetworkError && !error.unreachable;
      if (!retryable || attempt >= this.#retry.attempts) throw error;
      const delayMs = this.#delayMs(attempt, error);
      this.#o.onRetry?.({ operation, attempt, delayMs, error });
      await this.#o.clock.sleep(delayMs, signal);
    }
  }

  /** Full jitter over an exponential ceiling; four times longer when throttled. */
  #delayMs(attempt: number, error: Error): number {
    const s3 = error instanceof S3Error ? error : null;
    if (s3?.retryAfterS !== null && s3?.retryAfterS !== undefined) {
      return Math.min(this.#retry.maxMs, s3.retryAfterS * 1000);
    }
    const base = this.#retry.baseMs * (s3?.throttled ? 4 : 1);
    const ceiling = Math.min(this.#retry.maxMs, base * 2 ** (attempt - 1));
    const random = this.#o.random ?? Math.random;
    return Math.round(ceiling / 2 + random() * ceiling / 2);
  }
}

function uploadHeaders(o: UploadOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "content-md5": o.md5Base64,
    "content-type": o.contentType ?? "application/octet-stream",
  };
  for (const [k, v] of Object.entries(o.metadata ?? {})) headers[`x-amz-meta-${k}`] = v;
  return headers;
}

function toHead(res: HttpAnswer): ObjectHead {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
  }
  return {
    size: Number(res.headers["content-length"] ?? "0"),
    etag: unquote(res.headers["etag"] ?? ""),
    metadata,
    lastModified: res.headers["last-modified"] ?? null,
  };
}

function errorFrom(status: number, res: HttpAnswer): S3Error {
  const doc = documentElement(text(res));
  const code = (doc?.name === "Error" ? childText(doc, "Code") : undefined) ?? `Http${status}`;
  const message = (doc?.name === "Error" ? childText(doc, "Message") : undefined) ??
    `the store answered HTTP ${status}`;
  const retryAfter = Number(res.headers["retry-after"]);
  return new S3Error({
    status,
    code,
    message: `${code}: ${message}`,
    requestId: (doc?.name === "Error" ? childText(doc, "RequestId") : undefined) ??
      res.headers["x-amz-request-id"] ?? null,
    retryAfterS: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
  });
}

function malformed(operation: string, res: HttpAnswer): S3Error {
  return new S3Error({
    status: 502,
    code: "MalformedResponse",
    message: `${operation}: the store's answer could not be read: ${text(res).slice(0, 200)}`,
  });
}

function text(res: HttpAnswer): string {
  return new TextDecoder().decode(res.body);
}

function unquote(etag: string): string {
  return etag.replace(/^W\//, "").replaceAll('"', "").trim();
}
