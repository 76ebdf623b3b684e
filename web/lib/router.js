// @ts-check
/**
 * The hash router: `#/targets/M42?tab=tonight` → { name: "targets", params: ["M42"], query }.
 * A hash keeps every screen a plain link that works offline from the service worker's shell,
 * and the back button of the phone walks back through screens.
 */
import { signal } from "@preact/signals";

/** @typedef {{ name: string, params: string[], query: URLSearchParams }} Route */

/** @param {string} hash @returns {Route} */
export function parseHash(hash) {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", search = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
  return { name: parts[0] ?? "home", params: parts.slice(1), query: new URLSearchParams(search) };
}

export const route = signal(parseHash(location.hash));

addEventListener("hashchange", () => {
  route.value = parseHash(location.hash);
});

/**
 * A link to a screen: href("targets", "M42") → "#/targets/M42".
 * @param {string} name
 * @param {...(string | number)} params
 */
export function href(name, ...params) {
  const tail = params.map((p) => encodeURIComponent(String(p))).join("/");
  return `#/${name}${tail ? "/" + tail : ""}`;
}

/** @param {string} name @param {...(string | number)} params */
export function navigate(name, ...params) {
  location.hash = href(name, ...params);
}
