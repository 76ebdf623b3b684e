// @ts-check
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The phone app: starts the event stream, the alerts and the activity watch, draws the shell,
 * and shows the screen the hash names. Home is part of the first load; every other screen is a
 * module fetched when first opened (and kept offline by the service worker), which keeps the
 * first load small on a weak hotspot link. If a screen's module is gone because the box was
 * updated, the page reloads into the new build.
 */
import { html } from "htm/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Header, OfflineBanner, TabBar } from "./components/shell.js";
import { startActivity } from "./lib/activity.js";
import { startAlerts } from "./lib/alerts.js";
import { link, startLive } from "./lib/live.js";
import { route } from "./lib/router.js";
import { probeSecure } from "./lib/secure.js";
import { SecureBanner } from "./components/secure_banner.js";
import Home from "./screens/home.js";

/** @typedef {(props: { params: string[], query: URLSearchParams }) => import("preact").VNode | null} Screen */
/** @typedef {{ title: string, load: () => Promise<{ default: Screen }> }} ScreenEntry */

/** @type {Record<string, ScreenEntry>} */
export const SCREENS = {
  home: { title: "OpenSkyLab", load: () => Promise.resolve({ default: Home }) },
  capture: { title: "Capture", load: () => import("./screens/capture.js") },
  viewer: { title: "Image", load: () => import("./screens/viewer.js") },
  targets: { title: "Targets", load: () => import("./screens/targets.js") },
  focus: { title: "Focus", load: () => import("./screens/focus.js") },
  guiding: { title: "Guiding", load: () => import("./screens/guiding.js") },
  sequences: { title: "Sequences", load: () => import("./screens/sequences.js") },
  plans: { title: "Plans", load: () => import("./screens/plans.js") },
  livestack: { title: "Live stack", load: () => import("./screens/livestack.js") },
  alignment: { title: "Align & solve", load: () => import("./screens/alignment.js") },
  equipment: { title: "Equipment", load: () => import("./screens/equipment.js") },
  site: { title: "Site & time", load: () => import("./screens/site.js") },
  frames: { title: "Frames", load: () => import("./screens/frames.js") },
  logs: { title: "Logs", load: () => import("./screens/logs.js") },
  licenses: { title: "Licences", load: () => import("./screens/licenses.js") },
  settings: { title: "Settings", load: () => import("./screens/settings.js") },
  wifi: { title: "Wi-Fi", load: () => import("./screens/wifi.js") },
  more: { title: "More", load: () => import("./screens/more.js") },
};

/** @type {Map<string, Screen>} */
const loaded = new Map([["home", Home]]);

function App() {
  const r = route.value;
  const name = Object.hasOwn(SCREENS, r.name) ? r.name : "home";
  const entry = /** @type {ScreenEntry} */ (SCREENS[name]);
  const [, setTick] = useState(0);
  const [failed, setFailed] = useState(/** @type {string | null} */ (null));
  const screen = loaded.get(name);
  useEffect(() => {
    document.title = name === "home" ? "OpenSkyLab" : `${entry.title} · OpenSkyLab`;
    if (screen) return;
    setFailed(null);
    entry.load().then(
      (m) => {
        loaded.set(name, m.default);
        setTick((t) => t + 1);
      },
      () => {
        if (link.value === "live") {
          // Online but the module is not there: the box runs a newer build.
          location.reload();
        } else {
          setFailed(
            `The ${entry.title} screen is not on this phone yet; it loads once the box is reachable.`,
          );
        }
      },
    );
  }, [name]);
  useEffect(() => {
    scrollTo(0, 0);
  }, [name, r.params.join("/")]);
  const Screen = screen;
  return html`
    <${Header} title=${entry.title} />
    <main id="main" data-screen=${name} aria-busy=${Screen ? "false" : "true"}>
      <${OfflineBanner} />
      <${SecureBanner} />
      ${failed && html`<p class="banner bad" role="alert">${failed}</p>`}
      ${Screen ? html`<${Screen} key=${name} params=${r.params} query=${r.query} />` : null}
    </main>
    <${TabBar} />
  `;
}

startLive();
startAlerts();
startActivity();
const root = /** @type {HTMLElement} */ (document.getElementById("app"));
root.textContent = "";
render(html`<${App} />`, root);

// Quietly, after the first screen: does this phone already trust the box's HTTPS?
setTimeout(() => void probeSecure(), 1500);

if ("serviceWorker" in navigator) {
  addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((err) =>
      console.warn("offline use unavailable:", err)
    );
  });
}
