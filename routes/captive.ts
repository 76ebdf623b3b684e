/**
 * The captive portal on port 80 (and 7624): the connectivity probes of Android
 * (`/generate_204`, `/gen_204`), Apple (`/hotspot-detect.html`, `/library/test/success.html`),
 * Windows (`/connecttest.txt`, `/ncsi.txt`, `/redirect`) and Firefox (`/canonical.html`,
 * `/success.txt`). While the box is in setup, the hotspot's DNS sends every name to the box
 * (core/wifi/captive_dns.ts) and each probe gets a 302 to the Wi-Fi screen, which is what makes
 * every OS open its portal sheet by itself. After setup the hotspot offers no gateway or DNS, so
 * probes no longer reach the box; one that still does (a name cached, an address typed) gets a
 * plain 503, never the "online" answer: a phone told "online" would route all its traffic into a
 * box without internet and lose its mobile data. Without NetworkManager there is no portal and
 * these paths fall through to the web app (404).
 */
import { Hono } from "hono";
import { HOTSPOT_IPV4 } from "../core/schemas/wifi.ts";

export const PROBE_PATHS = [
  "/generate_204",
  "/gen_204",
  "/hotspot-detect.html",
  "/library/test/success.html",
  "/connecttest.txt",
  "/ncsi.txt",
  "/redirect",
  "/canonical.html",
  "/success.txt",
] as const;

/** Where a probe is sent during setup: the app's Wi-Fi screen on the hotspot's address. */
export const PORTAL_URL = `http://${HOTSPOT_IPV4}/#/wifi`;

export interface CaptiveOptions {
  /** "setup" (portal), "done" (no internet here) or null (no Wi-Fi manager on this machine). */
  phase: () => "setup" | "done" | null;
}

export function captiveRoutes(o: CaptiveOptions): Hono {
  const app = new Hono();
  for (const path of PROBE_PATHS) {
    app.get(path, (c, next) => {
      const phase = o.phase();
      if (phase === null) return next();
      c.header("cache-control", "no-store");
      if (phase === "setup") return c.redirect(PORTAL_URL, 302);
      return c.text("OpenSkyLab: this network has no internet access", 503);
    });
  }
  return app;
}
