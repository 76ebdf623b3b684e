/**
 * Autofocus, mounted under /focuser: start a V-curve run (202 with its id; autofocus.point events
 * follow), read the current or last run, abort it. The run itself is core/autofocus/.
 */
import { createRoute } from "@hono/zod-openapi";
import { Ok } from "../core/schemas/common.ts";
import { AutofocusBody, AutofocusStartedDto, AutofocusStatusDto } from "../core/schemas/focuser.ts";
import type { Services } from "../core/services.ts";
import { conflict } from "../lib/errors.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Focuser"];

export function autofocusRoutes(s: Pick<Services, "autofocus">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/autofocus",
      tags,
      summary: "Start the V-curve autofocus routine",
      description: "Answers 202 with the run id at once; autofocus.point events follow for " +
        "each point, then autofocus.completed or autofocus.failed. The body is optional tuning.",
      request: {
        body: { content: { "application/json": { schema: AutofocusBody } }, required: false },
      },
      responses: {
        202: json(AutofocusStartedDto, "Autofocus started"),
        ...errors([400, 401, 409, 503]),
      },
    }),
    (c) => {
      const { runId } = s.autofocus.begin(c.req.valid("json") ?? {});
      return c.json({ accepted: true as const, run_id: runId }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/autofocus",
      tags,
      summary: "The current or last autofocus run: points, fit, result; temperature compensation",
      responses: { 200: json(AutofocusStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.autofocus.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/autofocus/abort",
      tags,
      summary: "Abort the running autofocus (the focuser goes back to its start position)",
      responses: { 200: json(Ok), ...errors([401, 409]) },
    }),
    (c) => {
      if (!s.autofocus.abort()) throw conflict("No autofocus run is under way");
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
