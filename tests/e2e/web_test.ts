/// <reference lib="dom" />
/**
 * The phone web app in a real headless Chromium (Debian's, driven by playwright-core) against a
 * real server: the page goes live over /ws, shows the mount, takes an exposure from its button
 * and shows the preview, parks the mount from its button, and lists the rig's devices; on the
 * true-sky simulators and the box's real solver, its Routines card centres on a target and
 * plate-solves the latest frame.
 */
import { chromium } from "playwright-core";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { useFastSimulators, withServer } from "../integration/_server.ts";

const CHROMIUM = "/usr/bin/chromium";
const INDEX_FILE = "/usr/share/astrometry/index-tycho2-09.littleendian.fits";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

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
        args: CHROMIUM_ARGS,
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

/** Why the real-solver test cannot run here, or null (as the integration sky tests decide). */
function solverMissing(): string | null {
  const found = (path: string) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  };
  if (!hasChromium()) return `${CHROMIUM} is missing`;
  const dirs = (Deno.env.get("PATH") ?? "/usr/bin").split(":");
  if (!dirs.some((dir) => found(`${dir}/solve-field`))) {
    return "solve-field is not installed (Debian astrometry.net)";
  }
  if (!found(INDEX_FILE)) return `${INDEX_FILE} is missing (Debian astrometry-data-tycho2-09)`;
  return null;
}

/** `"05h 35m 17s"` → hours, `"+40° 00′ 12″"` → degrees, as the page prints them. */
function parseSexagesimal(text: string): number {
  const m = /([−+-]?)(\d+)\D+(\d+)\D+(\d+)/.exec(text);
  assert(m, `sexagesimal: "${text}"`);
  const value = Number(m[2]) + Number(m[3]) / 60 + Number(m[4]) / 3600;
  return m[1] === "−" || m[1] === "-" ? -value : value;
}

const skipRoutines = solverMissing();

Deno.test({
  name: "web app routines: centre on RA Dec typed in, then solve the latest frame",
  ignore: skipRoutines !== null,
  async fn() {
    await withServer(async (t) => {
      // The default Simulators profile: the camera renders the true sky, the mount is a few
      // arcminutes off, so centring needs real solves and a sync.
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
        await page.goto(`${t.server.url}/`);
        await page.waitForFunction(() => document.getElementById("link")?.textContent === "live");
        await page.click("#unpark");
        const deadline = Date.now() + 10_000;
        let status = await t.json<{ parked: boolean; lst: number }>("GET", "/mount/status");
        while (status.parked) {
          assert(Date.now() < deadline, "unparked from the button");
          await new Promise((r) => setTimeout(r, 100));
          status = await t.json("GET", "/mount/status");
        }
        // An hour east of the meridian at +40°: well above Greenwich's horizon at any time.
        const raHours = (status.lst - 1 + 24) % 24;
        const decDeg = 40;
        await page.fill("#ctr-target", `${raHours.toFixed(4)} ${decDeg}`);
        const started = Date.now();
        await page.click("#ctr-go");
        await page.waitForFunction(
          () => /ok|bad/.test(document.getElementById("ctr-result")?.className ?? ""),
          undefined,
          { timeout: 90_000 },
        );
        const result = (await page.textContent("#ctr-result")) ?? "";
        const attempts = (await page.textContent("#ctr-log")) ?? "";
        console.log(`centred in ${Date.now() - started} ms: ${result} | ${attempts}`);
        assertMatch(result, /^Centred on .*after \d attempt/);
        assertMatch(attempts, /#1\/5 .*″ off/);

        await page.click("#sv-go");
        await page.waitForFunction(
          () => /ok|bad/.test(document.getElementById("sv-state")?.className ?? ""),
          undefined,
          { timeout: 60_000 },
        );
        assertEquals(await page.textContent("#sv-state"), "solved");
        await page.waitForFunction(() =>
          /s$/.test(document.getElementById("sv-time")?.textContent ?? "")
        );
        // The latest frame is the centring run's last, within its 30″ tolerance of the target;
        // the page's whole-second display adds up to 15″ in RA and 1″ in Dec.
        const solvedRaHours = parseSexagesimal((await page.textContent("#sv-ra")) ?? "");
        const solvedDecDeg = parseSexagesimal((await page.textContent("#sv-dec")) ?? "");
        let dRaHours = Math.abs(solvedRaHours - raHours);
        dRaHours = Math.min(dRaHours, 24 - dRaHours);
        const raOffArcsec = dRaHours * 15 * 3600 * Math.cos(decDeg * Math.PI / 180);
        const decOffArcsec = Math.abs(solvedDecDeg - decDeg) * 3600;
        console.log(`solved ${raOffArcsec.toFixed(1)}″ E-W, ${decOffArcsec.toFixed(1)}″ N-S off`);
        assert(Math.hypot(raOffArcsec, decOffArcsec) < 60, `${raOffArcsec}″, ${decOffArcsec}″`);
        assertMatch((await page.textContent("#sv-scale")) ?? "", /″\/px/);

        await page.screenshot({ path: "/tmp/phone_routines.png", fullPage: true });
      } finally {
        await browser.close();
      }
    });
  },
});
