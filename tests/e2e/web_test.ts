/// <reference lib="dom" />
/**
 * The phone web app in a real headless Chromium (Debian's, driven by playwright-core) against a
 * real server: the page goes live over /ws, shows the mount, takes an exposure from its button
 * and shows the preview, parks the mount from its button, and lists the rig's devices.
 */
import { chromium } from "playwright-core";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { useFastSimulators, withServer } from "../integration/_server.ts";

const CHROMIUM = "/usr/bin/chromium";

function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
}

Deno.test({
  name: "web app: live status, expose from the button, preview shown, park from the button",
  ignore: !hasChromium(),
  async fn() {
    await withServer(async (t) => {
      await useFastSimulators(t);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        // The background-networking flags keep Chromium from reaching for Google's hosts.
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 412, height: 915 } });
        await page.goto(`${t.server.url}/`);
        await page.waitForFunction(() => document.getElementById("link")?.textContent === "live");
        // The mount card fills from the socket's snapshot.
        await page.waitForFunction(() =>
          /\d+h/.test(document.getElementById("m")?.textContent ?? "")
        );
        assertMatch((await page.textContent("#roles")) ?? "", /Simulated EQ mount/);

        await page.click("#expose");
        await page.waitForFunction(
          () => {
            const img = document.getElementById("preview") as HTMLImageElement | null;
            return !!img && img.complete && img.naturalWidth > 0 && img.style.display !== "none";
          },
          undefined,
          { timeout: 20_000 },
        );
        assertMatch((await page.textContent("#frame-info")) ?? "", /light 2 s/);
        const frames = await t.json<{ frames: unknown[] }>("GET", "/camera/frames");
        assertEquals(frames.frames.length, 1);

        await page.click("#unpark");
        await page.click("#park");
        const deadline = Date.now() + 15_000;
        while (!(await t.json<{ parked: boolean }>("GET", "/mount/status")).parked) {
          assert(Date.now() < deadline, "parked from the button");
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await browser.close();
      }
    });
  },
});
