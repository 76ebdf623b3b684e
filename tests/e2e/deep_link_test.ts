/// <reference lib="dom" />
/**
 * A link straight to capture or the viewer, opened on a fresh phone (web/index.html's early
 * script): the shell itself asks for the screen's frame list, the frame's first look and its
 * screen preview before any of the app's modules has run (the page is the requests' initiator,
 * not a module), each exactly once (so the screens took the shell's answers: the URLs agree);
 * the screen draws the small first look and then replaces it with the screen preview — the test
 * holds the screen preview back until the first look is on the canvas, so it fails if either
 * stage is missing — and a first look that comes after the screen preview is never drawn over it.
 * The screen modules the shell preloads are exactly those the screen imports beyond the ones the
 * shell preloads already. With the service worker in control the same links show the frame, and
 * still do with the network gone.
 */
import { join } from "node:path";
import type { CDPSession, Page } from "playwright-core";
import { assert, assertEquals } from "../_assert.ts";
import { useFastSimulators, withServer } from "../integration/_server.ts";
import { moduleClosure } from "../../routes/web_build.ts";
import { hasChromium, openPhone, type Phone, untilServiceWorkerControls } from "./_phone.ts";

const WEB = new URL("../../web/", import.meta.url).pathname;
const FIRST_LOOK = "max_px=320&quality=60&stretch=auto";
const SCREEN_PREVIEW = "max_px=1280&stretch=auto";

/** The simulator's frame (useFastSimulators): the screen preview is this wide, not upscaled. */
const FRAME_W = 800;
/** The first look's longest side at most (the box downscales by whole factors: 800 → 266). */
const FIRST_LOOK_MAX_PX = 320;

/** What the shell's early script preloads per screen, read from web/index.html. */
function earlyModules(html: string): Record<string, string[]> {
  const m = /var MODULES = (\{[\s\S]*?\});/.exec(html);
  assert(m, "index.html has no MODULES table");
  const json = m[1]!.replace(/(\w+):/g, '"$1":').replace(/,(\s*[}\]])/g, "$1");
  return JSON.parse(json);
}

Deno.test("deep links: the shell preloads each screen's own modules, no more, no fewer", () => {
  const html = Deno.readTextFileSync(join(WEB, "index.html"));
  const importMap = new Map<string, string>(
    Object.entries(
      JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)![1]!).imports as Record<
        string,
        string
      >,
    ).map(([name, target]) => [name, target.replace(/^%ASSETS%\//, "")]),
  );
  const read = (rel: string) => Deno.readTextFileSync(join(WEB, rel));
  const shell = new Set(moduleClosure("app.js", read, importMap));
  const table = earlyModules(html);
  assertEquals(Object.keys(table).sort(), ["capture", "viewer"]);
  for (const [screen, modules] of Object.entries(table)) {
    const own = moduleClosure(`screens/${screen}.js`, read, importMap).filter((m) => !shell.has(m));
    assertEquals(modules.toSorted(), own.toSorted(), `${screen}: preloaded vs imported`);
  }
});

/** Records every picture a frame canvas shows (`data-image`), in order, with its canvas width. */
function recordImages() {
  const seen: string[] = [];
  (globalThis as unknown as { __images: string[] }).__images = seen;
  new MutationObserver((records) => {
    for (const r of records) {
      const canvas = r.target as HTMLCanvasElement;
      const entry = `${canvas.dataset.image}:${canvas.width}`;
      if (canvas.dataset.image && seen.at(-1) !== entry) seen.push(entry);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-image"] });
}

const images = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { __images: string[] }).__images);

/** Holds the requests matching `pattern` until `release()`. */
async function hold(page: Page, pattern: RegExp) {
  const { promise, resolve } = Promise.withResolvers<void>();
  let requests = 0;
  await page.route(pattern, async (route) => {
    requests++;
    await promise;
    await route.continue().catch(() => {}); // the page may be gone by then
  });
  return {
    release: resolve,
    get requests() {
      return requests;
    },
    async done() {
      resolve();
      await page.unroute(pattern);
    },
  };
}

/** Where each request was started from: the URL of the script frame that made it. */
async function initiators(cdp: CDPSession): Promise<Map<string, string>> {
  const from = new Map<string, string>();
  await cdp.send("Network.enable");
  cdp.on("Network.requestWillBeSent", (e) => {
    const frame = e.initiator.stack?.callFrames[0];
    from.set(e.request.url, frame?.url ?? e.initiator.url ?? e.initiator.type);
  });
  return from;
}

Deno.test({
  name:
    "deep links: the shell asks first, the first look is drawn, then the screen preview over it",
  ignore: !hasChromium(),
  async fn() {
    await withServer(async (t) => {
      await useFastSimulators(t, { sky: "random" });
      const ws = await t.events("camera.frame_analyzed");
      const { frame_id: frameId } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
        duration: 0.2,
        object: "M 31",
      });
      // Analysed: no later event makes a screen read its list again.
      await ws.waitFor("camera.frame_analyzed", (d) => d.id === frameId, 30_000);
      const preview = (query: string) =>
        `${t.server.url}/api/v1/frames/${frameId}/preview?${query}`;
      const links = [
        {
          hash: "#/capture",
          canvas: ".frame-image canvas",
          list: `${t.server.url}/api/v1/frames?limit=1`,
        },
        {
          hash: `#/viewer/${frameId}`,
          canvas: ".viewer canvas",
          list: `${t.server.url}/api/v1/frames?limit=200`,
        },
      ];

      for (const link of links) {
        // The screen preview held back: the first look must be drawn, then replaced.
        let phone: Phone | null = await openPhone({ serviceWorkers: "block" });
        try {
          const { page } = phone;
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(e.message));
          await page.addInitScript(recordImages);
          const from = await initiators(await phone.context.newCDPSession(page));
          const full = await hold(page, /\/preview\?max_px=1280&stretch=auto/);
          await page.goto(`${t.server.url}/${link.hash}`);
          await page.waitForSelector(`${link.canvas}[data-image="first-look"]`, {
            timeout: 30_000,
          });
          assert(full.requests === 1, `${link.hash}: the screen preview was asked for`);
          assertEquals(await page.locator(`${link.canvas}[data-image="full"]`).count(), 0);
          const width = (seen: string[]) => Number(seen.at(-1)?.split(":")[1]);
          if (link.hash === "#/capture") {
            const w = width(await images(page));
            assert(w > 0 && w <= FIRST_LOOK_MAX_PX, `the first look is ${w} px wide`);
          } else {
            // The viewer's frame counts as drawn (data-drawn) once the screen preview is.
            assertEquals(await page.locator(`${link.canvas}[data-drawn]`).count(), 0);
          }
          full.release();
          await page.waitForSelector(`${link.canvas}[data-image="full"]`, { timeout: 30_000 });
          const seen = await images(page);
          assertEquals(
            seen.map((s) => s.split(":")[0]),
            ["first-look", "full"],
            `${link.hash}: ${seen}`,
          );
          if (link.hash === "#/capture") assertEquals(width(seen), FRAME_W);
          await full.done();
          // Each asked for once, by the shell's own script (the page, not a module).
          for (const url of [link.list, preview(FIRST_LOOK), preview(SCREEN_PREVIEW)]) {
            assertEquals(
              phone.requests.filter((u) => u === url).length,
              1,
              `${link.hash}: ${url} asked for once`,
            );
            const initiator = from.get(url) ?? "";
            assertEquals(
              URL.canParse(initiator) ? new URL(initiator).pathname : initiator,
              "/",
              `${link.hash}: ${url} started by ${initiator}`,
            );
          }
          assertEquals(errors, []);
          await phone.close();
          phone = null;

          // The first look held back until the screen preview is drawn: it never covers it.
          phone = await openPhone({ serviceWorkers: "block" });
          const late = phone.page;
          await late.addInitScript(recordImages);
          const first = await hold(late, /\/preview\?max_px=320&quality=60&stretch=auto/);
          await late.goto(`${t.server.url}/${link.hash}`);
          await late.waitForSelector(`${link.canvas}[data-image="full"]`, { timeout: 30_000 });
          const answered = late.waitForEvent(
            "requestfinished",
            { predicate: (r) => r.url() === preview(FIRST_LOOK), timeout: 30_000 },
          );
          first.release();
          await answered;
          // Long enough to decode 3 KB and draw it, had the screen let it.
          await late.evaluate(() =>
            new Promise((r) => requestAnimationFrame(() => setTimeout(r, 500)))
          );
          assertEquals(
            (await images(late)).map((s) => s.split(":")[0]),
            ["full"],
            `${link.hash}: only the screen preview shown`,
          );
          await first.done();
        } finally {
          await phone?.close();
        }
      }

      // The service worker in control: the same links, online and then with the network gone.
      const phone = await openPhone();
      try {
        const { page } = phone;
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`${t.server.url}/#/capture`);
        await page.waitForSelector('.frame-image canvas[data-image="full"]', { timeout: 30_000 });
        await untilServiceWorkerControls(page);
        for (const offline of [false, true]) {
          await phone.context.setOffline(offline);
          for (const link of links) {
            await page.goto(`${t.server.url}/${link.hash}`);
            await page.reload();
            await page.waitForSelector(`${link.canvas}[data-image="full"]`, { timeout: 30_000 });
            if (offline) {
              await page.waitForSelector('.banner.bad:has-text("unreachable")', {
                timeout: 20_000,
              });
            }
            await phone.shot(`deep-link-${link.hash.split("/")[1]}${offline ? "-offline" : ""}`);
          }
        }
        await phone.context.setOffline(false);
        assertEquals(errors, []);
      } finally {
        await phone.close();
      }
    });
  },
});
