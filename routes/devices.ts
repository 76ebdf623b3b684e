/**
 * Devices group: which driver fills each role and in what state, connect/disconnect a role, and —
 * for drivers that offer it (the simulators) — the fault switchboard that makes a command hang, throw or drop the
 * connection, so clients and tests can see how the box behaves when hardware misbehaves. Also
 * discovery: what on this box could fill a role, with ready-to-paste profile assignments.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { conflict } from "../lib/errors.ts";
import { Ok } from "../core/schemas/common.ts";
import { RoleStatusDto } from "../devices/rig.ts";
import { DiscoveryResult } from "../devices/discovery.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_KINDS } from "../devices/device.ts";
import { FAULT_MODES } from "../devices/faults.ts";
import { DEVICE_ERRORS, errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Devices"];
const RoleParam = z.object({ role: z.enum(DEVICE_KINDS) });

export const DiscoverQuery = z.object({
  alpaca: z.enum(["true", "false"]).default("true")
    .describe("probe the LAN for Alpaca servers (a UDP broadcast)"),
  timeout_ms: z.coerce.number().int().min(200).max(30_000).default(3000)
    .describe("deadline of each section, milliseconds"),
});

const FaultBody = z.object({
  method: z.string().min(1).describe('a command name, e.g. "slewTo", or "*" for every command'),
  mode: z.enum(FAULT_MODES).nullable().describe("null clears the fault"),
});

export function devicesRoutes(s: Pick<Services, "discovery" | "hub" | "log">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Every device role with its driver and connection state",
      responses: { 200: json(z.object({ devices: z.array(RoleStatusDto) })), ...errors([401]) },
    }),
    (c) => c.json({ devices: s.hub.roles() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/discover",
      tags,
      summary: "Find devices: serial ports, ZWO SDK devices, INDI drivers, Alpaca servers",
      request: { query: DiscoverQuery },
      responses: { 200: json(DiscoveryResult), ...errors([400, 401]) },
    }),
    async (c) => {
      const { alpaca, timeout_ms } = c.req.valid("query");
      const result = await s.discovery.discover({
        alpaca: alpaca === "true",
        timeoutMs: timeout_ms,
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{role}/connect",
      tags,
      summary: "Connect the device in a role",
      request: { params: RoleParam },
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await s.hub.connect(c.req.valid("param").role);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{role}/disconnect",
      tags,
      summary: "Disconnect the device in a role",
      request: { params: RoleParam },
      responses: { 200: json(Ok), ...errors([400, 401]) },
    }),
    async (c) => {
      await s.hub.disconnect(c.req.valid("param").role);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/{role}/fault",
      tags,
      summary: "Simulators only: make a command hang, throw or drop the connection",
      request: { params: RoleParam, ...jsonBody(FaultBody) },
      responses: {
        200: json(z.object({ faults: z.record(z.string(), z.enum(FAULT_MODES)) })),
        ...errors([400, 401, 409]),
      },
    }),
    (c) => {
      const { role } = c.req.valid("param");
      const { method, mode } = c.req.valid("json");
      const faults = s.hub.faults(role);
      if (!faults) {
        throw conflict(
          `The ${role} is not a simulator; faults can only be injected into simulators`,
        );
      }
      faults.set(method, mode);
      s.log.warn("simulated fault set", { role, method, mode });
      return c.json({ faults: faults.list() }, 200);
    },
  );

  return app;
}
