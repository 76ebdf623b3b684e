/**
 * Builds the HTTP application: the API under /api/v1 (one router per group), the event socket at
 * /ws, the OpenAPI document and its page, and the web app at /. Building it starts nothing;
 * `cli/serve.ts` hands `app.fetch` to Deno.serve.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { Services } from "../core/services.ts";
import { requireAuth } from "./auth.ts";
import { handleError, validationError } from "./errors.ts";
import { calibrationRoutes } from "./calibration.ts";
import { cameraRoutes } from "./camera.ts";
import { centeringRoutes } from "./centering.ts";
import { catalogRoutes } from "./catalog.ts";
import { devicesRoutes } from "./devices.ts";
import { docsRoutes } from "./docs.ts";
import { domeRoutes } from "./dome.ts";
import { filterwheelRoutes } from "./filterwheel.ts";
import { flatpanelRoutes } from "./flatpanel.ts";
import { focuserRoutes } from "./focuser.ts";
import { framesRoutes } from "./frames.ts";
import { guidingRoutes } from "./guiding.ts";
import { healthRoutes } from "./health.ts";
import { logsRoutes } from "./logs.ts";
import { livestackRoutes } from "./livestack.ts";
import { mountRoutes } from "./mount.ts";
import { polarAlignmentRoutes } from "./polar_alignment.ts";
import { profilesRoutes } from "./profiles.ts";
import { rotatorRoutes } from "./rotator.ts";
import { safetyRoutes } from "./safety.ts";
import { sequencerRoutes } from "./sequencer.ts";
import { schedulerRoutes } from "./scheduler.ts";
import { sequencesRoutes } from "./sequences.ts";
import { solverRoutes } from "./solver.ts";
import { templatesRoutes } from "./templates.ts";
import { weatherRoutes } from "./weather.ts";
import { webRoutes } from "./web.ts";
import type { WsHub } from "./ws.ts";

export const API_BASE = "/api/v1";

/** A router of one group; mounted under /api/v1. */
export type ApiRouter = OpenAPIHono;

export function newRouter(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.target, result.error);
    },
  });
}

export interface AppOptions {
  token: string;
  trustedNetworks: string[];
  corsOrigins: string[];
  ws: WsHub;
  version: string;
}

export function createApp(services: Services, options: AppOptions): OpenAPIHono {
  const app = newRouter();
  app.onError(handleError(services.log.child("http")));
  app.notFound((c) =>
    c.json({
      error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` },
    }, 404)
  );
  if (options.corsOrigins.length > 0) {
    app.use(`${API_BASE}/*`, cors({ origin: options.corsOrigins, credentials: false }));
  }
  const auth = requireAuth({
    token: options.token,
    trustedNetworks: options.trustedNetworks,
    publicPaths: [`${API_BASE}/health`],
  });
  app.use(`${API_BASE}/*`, auth);
  app.use("/ws", auth);

  const groups: [string, (s: Services) => OpenAPIHono][] = [
    ["", (s) => healthRoutes(s, options.version)],
    ["/mount", mountRoutes],
    ["/mount", centeringRoutes],
    ["/camera", cameraRoutes],
    ["/camera", livestackRoutes],
    ["/calibration", calibrationRoutes],
    ["/frames", framesRoutes],
    ["/focuser", focuserRoutes],
    ["/filterwheel", filterwheelRoutes],
    ["/rotator", rotatorRoutes],
    ["/flatpanel", flatpanelRoutes],
    ["/dome", domeRoutes],
    ["/weather", weatherRoutes],
    ["/safety", safetyRoutes],
    ["/guiding", guidingRoutes],
    ["/profiles", profilesRoutes],
    ["/devices", devicesRoutes],
    ["/logs", logsRoutes],
    ["/catalog", catalogRoutes],
    ["/sequences", sequencesRoutes],
    ["/sequencer", sequencerRoutes],
    ["/scheduler", schedulerRoutes],
    ["/templates", templatesRoutes],
    ["/solver", solverRoutes],
    ["/polar-alignment", polarAlignmentRoutes],
  ];
  for (const [prefix, build] of groups) app.route(`${API_BASE}${prefix}`, build(services));

  app.get("/ws", (c) => options.ws.upgrade(c));
  app.route("/", docsRoutes(app, options.version));
  app.route("/", webRoutes());
  return app;
}
