/**
 * Frames group: the night's frames as one download. `GET /frames/export` streams a zip of the
 * frames matching a target, a time window and a frame type, read from disk as the client pulls,
 * so memory stays flat however large the archive is.
 */
import { createRoute } from "@hono/zod-openapi";
import { join } from "node:path";
import { z } from "zod";
import { badRequest, notFound } from "../lib/errors.ts";
import { ZIP32_LIMIT_BYTES, type ZipEntry, zipStream } from "../core/export/frames_zip.ts";
import { FrameTypeSchema } from "../core/schemas/camera.ts";
import type { Services } from "../core/services.ts";
import { errors } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Frames"];
const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const When = z.string().refine(
  (v) => !Number.isNaN(Date.parse(v)),
  "must be an ISO 8601 date or date-time",
);

const ExportQuery = z.object({
  object: z.string().min(1).max(80).optional().describe("OBJECT of the frames, exactly"),
  from: When.optional().describe("start, inclusive (a bare date means 00:00 UTC)"),
  to: When.optional().describe("end, exclusive (a bare date includes that whole day, UTC)"),
  frame_type: FrameTypeSchema.optional(),
});

export function framesRoutes(s: Pick<Services, "dataDir" | "frames">) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/export",
      tags,
      summary: "Download matching frames as one zip (streamed; FITS files stored uncompressed)",
      request: { query: ExportQuery },
      responses: {
        200: {
          description: "A zip of the FITS files, named openskylab-<object>-<date>.zip",
          content: { "application/zip": { schema: z.string().describe("binary") } },
        },
        ...errors([400, 401, 404]),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const fromMs = q.from === undefined ? undefined : Date.parse(q.from);
      const toMs = q.to === undefined
        ? undefined
        : Date.parse(q.to) + (DATE_ONLY.test(q.to) ? DAY_MS : 0);
      if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
        throw badRequest("query.to", `${q.to} is not after ${q.from}`);
      }
      const frames = await s.frames.search({
        object: q.object,
        frameType: q.frame_type,
        fromMs,
        toMs,
      });
      const entries: ZipEntry[] = [];
      const names = new Set<string>();
      let totalBytes = 0;
      let missing = 0;
      for (const frame of frames) {
        const path = join(s.dataDir, frame.path);
        try {
          totalBytes += (await Deno.stat(path)).size;
        } catch {
          missing++; // a row whose file was removed by hand: export the rest, and say so
          continue;
        }
        entries.push({
          name: uniqueName(frame.path, names),
          path,
          mtimeMs: Date.parse(frame.started_at),
        });
      }
      if (entries.length === 0) {
        throw notFound(
          frames.length === 0
            ? "No frames match this export"
            : `The ${frames.length} matching frames' files are missing from the data directory`,
        );
      }
      if (totalBytes > ZIP32_LIMIT_BYTES) {
        throw badRequest(
          "query",
          `the export would be ${
            (totalBytes / 2 ** 30).toFixed(1)
          } GiB of ${entries.length} frames; ` +
            "a zip without Zip64 holds under 4 GiB: narrow from/to or the frame type",
        );
      }
      const date = new Date(fromMs ?? Date.parse(frames[0]!.started_at)).toISOString().slice(0, 10);
      const fileName = `openskylab-${slug(q.object ?? "frames")}-${date}.zip`;
      return c.body(zipStream(entries), 200, {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="${fileName}"`,
        "cache-control": "no-store",
        "x-frame-count": String(entries.length),
        "x-frames-missing": String(missing),
      });
    },
  );

  return app;
}

/** The frame's name inside the archive: its path under frames/, made unique. */
function uniqueName(relativePath: string, taken: Set<string>): string {
  const base = relativePath.replace(/^frames\//, "");
  let name = base;
  for (let n = 2; taken.has(name); n++) name = base.replace(/(\.fits)?$/, `-${n}$1`);
  taken.add(name);
  return name;
}

function slug(text: string): string {
  return text.trim().replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "") || "frames";
}
