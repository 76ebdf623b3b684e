/**
 * Dome group (a dome or a roll-off roof): status, shutter, azimuth slews, park, home, slaving to
 * the mount and abort. A command the dome cannot do (a roof has no azimuth) answers 409 from its
 * capabilities before anything is sent, with a message that says which capability is missing.
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted, Ok } from "../core/schemas/common.ts";
import {
  DomeShutterBody,
  DomeSlavedBody,
  DomeSlewBody,
  DomeStatusDto,
  toDomeStatusDto,
} from "../core/schemas/dome.ts";
import { conflict } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import type { Dome, DomeCapabilities } from "../devices/dome.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Dome"];

const CANNOT: Record<keyof DomeCapabilities, string> = {
  canSetAzimuth: "This dome cannot rotate to an azimuth",
  canSetShutter: "This dome cannot move its shutter",
  canPark: "This dome cannot park",
  canSlave: "This dome cannot follow the mount",
};

export function domeRoutes(s: Pick<Services, "hub">) {
  const app = newRouter();
  /** The dome, after checking it has `capability` (409 otherwise). */
  const dome = (capability?: keyof DomeCapabilities): Dome => {
    const d = s.hub.device("dome");
    if (capability && !d.capabilities[capability]) throw conflict(CANNOT[capability]);
    return d;
  };
  const accepted = (message: string) => ({ accepted: true as const, message });

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Shutter, azimuth, slewing, parked, at home, slaved",
      responses: { 200: json(DomeStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json(toDomeStatusDto(dome().status()), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/shutter",
      tags,
      summary: "Open or close the shutter (or roof)",
      description: "Answers 202 once it moves; dome.shutter_changed events follow.",
      request: jsonBody(DomeShutterBody),
      responses: { 202: json(Accepted, "Shutter moving"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { action } = c.req.valid("json");
      const d = dome("canSetShutter");
      if (action === "open") await d.openShutter();
      else await d.closeShutter();
      return c.json(accepted(action === "open" ? "opening" : "closing"), 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/slew",
      tags,
      summary: "Rotate to an azimuth (degrees from north through east)",
      request: jsonBody(DomeSlewBody),
      responses: { 202: json(Accepted, "Slew started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { azimuth } = c.req.valid("json");
      await dome("canSetAzimuth").slewToAzimuth(azimuth);
      return c.json(accepted(`slewing to ${azimuth}°`), 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/park",
      tags,
      summary: "Rotate to the park position",
      responses: { 202: json(Accepted, "Parking"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await dome("canPark").park();
      return c.json(accepted("parking"), 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/home",
      tags,
      summary: "Find the home position",
      responses: { 202: json(Accepted, "Homing"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      // The contract has no CanFindHome: homing is a rotation, so a dome that cannot rotate
      // (a roll-off roof) cannot home either.
      await dome("canSetAzimuth").findHome();
      return c.json(accepted("finding home"), 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/slave",
      tags,
      summary: "Follow the mount (slaved) or stay where it is",
      request: jsonBody(DomeSlavedBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { slaved } = c.req.valid("json");
      // Un-slaving is always allowed: it is how a user regains control.
      await dome(slaved ? "canSlave" : undefined).setSlaved(slaved);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/abort",
      tags,
      summary: "Stop rotation and shutter at once",
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await dome().abort();
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
