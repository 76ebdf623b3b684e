/**
 * System group: the box itself. GET /system (versions, board, clock, storage, first boot),
 * POST /system/time (the phone's clock, when the box has no better one), POST /system/shutdown
 * and /system/reboot (202 at once; the box parks if configured, finishes the frame being written
 * and closes the database before it goes down).
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted } from "../core/schemas/common.ts";
import { SetTimeBody, SystemInfoDto, TimeSetDto } from "../core/schemas/system.ts";
import type { PowerAction } from "../core/schemas/system.ts";
import type { SystemService } from "../core/system/system_service.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const TAGS = ["System"];

export function systemRoutes(d: { system: SystemService }) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: TAGS,
      summary: "The box: versions, board model and serial, uptime, clock, storage, first boot",
      responses: { 200: json(SystemInfoDto), ...errors([401]) },
    }),
    async (c) => c.json(await d.system.info(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/time",
      tags: TAGS,
      summary: "Set the box's clock from the phone's (a Pi has no real-time clock)",
      description: "Accepted only while the box's clock is not synchronised by NTP (409 then). " +
        "A time before this release was built, or more than 20 years after, is refused (400).",
      request: jsonBody(SetTimeBody),
      responses: { 200: json(TimeSetDto), ...errors([400, 401, 409]) },
    }),
    async (c) => c.json(await d.system.setTime(c.req.valid("json").time_ms), 200),
  );

  const power = (action: PowerAction, summary: string) =>
    app.openapi(
      createRoute({
        method: "post",
        path: `/${action}`,
        tags: TAGS,
        summary,
        responses: { 202: json(Accepted, "Under way"), ...errors([401, 409]) },
      }),
      (c) => {
        d.system.requestPower(action);
        return c.json({ accepted: true as const, message: `${action} under way` }, 202);
      },
    );
  power(
    "shutdown",
    "Power the box off: park (if configured), finish the frame, close the database",
  );
  power("reboot", "Reboot the box: park (if configured), finish the frame, close the database");

  return app;
}
