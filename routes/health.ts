/**
 * Health probe at /api/v1/health: public (no token), cheap, and 200 as soon as the server
 * answers, with the version, how long it has been up, the state of every device role and the
 * first boot's progress, so a phone joining the hotspot can tell at once whether the rig is there
 * and whether a fresh box is still setting itself up.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { RoleStatusDto } from "../devices/rig.ts";
import type { Services } from "../core/services.ts";
import { FirstBootDto } from "../core/schemas/system.ts";
import { json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

/** One role of the hub (`RigControl.roles()`). */
export const HealthDto = z.object({
  status: z.literal("ok"),
  version: z.string(),
  uptime_s: z.number().describe("seconds since the API was built"),
  devices: z.array(RoleStatusDto),
  first_boot: FirstBootDto.describe("the box's first boot, step by step, until it is done"),
});

export function healthRoutes(s: Pick<Services, "clock" | "hub" | "system">, version: string) {
  const app = newRouter();
  // Measured on the services' clock so tests with a manual clock see deterministic uptimes.
  const startedMs = s.clock.now();

  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["Health"],
      summary: "200 once the server is ready; version, uptime and device roles",
      responses: { 200: json(HealthDto) },
    }),
    (c) =>
      c.json({
        status: "ok" as const,
        version,
        uptime_s: Math.round((s.clock.now() - startedMs) / 1000),
        devices: s.hub.roles(),
        first_boot: s.system.firstBoot(),
      }, 200),
  );

  return app;
}
