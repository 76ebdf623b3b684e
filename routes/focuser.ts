/**
 * Focuser group: status, absolute and relative moves, halt (autofocus is routes/autofocus.ts,
 * mounted under /focuser too). The range check lives here rather than in the body
 * schema because the limit (`max_position`) is a property of the connected focuser, not of the
 * API; a move outside it is the client's mistake and answers 400 naming the field, before the
 * device is ever asked.
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted, Ok } from "../core/schemas/common.ts";
import {
  FocuserMoveBody,
  FocuserMoveRelBody,
  FocuserStatusDto,
  toFocuserStatusDto,
} from "../core/schemas/focuser.ts";
import { badRequest } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Focuser"];

export function focuserRoutes(s: Pick<Services, "hub">) {
  const app = newRouter();
  const focuser = () => s.hub.device("focuser");

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Position, temperature, moving state, max position",
      responses: { 200: json(FocuserStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => {
      const f = focuser();
      return c.json(toFocuserStatusDto(f.capabilities, f.status()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/move",
      tags,
      summary: "Move to an absolute position (steps)",
      description: "Answers 202 once the move is under way; focuser.status events follow.",
      request: jsonBody(FocuserMoveBody),
      responses: { 202: json(Accepted, "Move started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { position } = c.req.valid("json");
      const f = focuser();
      const max = f.capabilities.maxPosition;
      if (position > max) {
        throw badRequest("body.position", `must be ≤ ${max} (this focuser's max_position)`);
      }
      await f.moveTo(position);
      return c.json({ accepted: true as const, message: `moving to ${position}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/move-rel",
      tags,
      summary: "Move relative to the current position (positive = out, negative = in)",
      request: jsonBody(FocuserMoveRelBody),
      responses: { 202: json(Accepted, "Move started"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { steps } = c.req.valid("json");
      const f = focuser();
      const max = f.capabilities.maxPosition;
      // Relative to where the focuser is, not where a running move was headed (ASCOM semantics).
      const target = f.status().position + steps;
      if (target < 0 || target > max) {
        throw badRequest("body.steps", `would move the focuser to ${target}, outside 0..${max}`);
      }
      await f.moveTo(target);
      return c.json({ accepted: true as const, message: `moving to ${target}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/halt",
      tags,
      summary: "Stop a move where it is",
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      await focuser().halt();
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
