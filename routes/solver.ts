/** Plate-solver group: start a solve, read its result, list the installed indexes. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { notFound } from "../lib/errors.ts";
import {
  DownloadAccepted,
  DownloadIndexBody,
  IndexesDto,
  SolveAccepted,
  SolveBody,
  SolveResultDto,
  toSolveResultDto,
} from "../core/schemas/solver.ts";
import type { Services } from "../core/services.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Plate Solver"];

export function solverRoutes(s: Pick<Services, "solver">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/solve",
      tags,
      summary: "Solve a FITS image (ASTAP, falling back to astrometry.net)",
      description: "Answers 202 with the job id; the result is at /solver/result/{id} and in " +
        "the solver.result event.",
      request: jsonBody(SolveBody),
      responses: { 202: json(SolveAccepted, "Solve queued"), ...errors([400, 401]) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const job = await s.solver.submit(body.image_path, {
        raHours: body.ra_hint,
        decDeg: body.dec_hint,
      });
      return c.json({ id: job.id }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/result/{id}",
      tags,
      summary: "A solve's status and figures (RA, Dec, position angle, pixel scale, solver)",
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: { 200: json(SolveResultDto), ...errors([401, 404]) },
    }),
    (c) => {
      const job = s.solver.get(c.req.valid("param").id);
      if (!job) throw notFound(`No solve job ${c.req.valid("param").id}`);
      return c.json(toSolveResultDto(job), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/indexes",
      tags,
      summary: "Installed ASTAP databases and astrometry.net index files",
      responses: { 200: json(IndexesDto), ...errors([401]) },
    }),
    async (c) => {
      const x = await s.solver.indexes();
      return c.json({
        field_width_arcmin: x.fieldWidthArcmin,
        astap: x.astap.map((d) => ({ name: d.name, files: d.files, size_bytes: d.sizeBytes })),
        astrometry_net: x.astrometryNet.map((f) => ({
          file: f.file,
          index_id: f.indexId,
          size_bytes: f.sizeBytes,
          quad_min_arcmin: f.quadMinArcmin,
          quad_max_arcmin: f.quadMaxArcmin,
          covers_field: f.coversField,
        })),
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/download-index",
      tags,
      summary: "Download a solver database from the configured mirror",
      description: "Answers 202 once started; solver.download_progress events report progress, " +
        "installation or the failure. 409 when no mirror is configured or it is already running.",
      request: jsonBody(DownloadIndexBody),
      responses: { 202: json(DownloadAccepted, "Download started"), ...errors([400, 401, 409]) },
    }),
    (c) => {
      const { target } = s.solver.downloads.start(c.req.valid("json").database);
      return c.json({ accepted: true as const, target }, 202);
    },
  );

  return app;
}
