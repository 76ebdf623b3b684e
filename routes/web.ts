/**
 * Serves the phone web app from `web/`. The app's modules, styles and vendored libraries are
 * served under `/app/<build>/…`, where `<build>` is the firmware version and a hash of every file
 * of `web/`: those URLs never change content, so the phone caches them for good (`immutable`),
 * and the shell (`/`, no-cache, strong ETag) names the current build, so a phone never runs new
 * HTML with old scripts or the reverse after an update. A request for another build's asset is a
 * 404, which the app takes as "the box was updated" and reloads. `/sw.js` is rendered with the
 * build and the list of its files for the service worker's offline cache. Text is sent gzipped
 * when the phone accepts it (compressed once, kept in memory: the app is a few hundred KB).
 * Paths are decoded, resolved and required to stay inside `web/`; mounted last, this router
 * answers only what no API route claimed.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { type Asset, loadWebBuild, type WebBuild } from "./web_build.ts";

const WEB_ROOT = resolve(fileURLToPath(new URL("../web/", import.meta.url)));

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

export interface WebRoutesOptions {
  root?: string;
  /** Firmware version: part of the build id, shown by the app. */
  version?: string;
}

const IMMUTABLE = "public, max-age=31536000, immutable";
const REVALIDATE = "no-cache";

export function webRoutes(options: WebRoutesOptions = {}): Hono {
  const root = options.root ?? WEB_ROOT;
  const version = options.version ?? "dev";
  let build: Promise<WebBuild> | null = null;
  // Read and hashed on first use, then kept: the files change only with the firmware.
  const current = () => build ??= loadWebBuild(root, version);
  const app = new Hono();

  app.get("/app/:build/*", async (c) => {
    const b = await current();
    if (c.req.param("build") !== b.id) {
      return c.text(`This app build is not on the box (it runs ${b.id}); reload.`, 404, {
        "Cache-Control": "no-store",
      });
    }
    const rest = c.req.path.slice(`/app/${b.id}`.length);
    if (rest === "/precache.json") {
      return send(c, b.rendered.get("precache.json")!, REVALIDATE);
    }
    const asset = assetAt(root, b, rest);
    return asset ? send(c, asset, IMMUTABLE) : c.notFound();
  });

  app.get("*", async (c) => {
    const b = await current();
    const path = c.req.path;
    if (path === "/" || path === "/index.html") {
      return send(c, b.rendered.get("index.html")!, REVALIDATE);
    }
    if (path === "/sw.js") {
      return send(c, b.rendered.get("sw.js")!, REVALIDATE, { "Service-Worker-Allowed": "/" });
    }
    const asset = assetAt(root, b, path);
    return asset ? send(c, asset, REVALIDATE) : c.notFound();
  });
  return app;
}

function assetAt(root: string, build: WebBuild, urlPath: string): Asset | null {
  const path = resolveInside(root, urlPath);
  if (!path) return null;
  return build.assets.get(path.slice(root.length + 1).split(sep).join("/")) ?? null;
}

/** The asset, gzipped when accepted, with a strong ETag per representation and 304s. */
function send(
  c: Context,
  asset: Asset,
  cacheControl: string,
  extra: Record<string, string> = {},
): Response {
  const gzip = asset.gzip !== null && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  const etag = `"${asset.hash}${gzip ? "-gz" : ""}"`;
  const headers: Record<string, string> = {
    "Content-Type": asset.contentType,
    "Cache-Control": cacheControl,
    "ETag": etag,
    "X-Content-Type-Options": "nosniff",
    ...extra,
  };
  if (asset.gzip !== null) headers["Vary"] = "Accept-Encoding";
  const match = c.req.header("if-none-match");
  if (match && match.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag)) {
    return new Response(null, { status: 304, headers });
  }
  if (gzip) headers["Content-Encoding"] = "gzip";
  const body = gzip ? asset.gzip! : asset.bytes;
  return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers });
}
