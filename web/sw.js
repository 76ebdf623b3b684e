/*
 * The service worker: the app works from the phone's home screen when the box is out of reach.
 * The box renders this file per build (routes/web_build.ts) with the build id and the list of
 * the build's files, so a new firmware is a new worker that fetches the new files and drops
 * the old ones.
 *   - Pages: the network first (4 s), else the saved shell.
 *   - /app/<build>/…: from the cache (those URLs never change content).
 *   - API GETs: the network first; when it fails, the last saved answer, marked with
 *     X-OSL-Offline (when it was saved) so the app says it shows an old state.
 *   - Frame previews (immutable per URL): the cache first, the last 40 kept.
 * It runs in a service worker's scope, not a page's, so it is not type-checked with the app.
 */
const BUILD = "%BUILD%";
const PRECACHE = /*%PRECACHE%*/ [];
const SHELL_CACHE = `osl-shell-${BUILD}`;
const API_CACHE = "osl-api";
const IMAGE_CACHE = "osl-images";
const MAX_IMAGES = 40;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(["/", ...PRECACHE]);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("osl-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The box's CA certificate is a download, never the app's page (nor kept as it).
  if (url.pathname.startsWith("/tls/")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/app/")) {
    event.respondWith(fromCacheFirst(request, SHELL_CACHE));
  } else if (/^\/api\/v1\/frames\/[^/]+\/preview$/.test(url.pathname)) {
    event.respondWith(image(request));
  } else if (url.pathname.startsWith("/api/v1/")) {
    event.respondWith(api(request));
  }
});

async function page(request) {
  try {
    const response = await fetch(request, { signal: AbortSignal.timeout(4000) });
    if (response.ok && (response.headers.get("content-type") ?? "").includes("text/html")) {
      const cache = await caches.open(SHELL_CACHE);
      await cache.put("/", response.clone());
    }
    return response;
  } catch {
    const saved = await caches.match("/", { cacheName: SHELL_CACHE });
    return saved ?? new Response("OpenSkyLab is not reachable and this phone has no saved copy.", {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}

async function fromCacheFirst(request, cacheName) {
  const saved = await caches.match(request, { cacheName });
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok) (await caches.open(cacheName)).put(request, response.clone());
  return response;
}

async function api(request) {
  const cache = await caches.open(API_CACHE);
  try {
    const response = await fetch(request);
    const type = response.headers.get("content-type") ?? "";
    if (response.ok && type.includes("json")) {
      const headers = new Headers(response.headers);
      headers.set("x-osl-saved-at", String(Date.now()));
      const body = await response.clone().arrayBuffer();
      await cache.put(request, new Response(body, { status: 200, headers }));
    }
    return response;
  } catch (err) {
    const saved = await cache.match(request);
    if (!saved) throw err;
    const headers = new Headers(saved.headers);
    headers.set("x-osl-offline", saved.headers.get("x-osl-saved-at") ?? "0");
    return new Response(await saved.arrayBuffer(), { status: 200, headers });
  }
}

async function image(request) {
  const cache = await caches.open(IMAGE_CACHE);
  const saved = await cache.match(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    const keys = await cache.keys();
    for (const old of keys.slice(0, Math.max(0, keys.length - MAX_IMAGES))) await cache.delete(old);
  }
  return response;
}
