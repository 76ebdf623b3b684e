/**
 * The OpenAPI 3.1 document at /api/v1/openapi.json (built from the same zod schemas that validate
 * requests) and an interactive page at /api/docs. The box is usually offline, so swagger-ui is
 * served from our own npm copy (swagger-ui-dist), never a CDN. The page is public but the
 * document sits under /api/v1 and its auth: a remote user opens `/api/docs?token=…` and the page
 * sends that token as a bearer header on every request it makes, the document included.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { notFound } from "../lib/errors.ts";

const DESCRIPTION = [
  "REST API of the OpenSkyLab telescope control box. Real-time events: WebSocket at /ws,",
  "messages `{ type, ts, data }`, filter with `?topics=mount.*,alert`.",
  "",
  "Clients on loopback or on the box's hotspot need no token; everyone else sends",
  "`Authorization: Bearer <token>` (the token is in ~/.config/openskylab/config.toml).",
  "",
  "Errors: `{ error: { code, message, details? } }`.",
].join("\n");

/** The swagger-ui files the page needs, with their content types. */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OpenSkyLab API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script>
  const token = new URLSearchParams(location.search).get("token");
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // Remote users cannot fetch the document (or try a call) without the bearer token.
    requestInterceptor: (req) => {
      if (token && !req.headers.Authorization) req.headers.Authorization = "Bearer " + token;
      return req;
    },
  });
</script>
</body>
</html>
`;

/** Reads a swagger-ui-dist file once and keeps it: the bundle is ~1.5 MB and never changes. */
function assetLoader(): (name: string) => Promise<Uint8Array> {
  const cache = new Map<string, Promise<Uint8Array>>();
  return (name) => {
    let pending = cache.get(name);
    if (!pending) {
      const dir = dirname(fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));
      pending = Deno.readFile(join(dir, name));
      // A failed read is not cached, so installing the package later fixes the page.
      pending.catch(() => cache.delete(name));
      cache.set(name, pending);
    }
    return pending;
  };
}

export function docsRoutes(app: OpenAPIHono, version: string): Hono {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "Needed only by clients outside the trusted networks",
  });
  app.doc31("/api/v1/openapi.json", {
    openapi: "3.1.0",
    info: { title: "OpenSkyLab API", version, description: DESCRIPTION },
    servers: [{ url: "/" }],
    security: [{ bearerAuth: [] }],
  });

  const docs = new Hono();
  const load = assetLoader();
  docs.get("/api/docs", (c) => c.html(PAGE));
  docs.get("/api/docs/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (!type) throw notFound(`No such file: /api/docs/${file}`);
    let bytes: Uint8Array;
    try {
      bytes = await load(file);
    } catch (err) {
      throw notFound(`swagger-ui-dist is not installed here (${String(err)})`);
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=86400",
    });
  });
  return docs;
}
