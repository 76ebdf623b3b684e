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
import type { DriverCatalogue } from "../devices/driver_catalogue.ts";
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

const DriversQuery = z.object({
  role: z.enum(DEVICE_KINDS).optional().describe("only this role's drivers"),
});

const DriverDto = z.object({
  role: z.enum(DEVICE_KINDS),
  driver: z.string().describe('the id a profile names in devices.<role>.driver, e.g. "indi"'),
  title: z.string(),
  description: z.string(),
  options_schema: z.record(z.string(), z.unknown()).describe(
    "JSON Schema (draft 2020-12) of devices.<role>.options for this driver: types, ranges, " +
      "defaults and descriptions to render a form from; unknown keys are refused",
  ),
});

const FaultBody = z.object({
  method: z.string().min(1).describe('a command name, e.g. "slewTo", or "*" for every command'),
  mode: z.enum(FAULT_MODES).nullable().describe("null clears the fault"),
});

export function devicesRoutes(s: Pick<Services, "discovery" | "drivers" | "hub" | "log">) {
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

  const drivers = driverList(s.drivers);
  app.openapi(
    createRoute({
      method: "get",
      path: "/drivers",
      tags,
      summary: "The drivers each role can take, with the JSON Schema of their options",
      request: { query: DriversQuery },
      responses: {
        200: json(z.object({ drivers: z.array(DriverDto) })),
        ...errors([400, 401]),
      },
    }),
    (c) => {
      const { role } = c.req.valid("query");
      return c.json({ drivers: drivers.filter((d) => !role || d.role === role) }, 200);
    },
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

/** Every role's drivers with their options as JSON Schema, computed once per app. */
function driverList(catalogue: DriverCatalogue): z.infer<typeof DriverDto>[] {
  return DEVICE_KINDS.flatMap((role) =>
    catalogue.drivers(role).map((spec) => ({
      role,
      driver: spec.id,
      title: spec.title,
      description: spec.description,
      options_schema: optionsJsonSchema(spec.options),
    }))
  );
}

/**
 * The options schema as the input a client sends (defaults are not required), standing alone:
 * a schema registered under an id comes out as a `$ref` to its `$defs` entry, which is inlined.
 */
function optionsJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as
    & Record<string, unknown>
    & { $ref?: string; $defs?: Record<string, Record<string, unknown>> };
  const { $ref, $defs = {}, ...rest } = json;
  const name = $ref?.startsWith("#/$defs/") ? $ref.slice("#/$defs/".length) : undefined;
  if (name === undefined || !$defs[name]) return json;
  const { [name]: root, ...others } = $defs;
  return { ...rest, ...root, ...(Object.keys(others).length > 0 ? { $defs: others } : {}) };
}
