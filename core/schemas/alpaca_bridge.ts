/**
 * The ASCOM Alpaca bridge's API shapes (`GET`/`PUT /alpaca`, the `alpaca.changed` event): whether
 * the Alpaca server runs, which of the box's devices it exposes, whom it serves, its optional
 * HTTP Basic credentials (the password is never shown), and the remote Alpaca devices the rig
 * uses as drivers with their connection state.
 */
import { z } from "zod";
import { ROLE_STATES } from "../../devices/rig.ts";

/** Roles the bridge can expose (every device role but the guider, which Alpaca has no type for). */
export const BRIDGE_ROLES = [
  "mount",
  "camera",
  "focuser",
  "filterwheel",
  "rotator",
  "flatpanel",
  "dome",
  "weather",
] as const;
export type BridgeRole = typeof BRIDGE_ROLES[number];

export const ALPACA_ACCESS = ["trusted", "lan"] as const;
export type AlpacaAccess = typeof ALPACA_ACCESS[number];

const Username = z.string().min(1).max(64)
  .refine(
    (u) => !u.includes(":"),
    "must not contain ':' (HTTP Basic separates it from the password)",
  )
  // deno-lint-ignore no-control-regex
  .refine((u) => !/[\u0000-\u001f\u007f]/.test(u), "must not contain control characters");
const Password = z.string().min(8).max(128)
  // deno-lint-ignore no-control-regex
  .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), "must not contain control characters");

export const AlpacaSettingsInput = z.strictObject({
  enabled: z.boolean().optional().describe("run the Alpaca server (port 11111) and discovery"),
  access: z.enum(ALPACA_ACCESS).optional().describe(
    "trusted: only loopback and the box's hotspot (server.trusted_networks); lan: anyone who " +
      "can reach the port",
  ),
  roles: z.array(z.enum(BRIDGE_ROLES)).max(BRIDGE_ROLES.length)
    .refine((r) => new Set(r).size === r.length, "lists a role twice").optional()
    .describe("which of the box's devices Alpaca clients see"),
  credentials: z.object({ username: Username, password: Password }).nullable().optional()
    .describe(
      "HTTP Basic credentials asked of clients outside the trusted networks (ASCOM Remote, the " +
        "ASCOM Library's Alpaca clients and NINA send them); null removes them",
    ),
}).meta({ id: "AlpacaSettingsInput" });
export type AlpacaSettingsInput = z.infer<typeof AlpacaSettingsInput>;

export const AlpacaStatusDto = z.object({
  enabled: z.boolean(),
  listening: z.boolean().describe("the server is up (false while disabled or if it failed)"),
  port: z.number().nullable(),
  discovery_port: z.number().nullable().describe("UDP port answering alpacadiscovery1"),
  access: z.enum(ALPACA_ACCESS),
  trusted_networks: z.array(z.string()).describe("served without credentials, always"),
  credentials: z.object({ username: z.string() }).nullable()
    .describe("set: clients outside the trusted networks must send them"),
  roles: z.array(z.object({
    role: z.enum(BRIDGE_ROLES),
    exposed: z.boolean(),
    assigned: z.boolean().describe("the active profile has a device for it"),
    name: z.string().nullable(),
  })),
  last_refused: z.object({
    address: z.string(),
    at: z.string(),
    status: z.union([z.literal(401), z.literal(403)]),
    reason: z.string(),
  }).nullable().describe("the last client turned away, to tell why NINA cannot connect"),
  error: z.string().nullable().describe("why the server is not listening although enabled"),
  remote_devices: z.array(z.object({
    role: z.string(),
    host: z.string(),
    port: z.number(),
    device_number: z.number(),
    state: z.enum(ROLE_STATES),
    name: z.string().nullable(),
    last_error: z.string().nullable(),
  })).describe("Alpaca devices elsewhere that the rig uses as drivers (the client side)"),
}).meta({ id: "AlpacaStatus" });
export type AlpacaStatusDto = z.infer<typeof AlpacaStatusDto>;
