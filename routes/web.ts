/**
 * Serves the phone web app: the static files of `web/` at /, index.html for a directory. Paths
 * are decoded, resolved and required to stay inside `web/`, so `/..%2fconfig.toml` and the like
 * answer 404 instead of leaking the box's files. Mounted last, it answers only what no API route
 * claimed; anything it does not have falls through to the app's 404.
 */
import { Hono } from "hono";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const WEB_ROOT = resolve(fileURLToPath(new URL("../web/", import.meta.url)));

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
};

/** The file under `root` that `urlPath` names, or null when it would leave `root`. */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null; // malformed escapes
  }
  if (decoded.includes("\0")) return null;
  const relative = decoded.endsWith("/") ? `${decoded}index.html` : decoded;
  const path = resolve(root, `.${relative.startsWith("/") ? "" : "/"}${relative}`);
  return path.startsWith(root + sep) ? path : null;
}

export function webRoutes(root = WEB_ROOT): Hono {
  const app = new Hono();
  app.get("*", async (c) => {
    const path = resolveInside(root, c.req.path);
    if (!path) return c.notFound();
    let bytes: Uint8Array;
    try {
      const info = await Deno.stat(path);
      if (!info.isFile) return c.notFound();
      bytes = await Deno.readFile(path);
    } catch {
      return c.notFound();
    }
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
    // index.html changes with every firmware update; let the phone revalidate it each time.
    const cache = type.startsWith("text/html") ? "no-cache" : "public, max-age=3600";
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": type,
      "Cache-Control": cache,
      "X-Content-Type-Options": "nosniff",
    });
  });
  return app;
}
