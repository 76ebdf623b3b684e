/**
 * Per-frame endpoints for the phone's image viewer and frames screen: browse saved frames by
 * night and target (`GET /frames`, `/frames/nights`), one frame's figures (`/frames/{id}`), its
 * FITS file, a region at a scale as a JPEG (`/frames/{id}/preview?x&y&w&h&max_px&stretch…`),
 * its stars and its histogram. Pixel work runs in the imaging workers (core/camera/
 * saved_frames.ts); a frame's file never changes, so its JPEGs are cacheable by URL.
 */
import { createRoute } from "@hono/zod-openapi";
import { basename } from "node:path";
import { z } from "zod";
import { SavedFrames, type SavedFramesDeps } from "../core/camera/saved_frames.ts";
import type { TaskRunner } from "../core/frames/frame_figures.ts";
import { badRequest } from "../lib/errors.ts";
import type { ViewStretch } from "../core/imaging/frame_view.ts";
import { FrameDto } from "../core/schemas/camera.ts";
import {
  FrameDetailDto,
  FrameIdParam,
  FrameNightsDto,
  FramePage,
  FramePageQuery,
  FramePreviewQuery,
  FrameStarsDto,
  FrameStarsQuery,
} from "../core/schemas/frames.ts";
import { HistogramDto, HistogramQuery, toHistogramDto } from "../core/schemas/histogram.ts";
import type { FrameRepository } from "../core/store/frames.ts";
import { errors, json } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Frames"];
const HOUR_MS = 3_600_000;

export interface FrameViewDeps {
  frames: Pick<FrameRepository, "get" | "list" | "nights">;
  dataDir: string;
  imaging: TaskRunner;
  /** The site's longitude (east positive) that names nights; 0 without a site. */
  siteLongitudeDeg: () => number;
  /** The frame just taken, when `id` is it (see SavedFramesDeps). */
  inMemory?: SavedFramesDeps["inMemory"];
  /** Screen previews rendered ahead of the first request (see SavedFramesDeps). */
  previews?: SavedFramesDeps["previews"];
  /** The frame sink's analysis of recent frames (see SavedFramesDeps). */
  measured?: SavedFramesDeps["measured"];
}

/** [from, to) in Unix ms of a night named by its evening's date at `longitudeDeg`. */
export function nightWindow(night: string, longitudeDeg: number): { fromMs: number; toMs: number } {
  const localNoonUtcMs = Date.parse(`${night}T12:00:00Z`) - (longitudeDeg / 15) * HOUR_MS;
  if (Number.isNaN(localNoonUtcMs)) throw badRequest("query.night", `${night} is not a date`);
  return { fromMs: localNoonUtcMs, toMs: localNoonUtcMs + 24 * HOUR_MS };
}

export function frameViewRoutes(d: FrameViewDeps) {
  const app = newRouter();
  const saved = new SavedFrames(d);

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "Saved frames, newest first, by night, target and type, a page at a time",
      request: { query: FramePageQuery },
      responses: { 200: json(FramePage), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const window = q.night === undefined ? {} : nightWindow(q.night, d.siteLongitudeDeg());
      const frames = await d.frames.list({
        limit: q.limit,
        before: q.before,
        object: q.object,
        frameType: q.frame_type,
        ...window,
      });
      const next = frames.length === q.limit ? frames[frames.length - 1]!.id : null;
      return c.json({ frames, next_before: next }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/nights",
      tags,
      summary: "The nights that have frames, newest first, with their targets",
      responses: { 200: json(FrameNightsDto), ...errors([401]) },
    }),
    async (c) => c.json({ nights: await d.frames.nights(d.siteLongitudeDeg()) }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "One frame: its row and its figures (stars, median HFR/FWHM, eccentricity)",
      request: { params: FrameIdParam },
      responses: { 200: json(FrameDetailDto), ...errors([401, 404]) },
    }),
    async (c) => {
      const { dto, analysis: a, pixelScaleArcsec } = await saved.figures(c.req.valid("param").id);
      const figures = a === null ? null : {
        star_count: a.starCount,
        median_hfr_px: a.medianHfrPx,
        median_fwhm_px: a.medianFwhmPx,
        median_hfr_arcsec: a.medianHfrArcsec,
        median_fwhm_arcsec: a.medianFwhmArcsec,
        eccentricity: a.medianEccentricity,
        background_adu: a.backgroundAdu,
        noise_adu: a.noiseAdu,
        pixel_scale_arcsec: pixelScaleArcsec,
      };
      return c.json({ ...FrameDto.parse(dto), figures }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/file",
      tags,
      summary: "Download the frame's FITS file",
      request: { params: FrameIdParam },
      responses: {
        200: {
          description: "The FITS file as saved",
          content: { "application/fits": { schema: z.string().describe("binary") } },
        },
        ...errors([401, 404]),
      },
    }),
    async (c) => {
      const { path } = await saved.locate(c.req.valid("param").id);
      const file = await Deno.open(path, { read: true });
      const size = (await file.stat()).size;
      return c.body(file.readable, 200, {
        "content-type": "application/fits",
        "content-length": String(size),
        "content-disposition": `attachment; filename="${basename(path).replace(/"/g, "")}"`,
        "cache-control": "private, max-age=86400",
      });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/preview",
      tags,
      summary: "A region of the frame at a scale, stretched, as a JPEG",
      description:
        "Without x/y/w/h the whole frame. The region is clamped to the frame (to even pixels on " +
        "a Bayer frame) and averaged down so its longer side fits max_px; X-Region and " +
        "X-Frame-Size say what was rendered. stretch=auto applies the whole frame's screen " +
        "stretch, so regions match the full view; stretch=manual takes black, mid and white.",
      request: { params: FrameIdParam, query: FramePreviewQuery },
      responses: {
        200: {
          description: "The JPEG",
          content: { "image/jpeg": { schema: z.string().describe("binary") } },
        },
        ...errors([400, 401, 404]),
      },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const stretch: ViewStretch = q.stretch === "auto"
        ? { mode: "auto" }
        : { mode: "manual", black: q.black, white: q.white, mid: q.mid };
      const region = q.x === undefined ? undefined : { x: q.x, y: q.y!, w: q.w!, h: q.h! };
      const result = await saved.region(c.req.valid("param").id, {
        region,
        maxSizePx: q.max_px,
        quality: q.quality,
        stretch,
      });
      const r = result.region;
      return c.body(result.jpeg as Uint8Array<ArrayBuffer>, 200, {
        "content-type": "image/jpeg",
        "cache-control": "private, max-age=86400",
        "x-region": `${r.x},${r.y},${r.w},${r.h}`,
        "x-frame-size": `${result.frameWidthPx}x${result.frameHeightPx}`,
        "access-control-expose-headers": "x-region, x-frame-size",
      });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/stars",
      tags,
      summary: "The frame's stars (positions, HFR, FWHM), brightest first, for markers",
      request: { params: FrameIdParam, query: FrameStarsQuery },
      responses: { 200: json(FrameStarsDto), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const { dto, analysis } = await saved.analysis(id);
      const stars = (analysis?.stars ?? []).slice(0, c.req.valid("query").limit).map((s) => ({
        x: s.x,
        y: s.y,
        hfr_px: s.hfrPx,
        fwhm_px: s.fwhmPx,
        eccentricity: s.eccentricity,
        snr: s.snr,
        flux: s.flux,
      }));
      return c.json({
        frame_id: id,
        width: analysis?.widthPx ?? dto.width,
        height: analysis?.heightPx ?? dto.height,
        star_count: analysis?.starCount ?? 0,
        stars,
      }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}/histogram",
      tags,
      summary: "Histogram of the frame: per-channel counts, median and MAD",
      request: { params: FrameIdParam, query: HistogramQuery },
      responses: { 200: json(HistogramDto), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const histogram = await saved.histogram(id, c.req.valid("query").bins);
      return c.json(toHistogramDto(id, histogram), 200);
    },
  );

  return app;
}
