/**
 * Sequences group: list, create (every problem listed in one 400), get, delete (409 while it
 * runs). The body is validated here rather than by the route's schema alone, so the schema's
 * issues and the rig's (unknown filter, camera limits, missing site) come back together.
 */
import { createRoute } from "@hono/zod-openapi";
import { IdParam, Sequence, SequenceDto, SequenceList } from "../core/schemas/sequence.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Sequencer"];

export function sequencesRoutes(s: Pick<Services, "sequencer">) {
  const app = newRouter();
  // Throws the 400 listing every problem; the schema already failed, so it always throws.
  const refuse = async (raw: unknown): Promise<never> => {
    await s.sequencer.validate(raw);
    throw new TypeError("a sequence that failed its schema passed validation");
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List all saved sequences",
      responses: { 200: json(SequenceList), ...errors([401]) },
    }),
    async (c) => c.json({ sequences: await s.sequencer.sequences.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a new sequence",
      description: "A 400 lists every problem: the schema's and the rig's (filter names, camera " +
        "limits, a site for altitude and darkness limits, targets without coordinates).",
      request: jsonBody(Sequence),
      responses: { 201: json(SequenceDto, "Created"), ...errors([400, 401]) },
    }),
    async (c) => {
      const sequence = await s.sequencer.validate(c.req.valid("json"));
      return c.json(await s.sequencer.sequences.create(sequence), 201);
    },
    // On a schema failure, validate the raw body ourselves so the rig's problems join the
    // schema's in the one 400 (validate throws it).
    (result) => result.success ? undefined : refuse((result as { data?: unknown }).data),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Get sequence by ID",
      request: { params: IdParam },
      responses: { 200: json(SequenceDto), ...errors([401, 404]) },
    }),
    async (c) => c.json(await s.sequencer.sequences.get(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a sequence",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors([401, 404, 409]) },
    }),
    async (c) => {
      await s.sequencer.deleteSequence(c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

  return app;
}
