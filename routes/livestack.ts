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
        "Every camera.frame_ready of a light frame is then calibrated, analysed, checked, registered to the first accepted frame and accumulated; livestack.updated follows each frame. The body is optional: any options given replace the current ones. Starting again is harmless.",
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
      summary: "Clear the accumulated stack (stacking continues if it was running)",
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
      summary: "Live stack status: frames stacked and rejected, total exposure, preview URL",
      responses: { 200: json(LivestackStatusDto), ...errors([401]) },
    }),
    (c) => c.json(s.livestack.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/livestack/preview",
      tags,
      summary: "Auto-stretched JPEG of the current stack",
      responses: {
        200: {
          description: "The JPEG",
          content: { "image/jpeg": { schema: z.string().describe("binary") } },
        },
        ...errors([401, 404]),
      },
    }),
    (c) => {
      const jpeg = s.livestack.preview;
      if (!jpeg) throw notFound("The live stack is empty: no preview yet");
      return c.body(jpeg as Uint8Array<ArrayBuffer>, 200, {
        "content-type": "image/jpeg",
        "cache-control": "no-store",
      });
    },
  );

  return app;
}
