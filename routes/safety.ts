/** Safety group: the monitor's verdict, why, and what it did about it. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { Services } from "../core/services.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const SafetyStatusDto = z.object({
  state: z.enum(["safe", "unsafe", "waiting_to_resume"]),
  safe: z.boolean(),
  reasons: z.array(z.string()),
  since: z.string().describe("ISO 8601 UTC of the last change of verdict"),
  resume_at: z.string().nullable().describe("when the box reopens if it stays safe"),
  last_actions: z.array(z.string()).describe("what the last shutdown or resume did, in order"),
});

export function safetyRoutes(s: Pick<Services, "safety">) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags: ["Safety"],
      summary: "Safe or not, why, and what the box did about it",
      responses: { 200: json(SafetyStatusDto), ...errors([401]) },
    }),
    (c) => {
      const st = s.safety.status();
      return c.json({
        state: st.state,
        safe: st.safe,
        reasons: st.reasons,
        since: new Date(st.since_ms).toISOString(),
        resume_at: st.resume_at_ms === null ? null : new Date(st.resume_at_ms).toISOString(),
        last_actions: st.last_actions,
      }, 200);
    },
  );
  return app;
}
