// @ts-check
/**
 * The app's one way to the REST API. Every call goes to the box that served the page (never
 * anywhere else), carries the remote-access token when there is one (from `?token=` once, then
 * kept on the phone), and either returns the JSON body or throws an ApiError whose message is the
 * box's own (`error.message`), so the screen shows what went wrong where it happened. When the
 * service worker answers from its copy because the box is unreachable, `stale` says since when.
 */
import { signal } from "@preact/signals";

const TOKEN_KEY = "osl.token";
export const API_BASE = "/api/v1";

/** The remote-access token, or "" on the box's own network (where none is needed). */
export const token = signal(readToken());

function readToken() {
  const fromUrl = new URLSearchParams(location.search).get("token");
  try {
    if (fromUrl) localStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl ?? localStorage.getItem(TOKEN_KEY) ?? "";
  } catch {
    return fromUrl ?? "";
  }
}

/** @param {string} value */
export function setToken(value) {
  token.value = value.trim();
  try {
    if (token.value) localStorage.setItem(TOKEN_KEY, token.value);
    else localStorage.removeItem(TOKEN_KEY);
  } catch { /* private mode: kept for this page only */ }
}

/** Unix ms of the saved answer the service worker served while offline, else null. */
export const stale = signal(/** @type {number | null} */ (null));

export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} code
   * @param {unknown} [details]
   */
  constructor(message, status, code, details) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * A URL of the API for `<img>`, downloads and links: the token rides in the query, because a
 * browser cannot add a header to those.
 * @param {string} path under /api/v1, with its query
 */
export function apiUrl(path) {
  const url = API_BASE + path;
  if (!token.value) return url;
  return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token.value);
}

/**
 * The longest side of a frame's screen preview: the box renders it as soon as it saves a frame
 * (core/frames/frame_previews.ts, SCREEN_PREVIEW), so asking for exactly this is answered at once.
 */
export const SCREEN_PREVIEW_PX = 1280;

/**
 * The query of a frame's screen preview (the whole frame, auto stretch). Every screen asks for it
 * by this one URL, so the browser and the service worker keep one copy for all of them.
 */
export const SCREEN_PREVIEW_QUERY = `max_px=${SCREEN_PREVIEW_PX}&stretch=auto`;

/** The screen preview of a frame, as a URL for `<img>` or fetch. @param {string} frameId */
export function screenPreviewUrl(frameId) {
  return apiUrl(`/frames/${encodeURIComponent(frameId)}/preview?${SCREEN_PREVIEW_QUERY}`);
}

/**
 * The query of a frame's first look: the whole frame small and coarse (~3 KB where the screen
 * preview is ~120 KB), which the shell asks for beside the screen preview when a phone opens a
 * link straight to a screen that shows a frame (index.html), so a slow link shows the frame
 * while the screen preview is still on the way. The box renders it on request.
 */
export const FIRST_LOOK_QUERY = "max_px=320&quality=60&stretch=auto";

/** The first look of a frame (FIRST_LOOK_QUERY) as a URL. @param {string} frameId */
export function firstLookUrl(frameId) {
  return apiUrl(`/frames/${encodeURIComponent(frameId)}/preview?${FIRST_LOOK_QUERY}`);
}

/**
 * Requests started before a screen asked for them, by the URL the screen will fetch: the shell's
 * own script (index.html) starts a deep link's frame list and picture while the app's modules
 * are still on the way, and a screen may start a picture before the part that draws it exists.
 * The map is the shell's (`oslEarly`), so both fill the same one. Each answer is taken once.
 * @type {Map<string, { atMs: number, response: Promise<Response> }>}
 */
const early = /** @type {any} */ (globalThis).oslEarly ??= new Map();

/**
 * An answer started this long ago is not taken: the screen reads afresh (a phone that took this
 * long to load the app may have missed a frame in between).
 */
const EARLY_MAX_AGE_MS = 10_000;

function dropStale() {
  const now = performance.now();
  for (const [url, entry] of early) {
    if (now - entry.atMs > EARLY_MAX_AGE_MS) early.delete(url);
  }
}

/**
 * The answer to a GET of `url` started early, or null: taken once, so a later read asks anew.
 * @param {string} url as the screen would fetch it (API_BASE + path, or an apiUrl)
 * @returns {Promise<Response> | null}
 */
export function takeEarly(url) {
  dropStale();
  const entry = early.get(url);
  early.delete(url);
  return entry?.response ?? null;
}

/**
 * Starts a GET of `url` (an apiUrl, e.g. a picture) for `takeEarly` to find, unless one is
 * already under way.
 * @param {string} url
 */
export function fetchEarly(url) {
  dropStale();
  if (early.has(url)) return;
  const response = fetch(url);
  response.catch(() => {}); // a failure is reported to the one who takes it
  early.set(url, { atMs: performance.now(), response });
}

/**
 * @param {string} method
 * @param {string} path under /api/v1
 * @param {unknown} [body] sent as JSON
 * @param {{ signal?: AbortSignal, timeoutMs?: number }} [options]
 * @returns {Promise<any>} the JSON answer ({} for an empty one)
 */
export async function api(method, path, body, options = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (token.value) headers.Authorization = "Bearer " + token.value;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 20_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  // A plain read the shell started early (its own timeout is this one's default); if that one
  // failed, the box is asked again.
  const started = method === "GET" && options.signal === undefined &&
      options.timeoutMs === undefined
    ? takeEarly(API_BASE + path)
    : null;
  let res = started ? await started.catch(() => undefined) : undefined;
  try {
    res ??= await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const why = timeout.aborted ? "the box did not answer in time" : "the box is unreachable";
    throw new ApiError(`${method} ${path}: ${why}`, 0, "unreachable");
  }
  if (method === "GET") {
    const saved = res.headers.get("x-osl-offline");
    stale.value = saved ? Number(saved) : null;
  }
  const text = await res.text();
  /** @type {any} */
  let json = {};
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(
      e?.message ?? `${method} ${path}: HTTP ${res.status}`,
      res.status,
      e?.code ?? "http_" + res.status,
      e?.details,
    );
  }
  return json;
}

/** @param {string} path */
export const get = (path) => api("GET", path);
/** @param {string} path @param {unknown} [body] */
export const post = (path, body) => api("POST", path, body);

/**
 * Whether the box has an API group (for features that come with later firmware: Wi-Fi,
 * updates, HiPS, mosaic, system). A 404 means "not on this box"; other answers mean it is.
 * @param {string} path a GET under /api/v1 that the group answers
 */
export async function hasEndpoint(path) {
  try {
    await get(path);
    return true;
  } catch (err) {
    return !(err instanceof ApiError && (err.status === 404 || err.status === 0));
  }
}

/** The message to show for a thrown value. @param {unknown} err */
export function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}
