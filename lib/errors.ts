/**
 * The one error type that reaches the HTTP layer. Every failure that a client should see carries
 * an HTTP status and a stable machine-readable code; `routes/app.ts` turns it into the envelope
 * `{ error: { code, message, details? } }`. Anything else that escapes is a bug and becomes 500.
 */

export type ErrorCode =
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "not_implemented"
  | "device_fault"
  | "device_not_connected"
  | "device_timeout"
  | "unavailable"
  | "upstream_error"
  | "upstream_unavailable"
  | "insufficient_storage"
  | "internal";

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(status: number, code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A device took longer than its named deadline. Callers catch it to retry or alert. */
export class DeviceTimeoutError extends AppError {
  constructor(what: string, timeoutMs: number) {
    super(504, "device_timeout", `${what} did not answer within ${formatMs(timeoutMs)}`, {
      timeout_ms: timeoutMs,
    });
    this.name = "DeviceTimeoutError";
  }
}

/** No driver is assigned to the role, or it is not connected. */
export class DeviceNotConnectedError extends AppError {
  constructor(role: string, reason = "is not connected") {
    super(503, "device_not_connected", `The ${role} ${reason}`, { role });
    this.name = "DeviceNotConnectedError";
  }
}

export function badRequest(field: string, reason: string): AppError {
  return new AppError(400, "validation_failed", `${field}: ${reason}`, {
    issues: [{ field, reason }],
  });
}

export function conflict(message: string, details?: unknown): AppError {
  return new AppError(409, "conflict", message, details);
}

export function notFound(message: string): AppError {
  return new AppError(404, "not_found", message);
}

export function notImplemented(message: string): AppError {
  return new AppError(501, "not_implemented", message);
}

/** A driver reported a failure (threw). The device answered, but not with success. */
export function deviceFault(what: string, cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError(502, "device_fault", `${what} failed: ${reason}`);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
