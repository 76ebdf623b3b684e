/**
 * Calibration library group: capture runs (bias, dark, flat, dark-flat) that end in a master,
 * masters built from frame ids, listed, inspected, downloaded and deleted, and the question
 * "which masters match this light, and why".
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { notFound } from "../lib/errors.ts";
import {
  BuildMasterBody,
  CaptureBody,
  CaptureStatusDto,
  MasterDto,
  MasterListQuery,
  MatchDto,
  MatchQuery,
} from "../core/schemas/calibration.ts";
import { Ok } from "../core/schemas/common.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Calibration"];
const IdParam = z.object({ id: z.string().min(1) });

export function calibrationRoutes(s: Pick<Services, "calibration">) {
  const app = newRouter();
  const lib = s.calibration;

  app.openapi(
    createRoute({
      method: "post",
      path: "/capture",
      tags,
      summary: "Capture a run of bias, dark, flat or dark-flat frames and build their master",
      description:
        "Answers 202 once the first exposure is under way; calibration.progress events follow for each frame, then calibration.master_built.",
      request: jsonBody(CaptureBody),
      responses: { 202: json(CaptureStatusDto, "Capture started"), ...errors(DEVICE_ERRORS) },
    }),
    (c) => c.json(lib.capture.start(c.req.valid("json")), 202),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/capture",
      tags,
      summary: "The running capture run, else the last one",
      responses: { 200: json(CaptureStatusDto), ...errors([401, 404]) },
    }),
    (c) => {
      const status = lib.capture.status();
      if (!status) throw notFound("No calibration capture has run since the box started");
      return c.json(status, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/capture/abort",
      tags,
      summary: "Abort the capture run and its exposure (frames already saved are kept)",
      responses: {
        200: json(z.object({ ok: z.literal(true), aborted: z.boolean() })),
        ...errors([401]),
      },
    }),
    (c) => c.json({ ok: true as const, aborted: lib.capture.abort() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/masters",
      tags,
      summary: "Masters in the library, newest first",
      request: { query: MasterListQuery },
      responses: { 200: json(z.object({ masters: z.array(MasterDto) })), ...errors([400, 401]) },
    }),
    async (c) => c.json({ masters: await lib.list(c.req.valid("query")) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/masters",
      tags,
      summary: "Build a master from frames in the catalogue",
      description:
        "All frames must share camera, gain, offset, binning and size (and exposure for darks, filter for flats); a 400 names the first that does not.",
      request: jsonBody(BuildMasterBody),
      responses: { 201: json(MasterDto, "Built"), ...errors([400, 401, 404]) },
    }),
    async (c) => c.json(await lib.build(c.req.valid("json")), 201),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/masters/{id}",
      tags,
      summary: "One master's metadata",
      request: { params: IdParam },
      responses: { 200: json(MasterDto), ...errors([401, 404]) },
    }),
    async (c) => c.json(await lib.get(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/masters/{id}",
      tags,
      summary: "Delete a master: its FITS file and its row",
      request: { params: IdParam },
      responses: { 200: json(Ok), ...errors([401, 404]) },
    }),
    async (c) => {
      await lib.delete(c.req.valid("param").id);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/masters/{id}/file",
      tags,
      summary: "Download the master as a 32-bit float FITS file",
      request: { params: IdParam },
      responses: {
        200: {
          description: "The FITS file",
          content: { "application/fits": { schema: z.string().describe("binary") } },
        },
        ...errors([401, 404]),
      },
    }),
    async (c) => {
      const path = await lib.filePath(c.req.valid("param").id);
      let file: Deno.FsFile;
      try {
        file = await Deno.open(path, { read: true });
      } catch (err) {
        if (err instanceof Deno.errors.NotFound) {
          throw notFound(`The master's file ${path} is missing`);
        }
        throw err;
      }
      const { size } = await file.stat();
      return c.body(file.readable, 200, {
        "content-type": "application/fits",
        "content-length": String(size),
        "content-disposition": `attachment; filename="${path.split("/").at(-1)}"`,
      });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/match",
      tags,
      summary: "Which masters match a light, and why",
      description:
        "Give frame_id of a frame in the catalogue, or the light's gain, offset, binning and exposure_s (camera, temp_c, filter optional). tolerance_c is the largest temperature difference accepted (default 2 °C).",
      request: { query: MatchQuery },
      responses: { 200: json(MatchDto), ...errors([400, 401, 404]) },
    }),
    async (c) => c.json(await lib.match(c.req.valid("query")), 200),
  );

  return app;
}
