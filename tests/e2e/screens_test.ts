/// <reference lib="dom" />
/**
 * Every screen of the phone app in a real Chromium at 390×844 with touch, against a running box
 * on its simulators: axe-core finds no serious or critical violation on any screen, in night and
 * in day mode; every tap target is at least 44 px and every input at least 16 px; home does not
 * shift as data arrives; the viewer draws a frame's brightness as red on black in night mode
 * (not a tint) and in grey in day mode; the app's scripts come from versioned URLs; nothing is
 * requested from outside the box. Screenshots of every screen go to tests/e2e/artefacts/.
 * The framing view draws the mosaic panels the box computes, shows the box's refusal of a bad
 * layout where it was typed, saves the mosaic and turns it into a plan of one target per panel.
 */
import { assert, assertAlmostEquals, assertEquals } from "../_assert.ts";
import { useFastSimulators, withServer } from "../integration/_server.ts";
import { assertOnlyBox, hasChromium, openPhone, until } from "./_phone.ts";

/** Route → a name for the screenshot (and what to wait for when it loads more after showing). */
const SCREENS: [string, string, string?][] = [
  ["", "home"],
  ["capture", "capture"],
  ["viewer", "viewer"],
  ["targets", "targets-tonight"],
  ["targets?tab=search", "targets-search"],
  ["targets/M31", "target-m31"],
  ["targets/M31/framing", "framing-m31"],
  ["focus", "focus"],
  ["guiding", "guiding"],
  ["sequences", "sequences"],
  ["sequences/new?target=M%2031", "sequence-builder"],
  ["plans", "plans"],
  ["plans/new", "plan-builder"],
  ["livestack", "livestack"],
  ["alignment", "alignment"],
  ["equipment", "equipment"],
  ["site", "site"],
  ["frames", "frames"],
  ["logs", "logs"],
  ["settings", "settings"],
  ["licenses", "licenses", 'ul[aria-label="Components"] li'],
  ["licenses?debian=show", "licenses-debian", 'ul[aria-label="Debian packages"] li'],
  ["licenses/project", "licence-project", "main dl.facts"],
  [`licenses/c/deno/${Deno.version.deno}`, "licence-deno", "pre.notice"],
  ["licenses/deb/bash", "licence-debian-bash", "pre.notice"],
  ["wifi", "wifi"],
  ["more", "more"],
];

/** Controls smaller than 44 px or inputs under 16 px on the visible page. */
function sizeProblems(): string[] {
  const problems: string[] = [];
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && !el.closest(".sr-only");
  };
  const name = (el: Element) =>
    `${el.tagName.toLowerCase()} "${
      (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 30)
    }"`;
  for (
    const el of document.querySelectorAll(
      "button, a.button, .tabs a, .more-grid a, select, .segmented label, .toggle",
    )
  ) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      problems.push(`${name(el)} is ${r.width.toFixed(0)}×${r.height.toFixed(0)} px`);
    }
  }
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (!visible(el) || ["checkbox", "radio", "range"].includes((el as HTMLInputElement).type)) {
      continue;
    }
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 16) problems.push(`${name(el)} has ${size}px text`);
    const r = el.getBoundingClientRect();
    if (r.height < 43.5) problems.push(`${name(el)} is ${r.height.toFixed(0)} px high`);
  }
  return problems;
}

Deno.test({
  name:
    "phone app: every screen passes axe, has 44 px targets and 16 px inputs, talks only to the box",
  ignore: !hasChromium(),
  async fn() {
    await withServer(async (t) => {
      await useFastSimulators(t, { sky: "random" });
      // A frame for the viewer, home's thumbnail and the frames screen.
      const ws = await t.events("camera.frame_ready");
      const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
        duration: 0.5,
        object: "M 31",
      });
      await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 20_000);

      const phone = await openPhone();
      const { page } = phone;
      try {
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        // Home first, measuring layout shift from the very start.
        await page.addInitScript(() => {
          // deno-lint-ignore no-explicit-any
          (globalThis as any).__cls = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              // deno-lint-ignore no-explicit-any
              const shift = e as any;
              // deno-lint-ignore no-explicit-any
              if (!shift.hadRecentInput) (globalThis as any).__cls += shift.value;
            }
          }).observe({ type: "layout-shift", buffered: true });
        });
        await page.goto(`${t.server.url}/`);
        await page.waitForSelector('.link-state[data-state="live"]');
        await page.waitForSelector(".last-frame canvas[data-loaded=true]", { timeout: 20_000 });
        await page.waitForTimeout(1500);
        // deno-lint-ignore no-explicit-any
        const cls = await page.evaluate(() => (globalThis as any).__cls as number);
        console.log(`home: cumulative layout shift ${cls.toFixed(4)}`);
        assert(cls < 0.1, `home shifted by ${cls} as data arrived (CLS ≥ 0.1)`);

        for (const theme of ["night", "day"] as const) {
          if (theme === "day") {
            await page.goto(`${t.server.url}/#/`);
            await page.getByRole("button", { name: "Switch to day mode" }).click();
            assertEquals(await page.evaluate(() => document.documentElement.dataset.theme), "day");
          }
          for (const [route, name, loaded] of SCREENS) {
            await page.goto(`${t.server.url}/#/${route}`);
            await page.waitForSelector('main[aria-busy="false"]');
            if (loaded) await page.waitForSelector(loaded, { timeout: 20_000 });
            await page.waitForLoadState("networkidle").catch(() => {});
            await page.waitForTimeout(400);
            await phone.axe(`${name} (${theme})`);
            const problems = await page.evaluate(sizeProblems);
            assert(problems.length === 0, `${name} (${theme}):\n  ${problems.join("\n  ")}`);
            await phone.shot(`screen-${name}-${theme}`, true);
          }
        }

        // The viewer: brightness as red on black at night, grey by day (not a tint).
        const channels = async () =>
          await page.evaluate(() => {
            const c = document.querySelector(".viewer-stage canvas") as HTMLCanvasElement;
            const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
            let r = 0, g = 0, b = 0, bright = 0;
            for (let i = 0; i < d.length; i += 4) {
              r += d[i]!;
              g += d[i + 1]!;
              b += d[i + 2]!;
              if (d[i]! > 200) bright++;
            }
            return { r, g, b, bright };
          });
        await page.goto(`${t.server.url}/#/viewer/${frame_id}`);
        await page.waitForSelector(".viewer-stage canvas[data-drawn]", { timeout: 20_000 });
        const day = await channels();
        assert(
          day.g > 0 && day.b > 0 && Math.abs(day.r - day.g) / day.r < 0.05,
          `day frame is grey: ${JSON.stringify(day)}`,
        );
        await page.getByRole("button", { name: "Switch to night mode" }).click();
        await until(
          "the frame redrawn in night mode",
          async () => (await channels()).g === 0,
          10_000,
        );
        const night = await channels();
        assertEquals([night.g, night.b], [0, 0]);
        // The red follows the brightness: stars stay bright points, the sky as dark as by day.
        assert(night.bright > 0, `night frame keeps its bright stars: ${JSON.stringify(night)}`);
        assert(
          Math.abs(night.r - day.r) / day.r < 0.1,
          `night red ≈ day brightness: ${night.r} vs ${day.r}`,
        );

        // Versioned assets: every script and style of the app is under /app/<build>/.
        const assets = phone.requests.filter((u) =>
          /\.(m?js|css)(\?|$)/.test(u) && !u.includes("/sw.js")
        );
        assert(assets.length > 10, `assets: ${assets.length}`);
        for (const u of assets) {
          assert(/\/app\/[^/]+-[0-9a-f]{10}\//.test(u), `unversioned asset ${u}`);
        }
        assertOnlyBox(phone.requests, t.server.url);
        assertEquals(errors, []);
      } finally {
        await phone.close();
      }
    });
  },
});

interface MosaicPanel {
  name: string;
  order: number;
  ra: number;
  dec: number;
  rotation_deg: number;
}

Deno.test({
  name: "phone app: framing draws the box's mosaic panels, saves the mosaic and plans it",
  ignore: !hasChromium(),
  async fn() {
    await withServer(async (t) => {
      await useFastSimulators(t, { sky: "random" });
      const phone = await openPhone();
      const { page } = phone;
      try {
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`${t.server.url}/#/targets/M31/framing`);
        await page.waitForSelector('svg.framing[data-panels="1"]', { timeout: 20_000 });

        // A 2 × 3 layout: the panels drawn are the box's answer to POST /mosaic/preview.
        await page.getByRole("spinbutton", { name: "Rows" }).fill("2");
        await page.getByRole("spinbutton", { name: "Columns" }).fill("3");
        await page.getByRole("spinbutton", { name: "Position angle" }).fill("30");
        await page.waitForSelector('svg.framing[data-panels="6"]', { timeout: 20_000 });
        assert(
          phone.requests.some((u) => u.endsWith("/api/v1/mosaic/preview")),
          "the panels come from the box",
        );
        const rows = page.getByRole("table", { name: "Mosaic panels in imaging order" })
          .locator("tbody tr");
        await until("six panels listed", async () => (await rows.count()) === 6, 10_000);

        // A layout the box refuses: its message, where it was typed; nothing to save.
        await page.getByRole("spinbutton", { name: "Overlap" }).fill("95");
        const refusal = page.locator(".card").filter({ hasText: "Framing M31" })
          .getByRole("alert");
        await refusal.waitFor({ timeout: 10_000 });
        assert(/overlap_pct/.test(await refusal.innerText()), await refusal.innerText());
        assert(await page.getByRole("button", { name: "Save mosaic" }).isDisabled());
        await page.getByRole("spinbutton", { name: "Overlap" }).fill("20");
        await refusal.waitFor({ state: "detached", timeout: 10_000 });
        await page.waitForSelector('svg.framing[aria-busy="false"][data-panels="6"]');
        await until("the box's overlaps drawn", async () => {
          const text = await page.locator(".card").filter({ hasText: "Framing M31" }).innerText();
          return /Overlap\s+20\.0 %/.test(text);
        }, 10_000);
        await phone.shot("framing-mosaic-m31");

        // Save, then make a plan of it: the app goes to the Plans screen.
        await page.getByRole("textbox", { name: "Mosaic name" }).fill("M31 e2e mosaic");
        await page.getByRole("button", { name: "Save mosaic" }).click();
        await page.getByRole("status").filter({ hasText: "Saved" }).waitFor({ timeout: 10_000 });
        await page.getByRole("spinbutton", { name: "Exposure" }).fill("60");
        await page.getByRole("spinbutton", { name: "Frames" }).fill("4");
        await page.getByRole("button", { name: "Make a plan of it" }).click();
        await page.waitForURL(/#\/plans$/, { timeout: 20_000 });
        await page.getByText("M31 e2e mosaic", { exact: true }).waitFor({ timeout: 20_000 });
        await phone.shot("framing-mosaic-plan");

        // The plan, read back from the box: one target per panel of the saved mosaic, each at
        // the panel's centre with its rotator angle and the exposures chosen on the phone.
        const { mosaics } = await t.json<
          {
            mosaics: {
              id: string;
              name: string;
              rows: number;
              cols: number;
              overlap_pct: number;
              rotation_deg: number;
              panels: MosaicPanel[];
            }[];
          }
        >("GET", "/mosaic");
        assertEquals(mosaics.length, 1);
        const saved = mosaics[0]!;
        assertEquals(
          [saved.name, saved.rows, saved.cols, saved.overlap_pct, saved.rotation_deg],
          ["M31 e2e mosaic", 2, 3, 20, 30],
        );
        const { plans } = await t.json<
          {
            plans: {
              name: string;
              targets: (MosaicPanel & { groups: { exposure_s: number; count: number }[] })[];
            }[];
          }
        >("GET", "/scheduler/plans");
        const plan = plans.find((p) => p.name === "M31 e2e mosaic");
        assert(plan, `the plan exists: ${plans.map((p) => p.name).join(", ")}`);
        assertEquals(plan.targets.length, 6, "one target per panel");
        // Matched by position: the names carry the imaging order, worked out again for the plan.
        const unmatched = [...saved.panels];
        for (const target of plan.targets) {
          const i = unmatched.findIndex((p) =>
            Math.abs(p.ra - target.ra) < 1e-9 && Math.abs(p.dec - target.dec) < 1e-9
          );
          assert(i >= 0, `${target.name} is at a panel's centre`);
          const [panel] = unmatched.splice(i, 1);
          assertAlmostEquals(target.rotation_deg, panel!.rotation_deg % 360, 1e-6);
          assertEquals(target.groups.map((g) => [g.exposure_s, g.count]), [[60, 4]]);
        }
        assertEquals(unmatched, [], "every panel has its target");
        assertOnlyBox(phone.requests, t.server.url);
        assertEquals(errors, []);
      } finally {
        await phone.close();
      }
    });
  },
});
