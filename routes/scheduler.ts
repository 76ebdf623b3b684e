/**
 * Scheduler group: plans (list, create with every problem in one 400, get, delete — 409 while
 * it runs), status (state, current target and why, progress per target, next evaluation), and
 * the controls: start { plan_id } (202), pause after the current exposure, resume, abort (stop
 * now and park), skip-target. Conflicts — starting while a sequence or a plan runs, pausing when
 * idle — are 409.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import {
  SchedulerPlan,
  SchedulerPlanDto,
  SchedulerPlanList,
  SchedulerStartBody,
  SchedulerStatusDto,
} from "../core/schemas/scheduler.ts";
import { IdParam } from "../core/schemas/sequence.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody, okAction } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Scheduler"];

export function schedulerRoutes(s: Pick<Services, "scheduler">) {
  const app = newRouter();
  const scheduler = s.scheduler;
  // Throws the 400 listing every problem; the schema already failed, so it always throws.
  const refuse = async (raw: unknown): Promise<never> => {
    await scheduler.validate(raw);
    throw new TypeError("a plan that failed its schema passed validation");
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/plans",
      tags,
      summary: "List observation plans",
      responses: { 200: json(SchedulerPlanList), ...errors([401]) },
    }),
    async (c) => c.json({ plans: await scheduler.plans.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/plans",
      tags,
      summary: "Create a multi-target plan",
      description: "Targets named without coordinates are looked up in the catalog now and " +
        "stored with them. A 400 lists every problem: the schema's and the rig's (filter " +
        "names, camera limits, a site, names not in the catalog, time windows).",
      request: jsonBody(SchedulerPlan),
      responses: { 201: json(SchedulerPlanDto, "Created"), ...errors([400, 401]) },
    }),
    async (c) => c.json(await scheduler.createPlan(c.req.valid("json")), 201),
    // On a schema failure, validate the raw body so the rig's problems join the schema's.
    (result) => result.success ? undefined : refuse((result as { data?: unknown }).data),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/plans/{id}",
      tags,
      summary: "Get a plan",
      request: { params: IdParam },
      responses: { 200: json(SchedulerPlanDto), ...errors([401, 404]) },
    }),
    async (c) => c.json(await scheduler.plans.get(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/plans/{id}",
      tags,
      summary: "Delete a plan",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors([401, 404, 409]) },
    }),
    async (c) => {
      await scheduler.deletePlan(c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Scheduler state, current target, progress",
      responses: { 200: json(SchedulerStatusDto), ...errors([401]) },
    }),
    async (c) => c.json(await scheduler.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/start",
      tags,
      summary: "Start automated observation",
      description: "Runs the startup procedure, then images the best target now, block by " +
        "block. A plan started again continues with the frames it already has.",
      request: jsonBody(SchedulerStartBody),
      responses: {
        202: json(z.object({ accepted: z.literal(true), plan_id: z.string() }), "Started"),
        ...errors([400, 401, 404, 409]),
      },
    }),
    async (c) => {
      const { plan_id } = c.req.valid("json");
      await scheduler.start(plan_id);
      return c.json({ accepted: true as const, plan_id }, 202);
    },
  );

  const action = (path: string, summary: string, act: () => unknown) =>
    okAction(app, tags, path, summary, act);
  action("/pause", "Pause scheduler (after the current exposure)", () => scheduler.pause());
  action("/resume", "Resume scheduler", () => scheduler.resume());
  action("/abort", "Abort and park", () => scheduler.abort());
  action("/skip-target", "Skip current target, move to next", () => scheduler.skipTarget());

  return app;
}
