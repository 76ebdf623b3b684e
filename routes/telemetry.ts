/**
 * Telemetry group: the box's health now (`GET /telemetry`) and its history
 * (`GET /telemetry/history?from&to&resolution`); the Prometheus exposition of the same figures is
 * `GET /metrics` at the root (routes/metrics.ts), where Prometheus looks by convention.
 */
import { createRoute } from "@hono/zod-openapi";
import { HistoryDto, HistoryQuery, TelemetryDto } from "../core/schemas/telemetry.ts";
import type { Services } from "../core/services.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Telemetry"];

export function telemetryRoutes(s: Pick<Services, "telemetry">) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "CPU temperature, Raspberry Pi throttling, load, memory, disk, uptime, Wi-Fi, " +
        "the process's memory and event-loop delay; whether imaging may start",
      description: "The latest sample (taken every `[telemetry] sample_interval_s`, 10 s); the " +
        "same as the `telemetry.update` event. Figures the machine cannot give are null.",
      responses: { 200: json(TelemetryDto), ...errors([401]) },
    }),
    async (c) => c.json(await s.telemetry.current(), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/history",
      tags,
      summary: "The health history: raw samples for 24 h, 1-minute means for 7 days, " +
        "10-minute means for 90 days",
      request: { query: HistoryQuery },
      responses: { 200: json(HistoryDto), ...errors([400, 401]) },
    }),
    async (c) => c.json(await s.telemetry.history(c.req.valid("query")), 200),
  );
  return app;
}
