/**
 * Profiles group: list, get, create, update, activate, delete equipment profiles. Bodies are
 * checked against each role's driver schema (profileSchemas), so a bad option is a 400 naming its
 * path, e.g. `body.devices.mount.options.slewRateDegPerS: must be ≤ 1000, got 5000`.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { profileSchemas } from "../core/profiles/schema.ts";
import type { Services } from "../core/services.ts";
import { describeIssues } from "../devices/driver_catalogue.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";
import { validationError } from "./errors.ts";

const tags = ["Profiles"];
const IdParam = z.object({ id: z.string().min(1) });

/** A request that fails its schema: every issue at its path, in the driver options' wording. */
function refuse(
  result: { success: boolean; target: string; error?: z.ZodError; data?: unknown },
): undefined {
  if (!result.success && result.error) {
    throw validationError(result.target, result.error, describeIssues, result.data);
  }
  return undefined;
}

export function profilesRoutes(s: Pick<Services, "drivers" | "exposures" | "profiles">) {
  const app = newRouter();
  const { input: ProfileInput, profile: Profile } = profileSchemas(s.drivers);

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List equipment profiles",
      responses: { 200: json(z.object({ profiles: z.array(Profile) })), ...errors([401]) },
    }),
    async (c) => c.json({ profiles: await s.profiles.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/active",
      tags,
      summary: "The active profile",
      responses: { 200: json(Profile), ...errors([401, 404]) },
    }),
    async (c) => {
      const active = (await s.profiles.list()).find((p) => p.active);
      if (!active) {
        return c.json({ error: { code: "not_found", message: "No active profile" } }, 404);
      }
      return c.json(active, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Get a profile",
      request: { params: IdParam },
      responses: { 200: json(Profile), ...errors([401, 404]) },
    }),
    async (c) => c.json(await s.profiles.get(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a profile (site, optics, a driver per device role)",
      description:
        "Each role's options are checked by its driver's schema (GET /devices/drivers); " +
        "an unknown key is refused, and the stored profile carries every option's value.",
      request: jsonBody(ProfileInput),
      responses: { 201: json(Profile, "Created"), ...errors([400, 401]) },
    }),
    async (c) => c.json(await s.profiles.create(c.req.valid("json")), 201),
    refuse,
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/{id}",
      tags,
      summary: "Replace a profile; editing the active one rebuilds the rig",
      request: { params: IdParam, ...jsonBody(ProfileInput) },
      responses: { 200: json(Profile), ...errors([400, 401, 404]) },
    }),
    async (c) => c.json(await s.profiles.update(c.req.valid("param").id, c.req.valid("json")), 200),
    refuse,
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{id}/activate",
      tags,
      summary: "Make this the active profile and connect its devices",
      request: { params: IdParam },
      responses: { 200: json(Profile), ...errors([401, 404, 409]) },
    }),
    async (c) => {
      if (s.exposures.busy) {
        return c.json({
          error: {
            code: "conflict",
            message: "An exposure is running; abort it before switching rigs",
          },
        }, 409);
      }
      return c.json(await s.profiles.activate(c.req.valid("param").id), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a profile (not the active one)",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors([401, 404, 409]) },
    }),
    async (c) => {
      await s.profiles.delete(c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  return app;
}
