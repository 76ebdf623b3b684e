/**
 * Mosaic group: compute a mosaic for a target (preview, or saved), the field the active profile
 * gives, list, get and delete saved mosaics, and turn one into a scheduler plan in one call.
 */
import { createRoute } from "@hono/zod-openapi";
import { IdParam } from "../core/schemas/sequence.ts";
import {
  MosaicDto,
  MosaicList,
  MosaicPlanBody,
  MosaicPlanResult,
  MosaicRequest,
  MosaicStatusDto,
  ProfileFieldDto,
} from "../core/schemas/mosaic.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Mosaic"];

const REQUEST_HELP = "Give `center` (J2000 RA hours, Dec degrees) or a catalog `target`; " +
  "`rows` and `cols`, or `cover` (the total field, degrees); `overlap_pct` (15) and " +
  "`rotation_deg` (0: rows run east–west, stacked northward). One panel's `field` defaults " +
  "to the active profile's camera sensor and focal length. Panel centres are computed on the " +
  "sphere — valid at the celestial pole and across RA 0 h — and each panel's `rotation_deg` is " +
  "the position angle the rotator takes for it. `order` is the imaging order for now from the " +
  "profile's site: the panels that set first go first, and each slew is to a neighbour. " +
  "`overlaps` gives every neighbouring pair's overlap (mid-edge, least, most); `warnings` says " +
  "what to know before imaging (curvature on very large mosaics, panels that never rise, " +
  "position angles that change across the mosaic without a rotator).";

export function mosaicRoutes(s: Pick<Services, "mosaic">) {
  const app = newRouter();
  const mosaic = s.mosaic;

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List saved mosaics",
      description: "Oldest first. A phone can also probe this path to learn the box has the group.",
      responses: { 200: json(MosaicList), ...errors([401]) },
    }),
    async (c) => c.json({ mosaics: await mosaic.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Plan and save a mosaic",
      description: `${REQUEST_HELP} Publishes \`mosaic.saved\`.`,
      request: jsonBody(MosaicRequest),
      responses: { 201: json(MosaicDto, "Saved"), ...errors([400, 401]) },
    }),
    async (c) => c.json(await mosaic.create(c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/preview",
      tags,
      summary: "Compute a mosaic without saving it",
      description: `The same answer as saving (with \`id\` null), for a framing view that ` +
        `redraws as the user changes the layout. ${REQUEST_HELP}`,
      request: jsonBody(MosaicRequest),
      responses: { 200: json(MosaicDto), ...errors([400, 401]) },
    }),
    async (c) => c.json(await mosaic.compute(c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "The mosaic group at a glance",
      description: "The field one panel covers with the active profile (null, with the reason, " +
        "when the profile has no camera or optics), how many mosaics are saved, and the most " +
        "panels a mosaic may have. A framing view can call it first.",
      responses: { 200: json(MosaicStatusDto), ...errors([401]) },
    }),
    async (c) => c.json(await mosaic.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/field",
      tags,
      summary: "The field one panel covers with the active profile",
      description: "From the camera's sensor (pixels × pixel size, the profile's pixel size " +
        "winning) and the profile's focal length. 409 when no profile, camera or sensor size.",
      responses: { 200: json(ProfileFieldDto), ...errors([401, 409]) },
    }),
    (c) => c.json(mosaic.field(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Get a saved mosaic",
      request: { params: IdParam },
      responses: { 200: json(MosaicDto), ...errors([401, 404]) },
    }),
    async (c) => c.json(await mosaic.get(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a saved mosaic",
      description: "Plans made from it stay. Publishes `mosaic.deleted`.",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors([401, 404]) },
    }),
    async (c) => {
      await mosaic.delete(c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{id}/plan",
      tags,
      summary: "Turn a saved mosaic into a scheduler plan",
      description: "Creates a scheduler plan (see /scheduler/plans) with one target per panel " +
        "in imaging order for `start_at` (default now), each with the panel's position angle " +
        "as `rotation_deg` — the rotator turns there before the panel's blocks — and the same " +
        "exposure `groups`. Every other plan field (constraints, startup, shutdown, " +
        "block_minutes, sequence_options …) is the scheduler's and passes through. A 400 lists " +
        "every problem, the rig's included (filter names, camera limits, a site). Publishes " +
        "`mosaic.planned`; start it with POST /scheduler/start.",
      request: { params: IdParam, ...jsonBody(MosaicPlanBody) },
      responses: { 201: json(MosaicPlanResult, "Plan created"), ...errors([400, 401, 404]) },
    }),
    async (c) => c.json(await mosaic.plan(c.req.valid("param").id, c.req.valid("json")), 201),
  );

  return app;
}
