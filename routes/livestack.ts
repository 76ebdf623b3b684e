/**
 * Live-stack group, mounted under /camera beside the camera router: start (with optional
 * options), stop, reset, the status, and the stack's stretched JPEG preview. The work itself is
 * in core/livestack/; these routes only validate and answer.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { notFound } from "../lib/errors.ts";
import { LivestackStartBody, LivestackStatusDto } from "../core/schemas/livestack.ts";
import type { Services } from "../core/services.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Live stacking"];

const ResetDto = LivestackStatusDto.extend({
  discarded: z.number().describe("queued frames dropped by the reset"),
});

export function livestackRoutes(s: Pick<Services, "livestack">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/livestack/start",
      tags,
      summary: "Start live stacking incoming light frames",
      description:
        "Every camera.frame_ready of a light frame is then calibrated, analysed, checked, registered to the first accepted frame of its filter and accumulated into that filter's stack (frames of different filters are never mixed); livestack.updated follows each frame. The body is optional: any options given replace the current ones. Starting again is harmless.",
      request: {
        body: { content: { "application/json": { schema: LivestackStartBody } }, required: false },
      },
      responses: { 200: json(LivestackStatusDto), ...errors([400, 401]) },
    }),
    (c) => c.json(s.livestack.start(c.req.valid("json") ?? {}), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/livestack/stop",
      tags,
      summary: "Stop live stacking (the stack is kept; queued frames are still stacked)",
      responses: { 200: json(LivestackStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.livestack.stop(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/livestack/reset",
      tags,
      summary: "Clear every filter's stack (stacking continues if it was running)",
      responses: { 200: json(ResetDto), ...errors([401]) },
    }),
    async (c) => {
      const { discarded } = await s.livestack.reset();
      return c.json({ ...s.livestack.status(), discarded }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/livestack",
      tags,
      summary:
        "Live stack status: one stack per filter with its frames, exposure and preview URL, and the totals",
      responses: { 200: json(LivestackStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.livestack.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/livestack/preview",
      tags,
      summary: "Auto-stretched JPEG of one filter's stack (by default the latest frame's)",
      description:
        "Each entry of `stacks` in the status gives its own preview_url. `filter` names the stack; an empty value is the stack of frames taken without a filter.",
      request: {
        query: z.object({
          filter: z.string().max(64).optional().describe(
            "the stack's filter; empty: frames without a filter; absent: the current stack",
          ),
          v: z.string().max(32).optional().describe("a version, so the phone refetches"),
        }),
      },
      responses: {
        200: {
          description: "The JPEG",
          content: { "image/jpeg": { schema: z.string().describe("binary") } },
        },
        ...errors([401, 404]),
      },
    }),
    (c) => {
      const { filter } = c.req.valid("query");
      const jpeg = filter === undefined ? s.livestack.preview : s.livestack.previewOf(filter);
      if (!jpeg) {
        throw notFound(
          filter === undefined
            ? "The live stack is empty: no preview yet"
            : `No stack of filter "${filter}" has a preview yet`,
        );
      }
      return c.body(jpeg as Uint8Array<ArrayBuffer>, 200, {
        "content-type": "image/jpeg",
        "cache-control": "no-store",
      });
    },
  );

  return app;
}
