/**
 * Templates group: save a sequence's plan (groups, loop, options) as a template, list them, and
 * instantiate one for a new target, which creates and returns a new sequence — validated like
 * any other, so a template whose filter left the wheel is refused with the reason.
 */
import { createRoute } from "@hono/zod-openapi";
import {
  IdParam,
  InstantiateBody,
  SequenceDto,
  TemplateBody,
  TemplateDto,
  TemplateList,
} from "../core/schemas/sequence.ts";
import type { Services } from "../core/services.ts";
import { badRequest } from "../lib/errors.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Templates"];

export function templatesRoutes(s: Pick<Services, "sequencer">) {
  const app = newRouter();
  const seq = s.sequencer;

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List sequence templates",
      responses: { 200: json(TemplateList), ...errors([401]) },
    }),
    async (c) => c.json({ templates: await seq.templates.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Save a sequence (its first target's plan) or a given plan as a template",
      request: jsonBody(TemplateBody),
      responses: { 201: json(TemplateDto, "Created"), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      let content = body.template;
      if (content === undefined) {
        const sequence = await seq.sequences.get(body.sequence_id ?? "");
        const first = sequence.targets[0];
        if (!first) {
          throw badRequest("body.sequence_id", "that sequence is instructions, not targets");
        }
        content = {
          groups: first.groups,
          loop: first.loop,
          rotation_deg: first.rotation_deg,
          options: sequence.options,
        };
      }
      return c.json(await seq.templates.create(body.name, content), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/{id}/instantiate",
      tags,
      summary: "Create a new sequence from a template for a target",
      request: { params: IdParam, ...jsonBody(InstantiateBody) },
      responses: { 201: json(SequenceDto, "Created"), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const template = await seq.templates.get(c.req.valid("param").id);
      const { target, name } = c.req.valid("json");
      const sequence = await seq.validate({
        name: name ?? `${template.name}: ${target.name}`,
        targets: [{
          ...target,
          rotation_deg: template.rotation_deg,
          groups: template.groups,
          loop: template.loop,
        }],
        options: template.options,
      });
      return c.json(await seq.sequences.create(sequence), 201);
    },
  );

  return app;
}
