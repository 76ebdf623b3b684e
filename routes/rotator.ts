/**
 * Rotator group: status, moves to a sky or a mechanical angle, sync after a plate solve, reverse
 * and halt. Angles are validated by the body schemas ([0, 360)); what the device cannot do (a
 * rotator that cannot reverse) is a 409 from the route, before any command is sent.
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted, Ok } from "../core/schemas/common.ts";
import {
  RotatorMoveBody,
  RotatorMoveMechanicalBody,
  RotatorReverseBody,
  RotatorStatusDto,
  RotatorSyncBody,
  toRotatorStatusDto,
} from "../core/schemas/rotator.ts";
import { conflict } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Rotator"];

export function rotatorRoutes(s: Pick<Services, "hub">) {
  const app = newRouter();
  const rotator = () => s.hub.device("rotator");

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Sky and mechanical angle, target, moving, reversed",
      responses: { 200: json(RotatorStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json(toRotatorStatusDto(rotator().status()), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/move",
      tags,
      summary: "Rotate to a sky position angle (degrees)",
      description: "Answers 202 once the move is under way; rotator.status events follow.",
      request: jsonBody(RotatorMoveBody),
      responses: { 202: json(Accepted, "Move started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { position } = c.req.valid("json");
      await rotator().moveTo(position);
      return c.json({ accepted: true as const, message: `rotating to ${position}°` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/move-mechanical",
      tags,
      summary: "Rotate to a mechanical angle (degrees), ignoring the sync offset",
      request: jsonBody(RotatorMoveMechanicalBody),
      responses: { 202: json(Accepted, "Move started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { position } = c.req.valid("json");
      await rotator().moveMechanical(position);
      return c.json({ accepted: true as const, message: `rotating to ${position}° mech` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/sync",
      tags,
      summary: "Declare the current sky angle (after a plate solve) without moving",
      request: jsonBody(RotatorSyncBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await rotator().sync(c.req.valid("json").position);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/reverse",
      tags,
      summary: "Reverse the direction of rotation",
      request: jsonBody(RotatorReverseBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { reversed } = c.req.valid("json");
      const r = rotator();
      if (!r.capabilities.canReverse && reversed) {
        throw conflict("This rotator cannot reverse its direction");
      }
      await r.setReversed(reversed);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/halt",
      tags,
      summary: "Stop rotating where it is",
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await rotator().halt();
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
