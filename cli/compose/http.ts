/**
 * The box's faces to the network: the API routers, each built from only the services it uses,
 * the app around them (auth, errors, /ws, docs, the phone app), and the groups outside /api/v1
 * (/metrics). The Alpaca bridge's own server is composed in alpaca.ts; the ports the app is
 * served on, in listen.ts.
 */
import type { Hono } from "hono";
import type { Services } from "../../core/services.ts";
import type { Logger } from "../../lib/log.ts";
import { createApp, type RouteGroup } from "../../routes/app.ts";
import { WsHub } from "../../routes/ws.ts";
import { alpacaBridgeRoutes } from "../../routes/alpaca_bridge.ts";
import { autofocusRoutes } from "../../routes/autofocus.ts";
import { calibrationRoutes } from "../../routes/calibration.ts";
import { cameraRoutes } from "../../routes/camera.ts";
import { catalogRoutes } from "../../routes/catalog.ts";
import { centeringRoutes } from "../../routes/centering.ts";
import { devicesRoutes } from "../../routes/devices.ts";
import { domeRoutes } from "../../routes/dome.ts";
import { filterwheelRoutes } from "../../routes/filterwheel.ts";
import { flatpanelRoutes } from "../../routes/flatpanel.ts";
import { focuserRoutes } from "../../routes/focuser.ts";
import { framesRoutes } from "../../routes/frames.ts";
import { frameViewRoutes } from "../../routes/frame_view.ts";
import { pixelScaleArcsec } from "../../core/frames/frame_figures.ts";
import { guidingRoutes } from "../../routes/guiding.ts";
import { healthRoutes } from "../../routes/health.ts";
import { licenseRoutes } from "../../routes/license.ts";
import { hipsRoutes } from "../../routes/hips.ts";
import { livestackRoutes } from "../../routes/livestack.ts";
import { logsRoutes } from "../../routes/logs.ts";
import { mosaicRoutes } from "../../routes/mosaic.ts";
import { mountRoutes } from "../../routes/mount.ts";
import { polarAlignmentRoutes } from "../../routes/polar_alignment.ts";
import { profilesRoutes } from "../../routes/profiles.ts";
import { rotatorRoutes } from "../../routes/rotator.ts";
import { safetyRoutes } from "../../routes/safety.ts";
import { schedulerRoutes } from "../../routes/scheduler.ts";
import { sequencerRoutes } from "../../routes/sequencer.ts";
import { sequencesRoutes } from "../../routes/sequences.ts";
import { solverRoutes } from "../../routes/solver.ts";
import { syncRoutes } from "../../routes/sync.ts";
import { systemRoutes } from "../../routes/system.ts";
import { metricsRoutes } from "../../routes/metrics.ts";
import { telemetryRoutes } from "../../routes/telemetry.ts";
import { templatesRoutes } from "../../routes/templates.ts";
import { updateRoutes } from "../../routes/update.ts";
import { tlsRoutes } from "../../routes/tls.ts";
import { weatherRoutes } from "../../routes/weather.ts";
import { wifiRoutes } from "../../routes/wifi.ts";
import type { BoxContext } from "./context.ts";

export interface AppNeeds {
  version: string;
  /** The box's own log (the app's errors go to its `http` child). */
  log: Logger;
  /** Routers at / before the web app: the captive portal's probe answers (network.ts). */
  rootRoutes: Hono[];
}

/** The app over every group, behind the config's token, trusted networks and CORS origins. */
export function composeApp(ctx: BoxContext, s: Services, needs: AppNeeds) {
  const { server, auth } = ctx.config;
  const ws = new WsHub(ctx.bus, ctx.logs.logger("ws"), {}, () => ctx.clock.now());
  const app = createApp({
    groups: apiGroups(s, needs.version),
    rootGroups: rootGroups(s),
    log: needs.log,
    token: auth.token,
    trustedNetworks: server.trusted_networks,
    corsOrigins: server.cors_origins,
    ws,
    version: needs.version,
    rootRoutes: needs.rootRoutes,
  });
  return { app, ws };
}

/** Every API group of the box, in the order the OpenAPI document lists them. */
export function apiGroups(s: Services, version: string): RouteGroup[] {
  return [
    { prefix: "", router: healthRoutes(s, version) },
    { prefix: "/mount", router: mountRoutes(s) },
    { prefix: "/mount", router: centeringRoutes(s) },
    { prefix: "/camera", router: cameraRoutes(s) },
    { prefix: "/camera", router: livestackRoutes(s) },
    { prefix: "/calibration", router: calibrationRoutes(s) },
    { prefix: "/frames", router: framesRoutes(s) },
    {
      prefix: "/frames",
      router: frameViewRoutes({
        frames: s.frames,
        dataDir: s.dataDir,
        imaging: s.imaging,
        siteLongitudeDeg: () => s.hub.site?.longitudeDeg ?? 0,
        previews: s.framePreviews,
        measured: (id) => s.frameSink.measured(id),
        inMemory: (id) => {
          const latest = s.frameSink.latest;
          if (latest?.dto.id !== id) return null;
          const { pixels, widthPx, heightPx, bayerPattern, request } = latest.frame;
          return {
            frame: { pixels, widthPx, heightPx, bayerPattern },
            pixelScaleArcsec: pixelScaleArcsec(
              s.hub.peek("camera")?.capabilities.pixelSizeUm,
              request.binning,
              s.hub.optics?.focalLengthMm,
            ),
          };
        },
      }),
    },
    { prefix: "/focuser", router: focuserRoutes(s) },
    { prefix: "/focuser", router: autofocusRoutes(s) },
    { prefix: "/filterwheel", router: filterwheelRoutes(s) },
    { prefix: "/rotator", router: rotatorRoutes(s) },
    { prefix: "/flatpanel", router: flatpanelRoutes(s) },
    { prefix: "/dome", router: domeRoutes(s) },
    { prefix: "/weather", router: weatherRoutes(s) },
    { prefix: "/safety", router: safetyRoutes(s) },
    { prefix: "/guiding", router: guidingRoutes(s) },
    { prefix: "/profiles", router: profilesRoutes(s) },
    { prefix: "/devices", router: devicesRoutes(s) },
    { prefix: "/logs", router: logsRoutes(s) },
    { prefix: "/catalog", router: catalogRoutes(s) },
    { prefix: "/sequences", router: sequencesRoutes(s) },
    { prefix: "/sequencer", router: sequencerRoutes(s) },
    { prefix: "/scheduler", router: schedulerRoutes(s) },
    { prefix: "/templates", router: templatesRoutes(s) },
    { prefix: "/solver", router: solverRoutes(s) },
    { prefix: "/polar-alignment", router: polarAlignmentRoutes(s) },
    { prefix: "/sync", router: syncRoutes(s) },
    { prefix: "/system", router: systemRoutes(s) },
    { prefix: "/license", router: licenseRoutes(s) },
    { prefix: "/mosaic", router: mosaicRoutes(s) },
    { prefix: "/hips", router: hipsRoutes(s) },
    { prefix: "/telemetry", router: telemetryRoutes(s) },
    { prefix: "/alpaca", router: alpacaBridgeRoutes(s) },
    { prefix: "/wifi", router: wifiRoutes(s) },
    { prefix: "/update", router: updateRoutes(s) },
  ];
}

/**
 * Groups outside /api/v1: Prometheus scrapes /metrics by convention (behind the same auth); a
 * phone fetches the box's CA certificate from /tls before it can trust HTTPS (public).
 */
export function rootGroups(s: Services): RouteGroup[] {
  return [
    { prefix: "/metrics", router: metricsRoutes(s) },
    { prefix: "/tls", router: tlsRoutes(s), public: true },
  ];
}
