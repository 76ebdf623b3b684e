/**
 * Centre on target, under /mount: start a goto → expose → solve → sync run, watch its status
 * (every attempt's error), stop it. Each attempt is also a `mount.centering` event and the end a
 * `mount.centered` event.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { CenterBody, CenteringStatusDto } from "../core/schemas/centering.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Mount"];

export function centeringRoutes(s: Pick<Services, "centering">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/center",
      tags,
      summary:
        "Centre on a target: goto, expose, plate-solve, sync, goto again until within tolerance",
      description:
        "Answers 202 with the run's status once it has started. Each attempt publishes " +
        "mount.centering; the end publishes mount.centered (and an alert when the tolerance " +
        "was not reached: the mount is then left where it is). 409 while another centring run, " +
        "a polar alignment, a sequence or an exposure holds the rig.",
      request: jsonBody(CenterBody),
      responses: {
        202: json(CenteringStatusDto, "Started"),
        ...errors([400, 401, 409, 502, 503, 504]),
      },
    }),
    async (c) => c.json(await s.centering.start(c.req.valid("json")), 202),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/center",
      tags,
      summary: "The centring run: phase, every attempt's error, the result",
      responses: { 200: json(CenteringStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.centering.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/center/stop",
      tags,
      summary: "Stop centring: the slew, the exposure and the solve stop; the mount stays there",
      responses: {
        200: json(z.object({ ok: z.literal(true), stopped: z.boolean() })),
        ...errors([401]),
      },
    }),
    async (c) => c.json({ ok: true as const, stopped: await s.centering.stop() }, 200),
  );

  return app;
}
