/**
 * Builds the HTTP application: the API under /api/v1 (the routers it is given, one per group),
 * the event socket at /ws, the OpenAPI document and its page, and the web app at /. Answers under
 * /api are compressed for clients that accept it (routes/compress.ts). Each router
 * is built by the composition (cli/compose/http.ts) from only the services it uses, so a test
 * builds an app of just the groups it exercises. Building it starts nothing.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { Logger } from "../lib/log.ts";
import { requireAuth } from "./auth.ts";
import { compress } from "./compress.ts";
import { handleError, limitBody, refuseOtherMethods, validationError } from "./errors.ts";
import type { Hono } from "hono";
import { docsRoutes } from "./docs.ts";
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

/** A router and where under /api/v1 it is mounted ("" for the root, e.g. /health). */
export interface RouteGroup {
  prefix: string;
  router: ApiRouter;
  /** Anyone may read it, token or not (root groups only: the CA certificate a phone installs). */
  public?: boolean;
}

export interface AppOptions {
  groups: RouteGroup[];
  /** Routers mounted at the root instead of /api/v1, behind the same auth (e.g. /metrics). */
  rootGroups?: RouteGroup[];
  log: Logger;
  token: string;
  trustedNetworks: string[];
  corsOrigins: string[];
  ws: WsHub;
  version: string;
  /** Routers mounted at / before the web app (the captive portal's probe answers). */
  rootRoutes?: Hono[];
}

export function createApp(options: AppOptions): OpenAPIHono {
  const app = newRouter();
  app.onError(handleError(options.log.child("http")));
  app.notFound((c) =>
    c.json({
      error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` },
    }, 404)
  );
  // The API and its docs; the web app serves its own pre-compressed files, /ws is not HTTP.
  app.use("/api/*", compress());
  if (options.corsOrigins.length > 0) {
    app.use(`${API_BASE}/*`, cors({ origin: options.corsOrigins, credentials: false }));
  }
  const auth = requireAuth({
    token: options.token,
    trustedNetworks: options.trustedNetworks,
    publicPaths: [`${API_BASE}/health`],
  });
  app.use(`${API_BASE}/*`, auth);
  app.use(`${API_BASE}/*`, refuseOtherMethods(app, API_BASE));
  app.use(`${API_BASE}/*`, limitBody([`${API_BASE}/update/upload`]));
  app.use("/ws", auth);
  for (const { prefix, public: open } of options.rootGroups ?? []) {
    if (!/^\/[a-z]/.test(prefix)) throw new TypeError(`root group "${prefix}" needs a path`);
    if (open) continue;
    app.use(prefix, auth);
    app.use(`${prefix}/*`, auth);
  }

  for (const { prefix, router } of options.groups) app.route(`${API_BASE}${prefix}`, router);
  for (const { prefix, router } of options.rootGroups ?? []) app.route(prefix, router);

  app.get("/ws", (c) => options.ws.upgrade(c));
  app.route("/", docsRoutes(app, options.version));
  for (const router of options.rootRoutes ?? []) app.route("/", router);
  app.route("/", webRoutes({ version: options.version }));
  return app;
}
