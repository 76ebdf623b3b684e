/**
 * What an object store's refusal means to us. An S3 error carries the HTTP status and S3's code;
 * `retryable` says whether the same request may succeed later (a 5xx, SlowDown, a request timeout)
 * as opposed to a refusal that will not change by itself (AccessDenied, NoSuchBucket, a bad
 * signature).
 */

const RETRYABLE_CODES = new Set([
  "InternalError",
  "ServiceUnavailable",
  "SlowDown",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "OperationAborted",
  "TooManyRequests",
]);

export class S3Error extends Error {
  readonly status: number;
  /** S3's error code (`SlowDown`, `NoSuchUpload` …), or `Http<status>` when the body had none. */
  readonly code: string;
  readonly requestId: string | null;
  /** Seconds from a Retry-After header, when the store sent one. */
  readonly retryAfterS: number | null;

  constructor(
    o: {
      status: number;
      code: string;
      message: string;
      requestId?: string | null;
      retryAfterS?: number | null;
    },
  ) {
    super(o.message);
    this.name = "S3Error";
    this.status = o.status;
    this.code = o.code;
    this.requestId = o.requestId ?? null;
    this.retryAfterS = o.retryAfterS ?? null;
  }

  get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || RETRYABLE_CODES.has(this.code);
  }

  /** The store is asking us to slow down: back off harder than for a plain failure. */
  get throttled(): boolean {
    return this.code === "SlowDown" || this.status === 429 || this.code === "TooManyRequests" ||
      (this.status === 503 && this.code !== "ServiceUnavailable");
  }

  /** The store does not implement this call (an S3 look-alike with a smaller API). */
  get unsupported(): boolean {
    return this.status === 501 || this.code === "NotImplemented" ||
      this.code === "MethodNotAllowed" || this.status === 405;
  }
}
