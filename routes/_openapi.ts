/**
 * Helpers over @hono/zod-openapi so each route file states only what is particular to its
 * endpoints. `errors(...)` documents the error envelope for the statuses a route can produce;
 * `json(schema)` documents a JSON body or response; `okAction(...)` registers a bodiless POST that
 * does one thing and answers `{ ok: true }` (pause, resume, abort …).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import { ErrorEnvelope, Ok } from "../core/schemas/common.ts";

const ERROR_STATUSES = {
  400: "Invalid input: the message names the field and the reason",
  401: "A remote client without a valid bearer token",
  404: "No such resource",
  409: "The action conflicts with the current state",
  413: "The body is larger than the limit",
  415: "The body is not of the content-type this endpoint takes",
  501: "Not implemented yet",
  502: "The device reported a fault",
  503: "The device is not connected",
  504: "The device did not answer in time",
  507: "The data disk is below its reserve: free space before imaging again",
} as const;

export type ErrorStatus = keyof typeof ERROR_STATUSES;

/** The usual failures of a device command. */
export const DEVICE_ERRORS = [400, 401, 409, 502, 503, 504] as const;
/** The usual failures of a read. */
export const READ_ERRORS = [401, 503] as const;

export function errors<const S extends readonly ErrorStatus[]>(statuses: S) {
  return Object.fromEntries(statuses.map((status) => [status, {
    description: ERROR_STATUSES[status],
    content: { "application/json": { schema: ErrorEnvelope } },
  }])) as {
    [K in S[number]]: {
      description: string;
      content: { "application/json": { schema: typeof ErrorEnvelope } };
    };
  };
}

export function json<T extends z.ZodType>(schema: T, description = "Success") {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

/** A bodiless POST at `path` that runs `act` and answers `{ ok: true }`; 409 when it conflicts. */
export function okAction(
  app: OpenAPIHono,
  tags: string[],
  path: string,
  summary: string,
  act: () => unknown,
): void {
  app.openapi(
    createRoute({
      method: "post",
      path,
      tags,
      summary,
      responses: { 200: json(Ok), ...errors([401, 409]) },
    }),
    async (c) => {
      await act();
      return c.json({ ok: true as const }, 200);
    },
  );
}
