/**
 * Renders the app icon (web/icons/icon.svg) to the PNG sizes the web manifest and iOS want, with
 * Debian's Chromium: 192 and 512 px, and a 512 px "maskable" one whose drawing sits inside the
 * central 80 % safe zone that launchers crop to a circle or squircle.
 *
 *   deno run -A tools/make_icons.ts
 */
import { chromium } from "playwright-core";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ICONS = join(resolve(dirname(fileURLToPath(import.meta.url)), ".."), "web", "icons");
const svg = await Deno.readTextFile(join(ICONS, "icon.svg"));
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  for (
    const [name, sizePx, insetPct] of [
      ["icon-192.png", 192, 0],
      ["icon-512.png", 512, 0],
      ["icon-maskable-512.png", 512, 12],
    ] as const
  ) {
    const page = await browser.newPage({ viewport: { width: sizePx, height: sizePx } });
    const inner = 100 - 2 * insetPct;
    await page.setContent(
      `<body style="margin:0;background:#000;display:grid;place-items:center;height:100vh">
        <div style="width:${inner}%;height:${inner}%">${
        svg.replace("<svg ", '<svg width="100%" height="100%" ')
      }</div>
      </body>`,
    );
    await page.screenshot({ path: join(ICONS, name), omitBackground: false });
    await page.close();
    console.log(`wrote web/icons/${name}`);
  }
} finally {
  await browser.close();
}
