/**
 * Camera group: status, expose, abort, the latest frame (FITS or a stretched JPEG), cooler, the
 * frame list. The live-stack endpoints under /camera/livestack are in routes/livestack.ts.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { notFound } from "../lib/errors.ts";
import { latestFrameHistogram, latestFrameImage } from "../core/camera/latest_frame.ts";
import { HistogramDto, HistogramQuery, toHistogramDto } from "../core/schemas/histogram.ts";
import {
  CameraStatusDto,
  CoolerBody,
  ExposureParams,
  FrameDto,
  toCameraStatusDto,
} from "../core/schemas/camera.ts";
import { Ok } from "../core/schemas/common.ts";
import type { Services } from "../core/services.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Camera"];

const ExposeAccepted = z.object({
  accepted: z.literal(true),
  frame_id: z.string().describe("id the frame will have in camera.frame_ready"),
});

export function cameraRoutes(
  s: Pick<
    Services,
    "cooler" | "dataDir" | "exposures" | "frameSink" | "frames" | "hub" | "imaging"
  >,
) {
  const app = newRouter();
  const camera = () => s.hub.device("camera");

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Sensor info, cooler status (and the box's ramp), current exposure progress",
      responses: { 200: json(CameraStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => {
      const cam = camera();
      return c.json(toCameraStatusDto(cam.capabilities, cam.status(), s.cooler.ramp()), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/expose",
      tags,
      summary: "Start an exposure (duration, gain, offset, binning, frame type)",
      description:
        "Answers 202 with the id of the frame to come; camera.expose_progress events follow at 1 Hz, then camera.frame_ready once the FITS file is on disk.",
      request: jsonBody(ExposureParams),
      responses: { 202: json(ExposeAccepted, "Exposure started"), ...errors(DEVICE_ERRORS) },
    }),
    (c) => {
      const { frameId } = s.exposures.start(c.req.valid("json"));
      return c.json({ accepted: true as const, frame_id: frameId }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/abort",
      tags,
      summary: "Abort the current exposure (nothing is saved)",
      responses: {
        200: json(z.object({ ok: z.literal(true), aborted: z.boolean() })),
        ...errors(READ_ERRORS),
      },
    }),
    (c) => {
      camera(); // 503 when there is no camera, like every other command
      return c.json({ ok: true as const, aborted: s.exposures.abort() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/frame/latest",
      tags,
      summary: "Download the most recent captured frame",
      request: {
        query: z.object({
          format: z.enum(["fits", "jpeg"]).default("fits"),
          max_size: z.coerce.number().int().min(64).max(8192).default(1280)
            .describe("longest side of the JPEG, pixels"),
        }),
      },
      responses: {
        200: {
          description: "The FITS file, or an auto-stretched JPEG preview",
          content: {
            "application/fits": { schema: z.string().describe("binary") },
            "image/jpeg": { schema: z.string().describe("binary") },
          },
        },
        ...errors([400, 401, 404]),
      },
    }),
    async (c) => {
      const { format, max_size } = c.req.valid("query");
      const image = await latestFrameImage(s, format, max_size);
      if (!image) throw notFound("No frame has been taken yet");
      return c.body(image.bytes as Uint8Array<ArrayBuffer>, 200, {
        "content-type": image.contentType,
        "content-disposition": `inline; filename="${image.fileName}"`,
        "cache-control": "no-store",
        "x-frame-id": image.frameId,
      });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/frame/latest/histogram",
      tags,
      summary: "Histogram of the most recent frame: per-channel counts, median and MAD",
      request: { query: HistogramQuery },
      responses: { 200: json(HistogramDto), ...errors([400, 401, 404]) },
    }),
    async (c) => {
      const result = await latestFrameHistogram(s, c.req.valid("query").bins);
      if (!result) throw notFound("No frame has been taken yet");
      return c.json(toHistogramDto(result.frameId, result.histogram), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/frames",
      tags,
      summary: "Recent frames, newest first",
      request: {
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      },
      responses: { 200: json(z.object({ frames: z.array(FrameDto) })), ...errors([400, 401]) },
    }),
    async (c) => {
      const frames = await s.frames.list({ limit: c.req.valid("query").limit });
      return c.json({ frames }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/cooler",
      tags,
      summary: "Set cooler on/off and target temperature, at once or ramped",
      description: "Without ramp_c_per_min the set point changes at once. With it the box moves " +
        "the set point from the sensor's temperature to target_c at that rate (camera.status " +
        "shows cooler.ramp with the set point and ETA); with enabled false it warms the sensor " +
        "to target_c that way and then switches the cooler off. A new cooler request, the " +
        "camera disconnecting or another program setting the cooler ends a ramp.",
      request: jsonBody(CoolerBody),
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const { enabled, target_c, ramp_c_per_min } = c.req.valid("json");
      camera(); // 503 when there is no camera, before anything else
      await s.cooler.set({ enabled, targetC: target_c, rampCPerMin: ramp_c_per_min });
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
