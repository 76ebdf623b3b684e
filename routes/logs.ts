/**
 * Logs group: the recent entries of the in-memory ring, filtered by minimum level and time, as
 * JSON for the phone, or as a gzipped NDJSON download to attach to a bug report. Times are
 * accepted as ISO 8601 or Unix milliseconds, since both are what people paste; the schemas live
 * here because no other group shares them.
 */
import { createRoute } from "@hono/zod-openapi";
import { gzipSync } from "fflate";
import { z } from "zod";
import { LOG_LEVELS } from "../lib/log.ts";
import type { LogEntry } from "../lib/log.ts";
import type { Services } from "../core/services.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Logs"];

/** Unix ms from "1767225600000" or an ISO 8601 date, or null when it is neither. */
export function parseInstant(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text);
  // Date.parse also takes free forms like "March 7"; demand at least an ISO date up front.
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

const instant = z.string()
  .refine((text) => parseInstant(text) !== null, "must be ISO 8601 or Unix milliseconds")
  .optional();

export const LogsQuery = z.object({
  level: z.enum(LOG_LEVELS).optional().describe("minimum level"),
  since: instant.describe("entries at or after, ISO 8601 or Unix ms"),
  until: instant.describe("entries at or before, ISO 8601 or Unix ms"),
  limit: z.coerce.number().int().min(1).max(5000).default(500).describe("newest N entries"),
});

export const LogEntryDto = z.object({
  ts: z.string().describe("ISO 8601 UTC"),
  level: z.enum(LOG_LEVELS),
  source: z.string(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).optional(),
});

export const LogsDto = z.object({ entries: z.array(LogEntryDto).describe("oldest first") });

function toLogEntryDto(e: LogEntry): z.infer<typeof LogEntryDto> {
  return {
    ts: new Date(e.ts).toISOString(),
    level: e.level,
    source: e.source,
    message: e.message,
    ...(e.fields ? { fields: e.fields } : {}),
  };
}

export function logsRoutes(s: Pick<Services, "clock" | "logs">) {
  const app = newRouter();
  const select = (q: z.infer<typeof LogsQuery>) =>
    s.logs.query({
      minLevel: q.level,
      sinceMs: q.since === undefined ? undefined : parseInstant(q.since) ?? undefined,
      untilMs: q.until === undefined ? undefined : parseInstant(q.until) ?? undefined,
      limit: q.limit,
    }).map(toLogEntryDto);

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Recent log entries, filtered by minimum level and time",
      request: { query: LogsQuery },
      responses: { 200: json(LogsDto), ...errors([400, 401]) },
    }),
    (c) => c.json({ entries: select(c.req.valid("query")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/download",
      tags,
      summary: "The same entries as a gzipped NDJSON attachment",
      request: { query: LogsQuery },
      responses: {
        200: {
          description: "One JSON entry per line, gzipped",
          content: { "application/gzip": { schema: z.string().meta({ format: "binary" }) } },
        },
        ...errors([400, 401]),
      },
    }),
    (c) => {
      const lines = select(c.req.valid("query")).map((e) => JSON.stringify(e) + "\n").join("");
      const gz = gzipSync(new TextEncoder().encode(lines));
      const date = new Date(s.clock.now()).toISOString().slice(0, 10);
      return c.body(gz, 200, {
        "Content-Type": "application/gzip",
        "Content-Disposition": `attachment; filename="openskylab-logs-${date}.ndjson.gz"`,
      });
    },
  );

  return app;
}
