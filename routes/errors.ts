/**
 * The one place failures become HTTP answers: AppError → its status and envelope; a request that
 * fails its schema → 400 naming each field and why; what the framework refuses before a handler
 * runs (a body that is not JSON, JSON that does not parse, a body over the limit, a method the
 * path does not have) → its own 4xx with a code saying what the client got wrong; anything else →
 * 500, logged, never a crash. A client's mistake never answers "internal".
 */
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { z } from "zod";
import { AppError, type ErrorCode } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";

/**
 * The largest request body the API takes. Every body is JSON (a profile, a sequence, a plan);
 * the biggest real one is a few tens of kilobytes, so this only ever stops a mistake or abuse.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/**
 * Turns schema issues into "body.ra: must be < 24" lines and a details list. `describe` may word
 * them differently (the profile routes use the driver options' wording).
 */
export function validationError(
  target: string,
  error: z.ZodError,
  describe?: (
    issues: z.ZodError["issues"],
    prefix: string,
    value: unknown,
  ) => { field: string; reason: string }[],
  value?: unknown,
): AppError {
  const where = target === "json" ? "body" : target === "param" ? "path" : target;
  const issues = describe?.(error.issues, where, value) ?? error.issues.map((issue) => {
    const field = [where, ...issue.path.map(String)].join(".");
    return { field, reason: issue.message };
  });
  const message = issues.map((i) => `${i.field}: ${i.reason}`).join("; ");
  return new AppError(400, "validation_failed", message, { issues });
}

/** The code of a 4xx the framework raised; a status not listed is still the client's fault. */
const CLIENT_CODES: Readonly<Record<number, ErrorCode>> = {
  400: "validation_failed",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
};

/** What the client should change, in words, for the framework's own refusals. */
function clientMessage(status: number, err: HTTPException, c: Context): string {
  if (status === 400 && /json/i.test(err.message)) return "body: not valid JSON";
  if (status === 415) {
    const type = c.req.header("content-type");
    return `body: send JSON with content-type application/json (got ${
      type ? `"${type}"` : "no content-type"
    })`;
  }
  if (status === 413) return payloadTooLargeMessage();
  return err.message || "request refused";
}

function payloadTooLargeMessage(): string {
  return `body: larger than the API's limit of ${MAX_BODY_BYTES / 1024} KiB`;
}

export function handleError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, err.details), err.status as 400);
    }
    if (err instanceof HTTPException && err.status >= 400 && err.status < 500) {
      // Hono and the OpenAPI validator raise these before any handler runs.
      const status = err.status;
      const code = CLIENT_CODES[status] ?? "validation_failed";
      return c.json(errorBody(code, clientMessage(status, err, c)), status);
    }
    log.error("unhandled error in request", {
      method: c.req.method,
      path: c.req.path,
      error: err?.stack ?? String(err),
    });
    return c.json(errorBody("internal", "Internal error; it has been logged"), 500);
  };
}

/**
 * Refuses a body over MAX_BODY_BYTES with 413 before anything reads it. `streamed` paths (a
 * release upload) bound their bodies themselves, on disk rather than in memory.
 */
export function limitBody(streamed: readonly string[] = []): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json(errorBody("payload_too_large", payloadTooLargeMessage()), 413),
  });
  return (c, next) => streamed.includes(c.req.path) ? next() : limit(c, next);
}

/**
 * Turns the 404 of a known path asked with a method it does not have into 405 with the `Allow`
 * header. Only the API's own routes count: the web app's catch-all GET would otherwise make
 * every unknown path "GET only".
 */
export function refuseOtherMethods<E extends Env>(app: Hono<E>, base: string): MiddlewareHandler {
  const api = {
    get routes() {
      return app.routes.filter((r) => r.path.startsWith(`${base}/`));
    },
  };
  return methodNotAllowed({
    app: api as unknown as Hono,
    onMethodNotAllowed: (c, methods) =>
      c.json(
        errorBody(
          "method_not_allowed",
          `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(", ")}`,
          { allow: methods },
        ),
        405,
        { Allow: methods.join(", ") },
      ),
  });
}
