/**
 * HiPS group: sky survey tiles for the framing view, in the IVOA HiPS 1.0 layout under
 * /hips/{survey}/ — so any HiPS client (Aladin Lite …) can use `/api/v1/hips/{survey}` as a
 * survey's base URL — plus the box's own endpoints: the surveys and where each comes from, the
 * cache's state, and prefetch jobs that download a region's tiles while the box has internet.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { ErrorEnvelope } from "../core/schemas/common.ts";
import {
  AllskyParams,
  CutoutQuery,
  HipsStatusDto,
  JobIdParam,
  PrefetchJobDto,
  PrefetchJobList,
  PrefetchRequest,
  RootFileParams,
  SurveyList,
  TileParams,
} from "../core/schemas/hips.ts";
import type { Services } from "../core/services.ts";
import type { HipsFile } from "../core/hips/surveys.ts";
import { parseOrder, parseTile } from "../core/hips/address.ts";
import { badRequest } from "../lib/errors.ts";
import { errors, json, jsonBody } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["HiPS"];
const binary = z.string().meta({ format: "binary" });

const FILE_ERRORS = {
  400: "The path breaks the HiPS layout (the message names the segment: norder, dir, tile, file)",
  401: "A remote client without a valid bearer token",
  404:
    "No such survey, or the survey has no such file (the upstream said so, or it is not mirrored)",
  502: "Not cached, and the upstream answered with an error or something that is not the file",
  504: "Not cached, and the upstream could not be reached in time (the box is offline)",
} as const;

function fileResponses(types: Record<string, string>) {
  const content = Object.fromEntries(Object.keys(types).map((t) => [t, { schema: binary }]));
  return {
    200: {
      description:
        `The file (${Object.values(types).join(", ")}). \`X-HiPS-Source\` says where it ` +
        "came from: mirror, generated, cache, upstream, or stale (an expired cached copy served " +
        "because the upstream could not be had; also marked by a `Warning: 110` header).",
      content,
    },
    ...Object.fromEntries(
      Object.entries(FILE_ERRORS).map(([status, description]) => [status, {
        description,
        content: { "application/json": { schema: ErrorEnvelope } },
      }]),
    ),
  } as const;
}

const TILE_TYPES = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "application/fits": "fits",
  "text/tab-separated-values": "tsv (catalogue surveys)",
};

function send(file: HipsFile): Response {
  const headers: Record<string, string> = {
    "content-type": file.contentType,
    "x-hips-source": file.source,
    "cache-control": file.source === "stale" ? "no-cache" : "public, max-age=86400",
  };
  if (file.source === "stale") headers["warning"] = '110 - "Response is Stale"';
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

export function hipsRoutes(s: Pick<Services, "hips">) {
  const app = newRouter();
  const hips = s.hips;

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "HiPS cache, surveys and prefetch at a glance",
      description: "The cache's size against its cap, every survey with its sources and " +
        "upstream state (online/offline), and the running prefetch job. A phone can probe this " +
        "path to learn the box has the group.",
      responses: { 200: json(HipsStatusDto), ...errors([401]) },
    }),
    async (c) => c.json(await hips.status(), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/surveys",
      tags,
      summary: "List the surveys this box serves",
      description: "Each with its HiPS base URL on the box (`base_url`), where its files come " +
        "from (a local mirror, upstream servers through the cache, or generated on the box: " +
        "`tycho2`, the installed Tycho-2 stars as a HiPS catalogue that works with no internet), " +
        "what its properties say (title, kind, orders, tile formats) once the box has them, and " +
        "how much of it is cached. Asks no upstream.",
      responses: { 200: json(SurveyList), ...errors([401]) },
    }),
    async (c) => c.json({ surveys: await hips.surveys() }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/prefetch",
      tags,
      summary: "Download a region's tiles for use offline",
      description: "Queues a job that fetches, into the cache, every tile of `survey` a disc " +
        "(`ra` hours, `dec`, `radius_deg`) touches at orders `min_order` … `max_order`, plus the " +
        "survey's properties and its Norder3 Allsky (or a catalogue's Metadata.xml). Orders " +
        "beyond the survey's are left out; `min_order` defaults to 3 for images (lower orders " +
        "are in the Allsky) and to the survey's lowest for catalogues; `format` to the survey's " +
        "first. Reads the survey's properties first, so the box must be online (else 504). " +
        "Refused (400) beyond `hips.prefetch_max_files` files. Progress: `hips.prefetch_progress` " +
        "events and GET /hips/prefetch/{id}; the end: `hips.prefetch_finished`. A job survives " +
        "a restart; one that stopped because the upstream went away can simply be posted again " +
        "(files already cached are skipped).",
      request: jsonBody(PrefetchRequest),
      responses: {
        202: json(PrefetchJobDto, "Queued"),
        ...errors([400, 401]),
        404: {
          description: "The survey's upstream has no properties file",
          content: { "application/json": { schema: ErrorEnvelope } },
        },
        502: {
          description: "The upstream answered the properties request badly",
          content: { "application/json": { schema: ErrorEnvelope } },
        },
        504: {
          description: "The upstream cannot be reached to read the survey's properties",
          content: { "application/json": { schema: ErrorEnvelope } },
        },
      },
    }),
    async (c) => c.json(await hips.prefetch(c.req.valid("json")), 202),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/prefetch",
      tags,
      summary: "List prefetch jobs",
      description: "Newest first: queued, running and the last 50 finished.",
      responses: { 200: json(PrefetchJobList), ...errors([401]) },
    }),
    async (c) => c.json({ jobs: await hips.jobs() }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/prefetch/{id}",
      tags,
      summary: "A prefetch job's progress",
      request: { params: JobIdParam },
      responses: { 200: json(PrefetchJobDto), ...errors([401, 404]) },
    }),
    async (c) => c.json(await hips.job(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/prefetch/{id}/cancel",
      tags,
      summary: "Cancel a prefetch job",
      description: "Stops it where it is (the files fetched stay cached). 409 once it has ended.",
      request: { params: JobIdParam },
      responses: { 200: json(PrefetchJobDto), ...errors([401, 404, 409]) },
    }),
    async (c) => c.json(await hips.cancel(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/cutout",
      tags,
      summary: "A picture of the stars around a position (offline)",
      description: "A JPEG of the Tycho-2 stars the box has (the `tycho2` survey) around " +
        "`ra` (hours), `dec`, `fov_deg` across the width: gnomonic, north up, east left, each " +
        "star drawn by its brightness. Works with no internet; for image surveys use their tiles " +
        "(a HiPS client with `base_url` from /hips/surveys). 503 without the index files.",
      request: { query: CutoutQuery },
      responses: {
        200: { description: "The picture", content: { "image/jpeg": { schema: binary } } },
        ...errors([400, 401]),
        503: {
          description: "No Tycho-2 index files installed",
          content: { "application/json": { schema: ErrorEnvelope } },
        },
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const bytes = await hips.cutout({
        raDeg: q.ra * 15,
        decDeg: q.dec,
        fovDeg: q.fov_deg,
        width: q.width,
        height: q.height,
      });
      return new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": "image/jpeg", "cache-control": "public, max-age=3600" },
      });
    },
  );

  fileRoutes(app, hips);
  return app;
}

function fileRoutes(app: OpenAPIHono, hips: Services["hips"]): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/{survey}/{file}",
      tags,
      summary: "A survey's root file: properties, Metadata.xml, Moc.fits, preview.jpg",
      description: "`properties` is the HiPS 1.0 description (`key = value` lines: " +
        "dataproduct_type, hips_order, hips_tile_format, hips_frame …); a catalogue survey has " +
        "`Metadata.xml`, a VOTable naming its TSV columns.",
      request: { params: RootFileParams },
      responses: fileResponses({
        "text/plain": "properties",
        "text/xml": "Metadata.xml",
        "application/fits": "Moc.fits",
        "image/jpeg": "preview.jpg",
      }),
    }),
    async (c) => {
      const { survey, file } = c.req.valid("param");
      return send(await hips.file(survey, file));
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{survey}/{norder}/{file}",
      tags,
      summary: "An all-sky file: Norder{k}/Allsky.{jpg,png,tsv}",
      description: "Every tile of a low order in one file (HiPS 1.0 §4.3.2): for images the " +
        "tiles side by side, usually at Norder3; for catalogues (tycho2: Norder1, Norder2) the " +
        "concatenated TSV tiles.",
      request: { params: AllskyParams },
      responses: fileResponses(TILE_TYPES),
    }),
    async (c) => {
      const { survey, norder, file } = c.req.valid("param");
      const order = parseOrder(norder);
      return send(await hips.file(survey, `Norder${order}/${file}`));
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{survey}/{norder}/{dir}/{tile}",
      tags,
      summary: "A tile: Norder{k}/Dir{d}/Npix{n}.{jpg,png,fits,tsv}",
      description: "The tile of NESTED HEALPix cell n at order k, with d = ⌊n / 10000⌋ × 10000 " +
        "(IVOA HiPS 1.0 §4.1): image tiles (jpg, png, fits) or catalogue tiles (tsv, first line " +
        "the column names; tycho2's are RAJ2000, DEJ2000 in degrees and Vmag, brightest " +
        "first). Served from a local mirror, generated, or from the cache; not cached, it is " +
        "fetched from the survey's upstream and cached. Offline, an expired cached copy is " +
        "served (X-HiPS-Source: stale); with none, 504. An upstream error is never a 500: 404 " +
        "(no such tile), 502 (bad answer) or 504 (no answer), each with the error envelope.",
      request: { params: TileParams },
      responses: fileResponses(TILE_TYPES),
    }),
    async (c) => {
      const { survey, norder, dir, tile } = c.req.valid("param");
      const address = parseTile(norder, dir, tile);
      return send(await hips.file(survey, address.path));
    },
  );

  // Anything deeper is not HiPS: say so in the envelope rather than a bare 404.
  app.get("/:survey/*", () => {
    throw badRequest(
      "path",
      "not a HiPS file path (properties, Norder{k}/Allsky.{ext}, Norder{k}/Dir{d}/Npix{n}.{ext})",
    );
  });
}
