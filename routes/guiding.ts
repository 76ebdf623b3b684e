/**
 * Guiding group (PHD2 behind the guider contract): status, the recent guide steps (the phone's
 * RA/Dec graph starts from them, then follows `guiding.step`), start, stop and dither. Starting and
 * dithering resolve at the guider only once the star has settled, which can take a minute, so
 * the handlers answer 202 as soon as the guider has accepted the command and let the settle run
 * in the background; a settle that fails is logged and raised as an `alert` event, because
 * nobody is waiting on the HTTP answer any more. `/stop` cancels the settles still running, so
 * stopping on purpose raises no alert.
 */
import { createRoute } from "@hono/zod-openapi";
import { Accepted, Ok } from "../core/schemas/common.ts";
import {
  DitherBody,
  GuideHistoryDto,
  GuideHistoryQuery,
  GuideStartBody,
  GuidingStatusDto,
  toGuidingStatusDto,
} from "../core/schemas/guider.ts";
import { conflict } from "../lib/errors.ts";
import type { Services } from "../core/services.ts";
import type { SettleParams } from "../devices/guider.ts";
import { DEVICE_ERRORS, errors, json, jsonBody, READ_ERRORS } from "./_openapi.ts";
import { newRouter } from "./app.ts";

const tags = ["Guiding"];

export function guidingRoutes(s: Pick<Services, "bus" | "guideSteps" | "hub" | "log">) {
  const app = newRouter();
  const guider = () => s.hub.device("guider");
  const log = s.log.child("guiding");
  /** Settles still running, so /stop can cancel them. */
  const running = new Set<AbortController>();

  /**
   * Runs a settling command without holding the request; a later failure becomes an alert. A
   * refusal the guider gives at once (a state conflict, a bad value, a fault) still reaches the
   * caller as an error response: the command counts as accepted only once it is still pending
   * after one turn of the event loop, i.e. once the guider is actually waiting for the star.
   */
  async function inBackground(
    what: string,
    task: (signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    const controller = new AbortController();
    running.add(controller);
    const settled = task(controller.signal).finally(() => running.delete(controller));
    const early = await Promise.race([
      settled.then(
        () => ({ failed: false as const }),
        (error) => ({ failed: true as const, error }),
      ),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 0)),
    ]);
    if (early?.failed) throw early.error;
    settled.then(
      () => log.info(`${what} settled`),
      (err: unknown) => {
        if (controller.signal.aborted) return log.info(`${what} cancelled by /guiding/stop`);
        const reason = err instanceof Error ? err.message : String(err);
        const message = `${what} did not settle: ${reason}`;
        log.warn(message);
        s.bus.publish("alert", { level: "warning", source: "guiding", message });
      },
    );
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/status",
      tags,
      summary: "Guide state, RMS RA/Dec/total (arcsec), star position, calibration state",
      responses: { 200: json(GuidingStatusDto), ...errors(READ_ERRORS) },
    }),
    (c) => c.json(toGuidingStatusDto(guider().status()), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/history",
      tags,
      summary: "The guide steps of the last N seconds (at most an hour), oldest first",
      description: "Each step as `guiding.step` carries it: the graph's first paint, after which " +
        "the events follow. Kept while the box runs, whichever guider fills the role.",
      request: { query: GuideHistoryQuery },
      responses: { 200: json(GuideHistoryDto), ...errors([400, 401]) },
    }),
    (c) =>
      c.json({
        steps: s.guideSteps.history(c.req.valid("query").seconds),
        pixel_scale: s.hub.peek("guider")?.status().pixelScaleArcsec ?? null,
      }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/start",
      tags,
      summary: "Start autoguiding",
      description: "Answers 202 at once; guiding.state_changed events follow, and an alert if " +
        "guiding does not settle. The body (settle criteria) is optional.",
      request: {
        body: { content: { "application/json": { schema: GuideStartBody } }, required: false },
      },
      responses: { 202: json(Accepted, "Guiding starting"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      // Without a body the validator hands over {}; parsing it fills in the defaults.
      const body = GuideStartBody.parse(c.req.valid("json"));
      const settle: SettleParams = {
        pixels: body.settle_pixels,
        timeS: body.settle_time,
        timeoutS: body.settle_timeout,
      };
      const g = guider();
      await inBackground("Guiding", (signal) => g.startGuiding(settle, signal));
      return c.json({ accepted: true as const, message: "starting guiding" }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/stop",
      tags,
      summary: "Stop autoguiding",
      responses: { 200: json(Ok), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const g = guider();
      for (const controller of running) controller.abort();
      await g.stopGuiding();
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/dither",
      tags,
      summary: "Dither by up to N pixels, then settle",
      description: "Answers 202 at once; the settle runs in the background (an alert if it " +
        "fails). 409 when not guiding or while a settle is in progress.",
      request: jsonBody(DitherBody),
      responses: { 202: json(Accepted, "Dithering"), ...errors(DEVICE_ERRORS) },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const g = guider();
      if (!g.capabilities.canDither) throw conflict("This guider cannot dither");
      const state = g.status().state;
      if (state !== "guiding") throw conflict(`Cannot dither: the guider is ${state}, not guiding`);
      const settle: SettleParams = {
        pixels: body.settle_pixels,
        timeS: body.settle_time,
        timeoutS: body.settle_timeout,
      };
      await inBackground("Dither", (signal) => g.dither(body.pixels, settle, signal));
      return c.json({ accepted: true as const, message: `dithering ${body.pixels} px` }, 202);
    },
  );

  return app;
}
