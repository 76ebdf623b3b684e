/**
 * Wi-Fi group: the box's radio through the Wi-Fi manager (core/wifi/). GET /wifi/status, GET
 * /wifi/scan (waits for a fresh scan), GET /wifi/networks (saved), POST /wifi/connect (202 with
 * what will happen to the phone's connection before it happens), POST /wifi/forget, POST
 * /wifi/hotspot (name, password, end of setup). Without NetworkManager each answers 503 with the
 * reason.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
  ConnectBody,
  ConnectPlanDto,
  ForgetBody,
  HotspotBody,
  SavedNetworksDto,
  ScanDto,
  WifiStatusDto,
} from "../core/schemas/wifi.ts";
import type { WifiManager } from "../core/wifi/wifi_manager.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const TAGS = ["Wi-Fi"];

export function wifiRoutes(d: { wifi: WifiManager }) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags: TAGS,
      summary: "The radio: hotspot or home network, its name, the box's address, the last join",
      responses: { 200: json(WifiStatusDto), ...errors([401, 503]) },
    }),
    async (c) => c.json(await d.wifi.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/scan",
      tags: TAGS,
      summary: "Networks in range (a fresh scan, ~8 s), strongest first",
      responses: { 200: json(ScanDto), ...errors([401, 503]) },
    }),
    async (c) => {
      const { networks } = await d.wifi.scan();
      return c.json({
        networks: networks.map((n) => ({
          ssid: n.ssid,
          signal_pct: n.signalPct,
          security: n.security,
          channel: n.channel,
          known: n.known,
          in_use: n.inUse,
        })),
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/networks",
      tags: TAGS,
      summary: "Saved home networks, the one joined first (highest priority) first",
      responses: { 200: json(SavedNetworksDto), ...errors([401, 503]) },
    }),
    async (c) => {
      const saved = await d.wifi.savedNetworks();
      return c.json({
        networks: saved.map((n) => ({ ssid: n.ssid, priority: n.priority, active: n.active })),
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/connect",
      tags: TAGS,
      summary: "Join a home network (saved with its password and priority)",
      description: "Answers at once with what will happen to the phone's connection " +
        "(`drops_your_connection`: one radio cannot be hotspot and client). The join starts " +
        "`starts_in_s` later, is verified (connected, with an address) within " +
        "`verify_within_s`, and ends in a `wifi.join` event; on failure the hotspot is back " +
        "and the reason is in `wifi.join` and `/wifi/status` → `last_join`.",
      request: jsonBody(ConnectBody),
      responses: { 202: json(ConnectPlanDto, "Accepted"), ...errors([400, 401, 409, 503]) },
    }),
    async (c) => c.json(await d.wifi.connect(c.req.valid("json")), 202),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/forget",
      tags: TAGS,
      summary: "Forget a saved network (the box goes back to its hotspot if it was on it)",
      request: jsonBody(ForgetBody),
      responses: {
        200: json(z.object({ ssid: z.string(), was_active: z.boolean() })),
        ...errors([400, 401, 404, 503]),
      },
    }),
    async (c) => c.json(await d.wifi.forget(c.req.valid("json").ssid), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/hotspot",
      tags: TAGS,
      summary: "Rename the hotspot, change its password, or end setup (the captive portal)",
      description: "The hotspot restarts a second after the answer when it is up: a phone on " +
        "it reconnects (with the new password, if changed).",
      request: jsonBody(HotspotBody),
      responses: { 200: json(WifiStatusDto), ...errors([400, 401, 503]) },
    }),
    async (c) => c.json(await d.wifi.setHotspot(c.req.valid("json")), 200),
  );

  return app;
}
