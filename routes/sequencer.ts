/**
 * Sequencer group: status (state, step, frame n of m, elapsed, ETA), start (or resume an
 * interrupted run), pause after the current exposure, resume, abort now, and the crash-recovery
 * checkpoint. Conflicts — starting while running, resuming with nothing to resume — are 409.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { CheckpointDto, SequencerStatusDto, StartBody } from "../core/schemas/sequence.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody, okAction } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Sequencer"];

export function sequencerRoutes(s: Pick<Services, "sequencer">) {
  const app = newRouter();
  const seq = s.sequencer;

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Current state, step, frame, elapsed time, ETA",
      responses: { 200: json(SequencerStatusDto), ...errors([401]) },
    }),
    (c) => c.json(seq.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/start",
      tags,
      summary: "Start running a sequence",
      description: "With resume: true, continues the sequence's interrupted run from its " +
        "checkpoint: every planned frame exactly once, the interrupted exposure retaken.",
      request: jsonBody(StartBody),
      responses: {
        202: json(z.object({ accepted: z.literal(true), run_id: z.string() }), "Started"),
        ...errors([400, 401, 404, 409]),
      },
    }),
    async (c) => {
      const { sequence_id, resume } = c.req.valid("json");
      const { run_id } = await seq.start(sequence_id, { resume });
      return c.json({ accepted: true as const, run_id }, 202);
    },
  );

  const action = (path: string, summary: string, act: () => unknown) =>
    okAction(app, tags, path, summary, act);
  action("/pause", "Pause after current exposure", () => seq.pause());
  action("/resume", "Resume paused sequence", () => seq.resume());
  action("/abort", "Abort and discard remaining", () => seq.abort());

  app.openapi(
    createRoute({
      method: "get",
      path: "/checkpoint",
      tags,
      summary: "Get recovery checkpoint (for crash resume)",
      responses: { 200: json(CheckpointDto), ...errors([401, 404]) },
    }),
    async (c) => c.json(await seq.checkpoint(), 200),
  );

  return app;
}
