/**
 * The one place failures become HTTP answers: AppError → its status and envelope; a request that
 * fails its schema → 400 naming each field and why; anything else → 500, logged, never a crash.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import { AppError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";

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

export function handleError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      return c.json(errorBody(err.code, err.message, err.details), err.status as 400);
    }
    if (err instanceof HTTPException) {
      // Hono raises these for malformed JSON bodies and the like.
      const status = err.status;
      const code = status === 400
        ? "validation_failed"
        : status === 401
        ? "unauthorized"
        : "internal";
      const message = status === 400 && /json/i.test(err.message)
        ? "body: not valid JSON"
        : err.message || "request failed";
      return c.json(errorBody(code, message), status);
    }
    log.error("unhandled error in request", {
      method: c.req.method,
      path: c.req.path,
      error: err?.stack ?? String(err),
    });
    return c.json(errorBody("internal", "Internal error; it has been logged"), 500);
  };
}
