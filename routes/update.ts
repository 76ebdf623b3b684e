/**
 * Update group: over-the-air updates. POST /update/check (the configured URL's signed descriptor;
 * downloads and verifies a newer release), POST /update/upload (the phone sends a release tarball
 * as the raw body, for boxes that never see the internet), POST /update/apply (the staged release:
 * installed beside this one, database backed up, switched, restarted, health-gated), GET
 * /update/status and POST /update/rollback. Progress arrives as update.* events.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { UpdateCheckBody, UpdateStatusDto, UpdateUploadQuery } from "../core/schemas/update.ts";
import type { UpdateService } from "../core/update/update_service.ts";
import { AppError, badRequest } from "../lib/errors.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const TAGS = ["Update"];
/** What a release tarball may be sent as. */
const RELEASE_TYPES = ["application/octet-stream", "application/x-xz", "application/x-gtar"];

export function updateRoutes(d: { update: UpdateService }) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags: TAGS,
      summary: "The running release, what a check found, what is staged, the last apply",
      responses: { 200: json(UpdateStatusDto), ...errors([401]) },
    }),
    async (c) => c.json(await d.update.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/check",
      tags: TAGS,
      summary: "Check the update URL; download and verify a newer release",
      description: "The descriptor must be signed by the key built into the running release. " +
        "A release older than the running one is refused unless `force` (409).",
      request: jsonBody(UpdateCheckBody),
      responses: { 200: json(UpdateStatusDto), ...errors([400, 401, 409, 413]) },
    }),
    async (c) => c.json(await d.update.check(c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/upload",
      tags: TAGS,
      summary: "Upload a release tarball from the phone (the raw body); verified, then staged",
      description: "The body is `openskylab-<version>-linux-<arch>.tar.xz` as `deno task " +
        "release` wrote it: its MANIFEST.sig must verify against the running release's key and " +
        "every file against the MANIFEST (400 `release` otherwise). Refused before reading when " +
        "larger than `update.max_release_mb` (413) or with too little disk (409); another " +
        "content-type than application/octet-stream (or application/x-xz) is 415.",
      request: {
        query: UpdateUploadQuery,
        body: {
          content: {
            "application/octet-stream": { schema: z.string().describe("the release tarball") },
          },
          required: true,
        },
      },
      responses: { 200: json(UpdateStatusDto), ...errors([400, 401, 409, 413, 415]) },
    }),
    async (c) => {
      // A phone's file picker may label the file by its extension; anything else is not one.
      const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!RELEASE_TYPES.includes(type)) {
        throw new AppError(
          415,
          "unsupported_media_type",
          `body: send the release file with content-type application/octet-stream (got ${
            type ? `"${type}"` : "no content-type"
          })`,
          { field: "content-type" },
        );
      }
      const header = c.req.header("content-length");
      const length = header === undefined ? null : Number(header);
      if (length !== null && !(Number.isInteger(length) && length >= 0)) {
        throw badRequest("content-length", `not a byte count: ${header}`);
      }
      const force = c.req.valid("query").force === "true";
      return c.json(await d.update.upload(c.req.raw.body, length, force), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/apply",
      tags: TAGS,
      summary: "Install the staged release and restart into it (health-gated, rolls back)",
      description: "409 while a sequence or plan runs, with nothing staged, or when this box " +
        "does not run an installed release (a source checkout). The box restarts: follow " +
        "/update/status after it answers again.",
      responses: { 202: json(UpdateStatusDto, "Under way"), ...errors([401, 409]) },
    }),
    async (c) => c.json(await d.update.apply(), 202),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/rollback",
      tags: TAGS,
      summary: "Back to the release before the last update, with its database",
      responses: { 202: json(UpdateStatusDto, "Under way"), ...errors([401, 409]) },
    }),
    async (c) => c.json(await d.update.rollback(), 202),
  );

  return app;
}
