/// <reference lib="dom" />
/**
 * A whole first night from the phone, in Debian's Chromium at 390×844 with touch, against the box
 * running as its own process on its simulators — the sky-true camera renders real Tycho-2 stars
 * where the mount points, so frames plate-solve with the box's real solver. Everything is done
 * by tapping controls found by role and name: pick a target from tonight's list, go to and
 * centre, autofocus, take a frame with chosen settings and zoom into it (buttons and a pinch),
 * build and run an LRGB sequence and watch it progress, guide and dither, live stack, then kill
 * the box with SIGKILL in the middle of a sequence: the page says it is offline and keeps the
 * last state, reloads from the service worker while the box is down, reconnects by itself when
 * the box is back, and resumes the interrupted sequence. Screenshots of each step go to
 * tests/e2e/artefacts/; no request leaves the box. The site keeps the default profile's latitude
 * but moves in longitude to where the real clock's now is local midnight: tonight's list is the
 * middle of a real night, and the mount, the rendered stars and the solver agree with it, at
 * whatever hour the test runs (the clock itself is never faked).
 */
import type { Page } from "playwright-core";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { type Box, midnightLongitudeDeg, newBox } from "./_box.ts";
import {
  assertOnlyBox,
  hasChromium,
  openPhone,
  until,
  untilServiceWorkerControls,
} from "./_phone.ts";

const INDEX_FILE = "/usr/share/astrometry/index-tycho2-09.littleendian.fits";

function missing(): string | null {
  const found = (path: string) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  };
  if (!hasChromium()) return "chromium is missing";
  const dirs = (Deno.env.get("PATH") ?? "/usr/bin").split(":");
  if (!dirs.some((dir) => found(`${dir}/solve-field`))) return "solve-field is missing";
  if (!found(INDEX_FILE)) return `${INDEX_FILE} is missing`;
  return null;
}

/** Taps a tab or a More entry. */
async function open(page: Page, screen: string) {
  const tabs = ["Home", "Capture", "Image", "Targets"];
  if (tabs.includes(screen)) {
    await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: screen })
      .click();
  } else {
    await page.getByRole("navigation", { name: "Screens" }).getByRole("link", { name: "More" })
      .click();
    await page.getByRole("navigation", { name: "All screens" }).getByRole("link", {
      name: new RegExp(`^${screen}`),
    }).click();
  }
  await page.waitForSelector('main[aria-busy="false"]');
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector).catch(() => null)) ?? "";
}

const skip = missing();

Deno.test({
  name:
    "first night from the phone: target, centre, focus, frames, LRGB sequence, guiding, live stack, crash and resume",
  ignore: skip !== null,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const box: Box = await newBox();
    const phone = await openPhone();
    const { page } = phone;
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    let step = 0;
    const shot = (name: string) => phone.shot(`night-${String(++step).padStart(2, "0")}-${name}`);
    try {
      await box.start();
      // Quick slews and readouts; the camera keeps its true-sky 4/3-inch sensor so frames solve.
      // The site where it is midnight now: the whole test lasts well under the night's half.
      await box.patchProfile((d, site) => {
        site.longitude = midnightLongitudeDeg(Date.now());
        d.mount!.options.slewRateDegPerS = 20;
        d.camera!.options.readoutMs = 200;
        d.camera!.options.coolerRateCPerMin = 600;
        d.focuser!.options.speedStepsPerS = 20000;
        d.filterwheel!.options.secondsPerSlot = 0.05;
      });
      await until("the rig reconnected", async () => {
        const devices = await box.json<{ devices: { state: string }[] }>("GET", "/devices");
        return devices.devices.every((d) => d.state === "connected");
      }, 30_000);

      await page.goto(`${box.url}/`);
      await page.waitForSelector('.link-state[data-state="live"]');
      await shot("home");

      let designation = "";
      await t.step("pick a target from tonight's list, go to and centre", async () => {
        await open(page, "Targets");
        await page.waitForSelector('[aria-label="Tonight\'s targets"] li', { timeout: 30_000 });
        // The first listed object high in the sky (the box ranks; the test only needs it up).
        const tonight = await box.json<{ objects: { designation: string; alt_now: number }[] }>(
          "GET",
          "/catalog/tonight?limit=40&min_alt=30",
        );
        const pick = tonight.objects.find((o) => o.alt_now >= 45 && o.alt_now <= 80);
        assert(
          pick,
          `an object between 45° and 80° tonight: ${JSON.stringify(tonight.objects.slice(0, 5))}`,
        );
        designation = pick.designation;
        await shot("tonight");
        await page.getByRole("list", { name: "Tonight's targets" }).getByRole("link", {
          name: new RegExp(`^${designation}\\b`),
        })
          .first().click();
        await page.getByRole("button", { name: "Go to & centre" }).click();
        await page.waitForSelector(
          '.centering[data-state="succeeded"], .centering[data-state="failed"]',
          {
            timeout: 180_000,
          },
        );
        const result = await text(page, ".centering");
        await shot("centred");
        assertMatch(result, /Centred within \d+″ after \d attempt/);
      });

      await t.step("autofocus with a live V-curve", async () => {
        await open(page, "Focus");
        await page.getByLabel("Points each side").fill("3");
        await page.getByLabel("Exposure").fill("1");
        await page.getByRole("button", { name: "Start autofocus" }).click();
        await page.waitForSelector(".af-result, .card .err", { timeout: 240_000 });
        await shot("autofocus");
        assertMatch(await text(page, ".af-result"), /Best focus \d+ steps, HFR [\d.]+ px/);
      });

      let frameId = "";
      await t.step("take a frame with chosen settings and zoom into it", async () => {
        await open(page, "Capture");
        await page.getByLabel("Duration").fill("2");
        await page.getByLabel("Gain").fill("120");
        await page.getByLabel("2×2").check({ force: true });
        await page.getByLabel("Object").fill(designation);
        await page.getByRole("button", { name: "Expose", exact: true }).click();
        await until("the frame saved", async () => {
          const f = await box.json<
            { frames: { id: string; object: string; binning: number; gain: number }[] }
          >(
            "GET",
            "/frames?limit=1",
          );
          const last = f.frames[0];
          if (last?.object === designation && last.binning === 2 && last.gain === 120) {
            frameId = last.id;
          }
          return frameId !== "";
        }, 60_000);
        // The capture screen's latest frame, once it shows the new one.
        await page.locator(`a[href="#/viewer/${frameId}"]`).first().click({ timeout: 30_000 });
        await page.waitForSelector(`.viewer[data-frame="${frameId}"] canvas[data-drawn]`, {
          timeout: 30_000,
        });
        await page.waitForSelector('[data-testid="figures"]:has-text("Stars ")', {
          timeout: 60_000,
        });
        await shot("viewer-fit");
        const regions = () =>
          phone.requests.filter((u) =>
            u.includes(`/frames/${frameId}/preview`) && u.includes("&x=")
          );
        // The first look is the screen preview the box rendered when it saved the frame, and at
        // fit on this screen it is all the viewer needs: no second picture of the whole frame.
        const asked = phone.requests.filter((u) => u.includes(`/frames/${frameId}/preview`));
        assert(
          asked.some((u) => /\?max_px=1280&stretch=auto$/.test(u)),
          `the screen preview first: ${asked.join(" ")}`,
        );
        assertEquals(regions(), [], "nothing more fetched at fit");
        await page.getByRole("button", { name: "Zoom to 1:1" }).click();
        await until("a region fetched at 1:1", () => regions().length > 0, 30_000);
        // Only the region on screen, not the frame.
        const { width, height } = await box.json<{ width: number; height: number }>(
          "GET",
          `/frames/${frameId}`,
        );
        for (const u of regions()) {
          const q = new URL(u).searchParams;
          assert(
            Number(q.get("w")) < width && Number(q.get("h")) < height,
            `a region of the ${width}×${height} frame: ${u}`,
          );
        }
        await page.getByRole("button", { name: "Stars" }).click();
        await page.waitForTimeout(1500);
        await shot("viewer-1to1-stars");
        // Pinch out with two fingers: the zoom shown drops.
        const zoomOf = async () =>
          Number(/· (\d+)%/.exec(await text(page, ".viewer-info"))?.[1] ?? "0");
        const before = await zoomOf();
        const box2 = (await page.locator(".viewer-stage canvas").boundingBox())!;
        const cx = box2.x + box2.width / 2;
        const cy = box2.y + box2.height / 2;
        const cdp = await page.context().newCDPSession(page);
        const touch = (type: "touchStart" | "touchMove" | "touchEnd", d: number) =>
          cdp.send("Input.dispatchTouchEvent", {
            type,
            touchPoints: type === "touchEnd"
              ? []
              : [{ x: cx - d, y: cy, id: 1 }, { x: cx + d, y: cy, id: 2 }],
          });
        await touch("touchStart", 120);
        for (const d of [100, 80, 60, 40]) await touch("touchMove", d);
        await touch("touchEnd", 0);
        await until("the pinch zoomed out", async () => (await zoomOf()) < before * 0.6, 5_000);
        await page.getByRole("button", { name: "Histogram" }).click();
        await page.waitForSelector(".histogram p");
        await shot("viewer-histogram");
      });

      await t.step("build and run an LRGB sequence and watch it progress", async () => {
        await open(page, "Sequences");
        await page.getByRole("link", { name: "New" }).click();
        await page.getByLabel("Target name").fill(designation);
        await page.getByRole("button", { name: "LRGB" }).click();
        for (let i = 0; i < 4; i++) {
          await page.getByLabel("Exposure (s)").nth(i).fill("1");
          await page.getByLabel("Count").nth(i).fill("1");
        }
        await page.getByLabel("Dither").uncheck();
        await page.getByLabel("Autofocus at the start").uncheck();
        await shot("sequence-builder");
        await page.getByRole("button", { name: "Save and run" }).click();
        const seen = new Set<string>();
        let shotRunning = false;
        await until("the sequence completed", async () => {
          const progress = await text(page, '[data-testid="sequence-progress"]');
          const m = /(\d)\/4 frames/.exec(progress);
          if (m) seen.add(m[1]!);
          if (seen.size === 1 && !shotRunning) {
            shotRunning = true;
            await shot("sequence-running");
          }
          return /completed/.test(await text(page, ".card .pill")) || seen.has("4");
        }, 180_000);
        await shot("sequence-done");
        assert(seen.size >= 2, `progress seen moving: ${[...seen]}`);
      });

      await t.step("guide and dither", async () => {
        await open(page, "Guiding");
        await page.getByRole("button", { name: "Start guiding" }).click();
        await until(
          "guiding with an RMS",
          async () => /RMS total[\d.]+″/.test(await text(page, "main")),
          120_000,
        );
        await page.getByRole("button", { name: "Dither", exact: true }).click();
        await page.waitForTimeout(3000);
        await shot("guiding");
        await page.getByRole("button", { name: "Stop guiding" }).click();
      });

      await t.step("live stack", async () => {
        await open(page, "Live stack");
        await page.getByRole("button", { name: "Start stacking" }).click();
        await page.getByLabel("Exposure").fill("1");
        await page.getByRole("button", { name: "Take frames" }).click();
        await until("three frames stacked", async () => {
          const s = await box.json<{ frames_stacked: number }>("GET", "/camera/livestack");
          return s.frames_stacked >= 3;
        }, 180_000);
        await page.getByRole("button", { name: /Stop frames/ }).click();
        await page.waitForSelector(".frame-image canvas[data-loaded=true]");
        await shot("livestack");
        await page.getByRole("button", { name: "Stop stacking" }).click();
      });

      await t.step(
        "kill the box mid-sequence, stay useful offline, recover and resume",
        async () => {
          const seq = await box.json<{ id: string }>("POST", "/sequences", {
            name: "Long L",
            targets: [{ name: designation, groups: [{ filter: "L", exposure_s: 1, count: 40 }] }],
            options: { autofocus: { at_start: false }, meridian_flip: { enabled: false } },
          });
          await open(page, "Sequences");
          await page.getByRole("button", { name: "Run Long L" }).click();
          await until("three frames of the long run", async () => {
            const m = /(\d+)\/40 frames/.exec(
              await text(page, '[data-testid="sequence-progress"]'),
            );
            return m !== null && Number(m[1]) >= 3;
          }, 120_000);
          // The service worker holds the app by now.
          await untilServiceWorkerControls(page);
          await box.kill();
          await page.waitForSelector('.link-state[data-state="offline"]', { timeout: 20_000 });
          await page.waitForSelector('.banner:has-text("unreachable")');
          await shot("offline");
          // A reload while the box is down: the shell from the service worker, the last known state.
          await page.reload();
          await page.waitForSelector('main[aria-busy="false"]', { timeout: 20_000 });
          await open(page, "Home");
          assertMatch(await text(page, ".link-state"), /Offline/);
          assertMatch(await text(page, "main"), /RA\d\dh \d\dm \d\ds/);
          await shot("offline-reloaded");

          await box.start();
          await page.waitForSelector('.link-state[data-state="live"]', { timeout: 30_000 });
          await open(page, "Sequences");
          await page.getByRole("button", { name: "Resume where it stopped" }).click({
            timeout: 30_000,
          });
          let resumedAt = 0;
          await until("the resumed run taking frames", async () => {
            const m = /(\d+)\/40 frames/.exec(
              await text(page, '[data-testid="sequence-progress"]'),
            );
            if (m && resumedAt === 0) {
              resumedAt = Number(m[1]);
            }
            return m !== null && resumedAt > 0 && Number(m[1]) >= resumedAt + 2;
          }, 120_000);
          await shot("resumed");
          await page.getByRole("button", { name: "Abort sequence" }).click();
          await until("the run aborted", async () => {
            const s = await box.json<{ state: string }>("GET", "/sequencer/status");
            return s.state === "aborted";
          }, 30_000);
          void seq;
        },
      );

      assertOnlyBox(phone.requests, box.url);
      assert(errors.length === 0, `page errors: ${errors.join("; ")}`);
    } finally {
      await phone.close();
      await box.dispose();
    }
  },
});
