/// <reference lib="dom" />
/**
 * The phone app's budgets, measured in Debian's Chromium against a running box (not gated):
 *   - the shell's first load, compressed bytes on the wire including the vendored libraries
 *     (budget 150 KB): every response the page itself fetched until it was live, API and socket
 *     excluded, service-worker precaching (after load) excluded;
 *   - interactive on a 1.5 Mbit/s link with 150 ms latency (Chromium's network emulation over
 *     CDP; budget 2 s): from navigation to the live home with the mount's position drawn, over
 *     plain HTTP (Chromium speaks HTTP/1.1 there, at most six connections to the box) and over
 *     the box's HTTPS (HTTP/2, one connection), one after the other in the same run; each line
 *     names the protocol Chromium reported, and the HTTPS line its ratio to HTTP (vs_http);
 *   - a 24-megapixel frame's first screenful on loopback (budget 1 s): from opening the viewer
 *     to the frame drawn on the canvas, for a frame never viewed or requested before (cold: the
 *     box rendered its screen preview when it saved it, as it does for every frame a person
 *     takes), again (warm), and for a frame opened the moment `camera.frame_ready` says it is
 *     saved (just_taken: its screen preview is still being rendered). For reference, the preview
 *     endpoint alone, once the frames' star analyses are done: a frame's screen preview (kept),
 *     and a size not rendered ahead, which reads and decodes the FITS file (render_cold) and then
 *     renders from the decoded frame (render_warm) — the path of a frame from before a restart.
 */
import { withServer } from "../integration/_server.ts";
import { CHROMIUM, hasChromium } from "../e2e/_phone.ts";
import { report } from "./_util.ts";
import {
  isApi,
  phoneBrowser,
  phonePage,
  protocols,
  type Scheme,
  setSimCamera,
  SLOW_LINK,
  waitLive,
  withHttps,
} from "./_web_phone.ts";

const FRAME_W = 6000;
const FRAME_H = 4000;

export async function webBench(): Promise<void> {
  if (!hasChromium()) {
    console.log(`bench web: skipped (${CHROMIUM} is missing)`);
    return;
  }
  await withServer(async (t) => {
    await setSimCamera(t, {
      widthPx: FRAME_W,
      heightPx: FRAME_H,
      readoutMs: 100,
      sky: "random",
      pixelSizeUm: 3.76,
    });
    // The box has served the app before (its build is read and compressed once, at first use).
    await (await fetch(`${t.server.url}/`)).text();
    const { browser, origin } = await phoneBrowser(t);
    try {
      // 1. The shell's first load, and 2. interactive on a slow link, over HTTP and HTTPS.
      const loads: { link: string; scheme: Scheme }[] = [
        { link: "loopback", scheme: "http" },
        { link: SLOW_LINK.label, scheme: "http" },
        { link: SLOW_LINK.label, scheme: "https" },
      ];
      let slowHttpMs = NaN;
      for (const { link, scheme } of loads) {
        const { context, page, transfers } = await phonePage(browser, {
          cold: true,
          slow: link !== "loopback",
        });
        const started = performance.now();
        await page.goto(`${origin[scheme]}/`);
        await waitLive(page);
        await page.waitForFunction(
          () => /\d\dh \d\dm/.test(document.querySelector("main")?.textContent ?? ""),
          undefined,
          { timeout: 30_000 },
        );
        const interactiveMs = performance.now() - started;
        let shellBytes = 0;
        let vendorBytes = 0;
        let files = 0;
        for (const { url, bytes } of transfers.all) {
          if (isApi(url)) continue;
          shellBytes += bytes;
          if (url.includes("/vendor/")) vendorBytes += bytes;
          files++;
        }
        if (link !== "loopback" && scheme === "http") slowHttpMs = interactiveMs;
        report(`web shell first load (${link}${scheme === "http" ? "" : `, ${scheme}`})`, {
          interactive_ms: Math.round(interactiveMs),
          budget_ms: 2000,
          protocol: protocols(transfers.all),
          ...(scheme === "https" ? { vs_http: interactiveMs / slowHttpMs } : {}),
          shell_kb: shellBytes / 1024,
          vendor_kb: vendorBytes / 1024,
          files,
          budget_kb: 150,
          load_avg: Deno.loadavg()[0]!,
        });
        await context.close();
      }

      // 3. A 24 MP frame's first screenful.
      const ws = await t.events("camera.frame_ready,camera.frame_analyzed");
      const expose = async () => {
        const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
          duration: 0.1,
          object: "bench",
        });
        await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 60_000);
        return frame_id;
      };
      const frames: string[] = [];
      for (let i = 0; i < 3; i++) frames.push(await expose());
      for (const id of frames) {
        await ws.waitFor("camera.frame_analyzed", (d) => d.id === id, 120_000);
      }
      // The imaging worker is started and warm (as on a box that has shown any frame before).
      await (await t.api("GET", `/frames/${frames[0]}/preview?max_px=64`)).arrayBuffer();
      const endpoint = async (path: string) => {
        const t0 = performance.now();
        await (await t.api("GET", path)).arrayBuffer();
        return performance.now() - t0;
      };
      const screenEndpointMs = await endpoint(`/frames/${frames[1]}/preview`);
      const renderColdMs = await endpoint(`/frames/${frames[1]}/preview?max_px=1170`);
      const renderWarmMs = await endpoint(`/frames/${frames[1]}/preview?max_px=1171`);
      const { context, page } = await phonePage(browser, { deviceScaleFactor: 3 });
      await page.goto(`${t.server.url}/#/more`);
      await waitLive(page);
      // Timed twice: from here (as before: includes the DevTools protocol's round trips, which
      // grow on a loaded machine) and inside the page, from the navigation to the canvas drawn.
      const view = async (id: string) => {
        const t0 = performance.now();
        const startedInPage = await page.evaluate((frame) => {
          const scope = globalThis as unknown as { drawnAt?: number };
          delete scope.drawnAt;
          const selector = `.viewer[data-frame="${frame}"] canvas[data-drawn]`;
          const observer = new MutationObserver(() => {
            if (scope.drawnAt === undefined && document.querySelector(selector)) {
              scope.drawnAt = performance.now();
              observer.disconnect();
            }
          });
          observer.observe(document.body, { subtree: true, childList: true, attributes: true });
          const started = performance.now();
          location.hash = `#/viewer/${frame}`;
          return started;
        }, id);
        await page.waitForSelector(`.viewer[data-frame="${id}"] canvas[data-drawn]`, {
          timeout: 30_000,
        });
        const wall = performance.now() - t0;
        const inPage = await page.evaluate(
          (started) => (globalThis as unknown as { drawnAt: number }).drawnAt - started,
          startedInPage,
        );
        await page.evaluate(() => {
          location.hash = "#/more";
        });
        await page.waitForSelector(".more-grid");
        return { wall, inPage };
      };
      const cold = await view(frames[2]!);
      const warm = await view(frames[2]!);
      const justTaken = await view(await expose());
      report(`web viewer 24 MP (${FRAME_W}×${FRAME_H}) first screenful, 390×844 @3x`, {
        cold_ms: Math.round(cold.wall),
        warm_ms: Math.round(warm.wall),
        just_taken_ms: Math.round(justTaken.wall),
        budget_ms: 1000,
        cold_in_page_ms: Math.round(cold.inPage),
        warm_in_page_ms: Math.round(warm.inPage),
        just_taken_in_page_ms: Math.round(justTaken.inPage),
        endpoint_screen_ms: Math.round(screenEndpointMs),
        endpoint_render_cold_ms: Math.round(renderColdMs),
        endpoint_render_warm_ms: Math.round(renderWarmMs),
        load_avg: Deno.loadavg()[0]!,
      });
      await context.close();
    } finally {
      await browser.close();
    }
  }, withHttps());
}

if (import.meta.main) await webBench();
