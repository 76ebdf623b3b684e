/**
 * `GET /metrics` (mounted at the root by the composition): the box's health in Prometheus's text exposition format, at the root where
 * Prometheus scrapes by convention. It sits behind the same rule as the API (trusted networks
 * free, anyone else `Authorization: Bearer <token>`, which Prometheus sends with
 * `authorization: { credentials: … }` in its scrape config).
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { Services } from "../core/services.ts";
import { EXPOSITION_CONTENT_TYPE } from "../core/telemetry/prometheus.ts";
import { errors } from "./_openapi.ts";
import { newRouter } from "./app.ts";

export function metricsRoutes(s: Pick<Services, "telemetry">) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Telemetry"],
      summary: "Prometheus exposition of the telemetry (text format 0.0.4)",
      responses: {
        200: {
          description: "openskylab_* gauges, process_* and the event-loop delay summary",
          content: { "text/plain": { schema: z.string() } },
        },
        ...errors([401]),
      },
    }),
    async (c) =>
      c.text(await s.telemetry.metrics(), 200, { "Content-Type": EXPOSITION_CONTENT_TYPE }),
  );
  return app;
}
