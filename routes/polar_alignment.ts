/** Polar-alignment group: start the three-point routine, watch its status, stop it. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { Accepted } from "../core/schemas/common.ts";
import { PolarStartBody, PolarStatusDto } from "../core/schemas/polar_alignment.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Polar Alignment"];

export function polarAlignmentRoutes(s: Pick<Services, "polarAlignment">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/start",
      tags,
      summary: "Start three-point polar alignment, then keep measuring while the knobs turn",
      description: "Takes three solved frames with the RA axis turned by rotation_deg between " +
        "them, anywhere in the sky; then exposes and solves continuously, publishing " +
        "polar_alignment.error_computed after each solve, until /stop.",
      request: jsonBody(PolarStartBody),
      responses: { 202: json(Accepted, "Started"), ...errors([400, 401, 409, 503]) },
    }),
    (c) => {
      s.polarAlignment.start(c.req.valid("json"));
      return c.json({ accepted: true as const, message: "measuring" }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Phase, the measured points and the latest axis error",
      responses: { 200: json(PolarStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.polarAlignment.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/stop",
      tags,
      summary: "Stop polar alignment (the mount stays where it is)",
      responses: {
        200: json(z.object({ ok: z.literal(true), stopped: z.boolean() })),
        ...errors([401]),
      },
    }),
    async (c) => c.json({ ok: true as const, stopped: await s.polarAlignment.stop() }, 200),
  );

  return app;
}
