/**
 * Flat panel group (ASCOM CoverCalibrator): status, the dust cover and the light. The brightness
 * checks are here because the maximum belongs to the connected panel; whether a panel has a
 * cover or a light at all is the driver's call (it answers 409), so there is one source of truth.
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted, Ok } from "../core/schemas/common.ts";
import {
  FlatPanelCoverBody,
  FlatPanelLightBody,
  FlatPanelStatusDto,
  toFlatPanelStatusDto,
} from "../core/schemas/flatpanel.ts";
import { badRequest } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Flat panel"];

export function flatpanelRoutes(s: Pick<Services, "hub">) {
  const app = newRouter();
  const panel = () => s.hub.device("flatpanel");

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Cover state, light state and brightness",
      responses: { 200: json(FlatPanelStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => {
      const p = panel();
      return c.json(toFlatPanelStatusDto(p.capabilities, p.status()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/cover",
      tags,
      summary: "Open, close or halt the dust cover",
      description: "Answers 202 once the cover is moving; 409 when the panel has no cover.",
      request: jsonBody(FlatPanelCoverBody),
      responses: { 202: json(Accepted, "Cover moving"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { action } = c.req.valid("json");
      const p = panel();
      if (action === "open") await p.openCover();
      else if (action === "close") await p.closeCover();
      else await p.haltCover();
      const message = action === "halt" ? "cover halted" : `cover ${action}ing`;
      return c.json({ accepted: true as const, message }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/light",
      tags,
      summary: "Turn the light on at a brightness, or off",
      request: jsonBody(FlatPanelLightBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { on, brightness } = c.req.valid("json");
      const p = panel();
      if (!on) {
        await p.lightOff();
        return c.json({ ok: true as const }, 200);
      }
      if (brightness === undefined) throw badRequest("body.brightness", "required when on is true");
      const max = p.capabilities.maxBrightness;
      if (brightness > max) {
        throw badRequest("body.brightness", `must be ≤ ${max} (this panel's max_brightness)`);
      }
      await p.lightOn(brightness);
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
