/// <reference lib="dom" />
/**
 * The phone follows the box's own work over its one socket, in a real Chromium against a running
 * box on its simulators (PHD2 is the fake PHD2 event server): the cooler card posts one ramped
 * cooler request and then shows the box's ramp (goal, set point, ETA) moving from `camera.status`
 * alone; Home's frame counter and current instruction advance from `sequencer.progress` during a
 * short sequence without re-reading /sequencer/status; the guiding graph's first paint holds the
 * steps the box already had (/guiding/history) and grows from `guiding.step`; and all of this,
 * across screens, goes over a single WebSocket whose topics change by subscribe/unsubscribe.
 */
import { assert, assertEquals } from "../_assert.ts";
import { FakePhd2Server } from "../fakes/phd2_server.ts";
import { useFastSimulators, withServer } from "../integration/_server.ts";
import { hasChromium, openPhone, until } from "./_phone.ts";
import type { Page } from "playwright-core";

const text = async (page: Page, selector: string) =>
  (await page.locator(selector).first().textContent({ timeout: 30_000 })) ?? "";

/** "1 min 05 s" / "12 s" → seconds. */
function seconds(s: string): number {
  const m = /(?:(\d+) min )?(\d+) s/.exec(s);
  assert(m, `a duration in "${s}"`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]);
}

Deno.test({
  name:
    "phone app follows the box: server cooler ramp, sequencer.progress on Home, guide history, one socket",
  ignore: !hasChromium(),
  async fn() {
    const phd2 = new FakePhd2Server({ frameMs: 200, calibrated: true, pixelScaleArcsec: 1.25 });
    try {
      await withServer(async (t) => {
        await useFastSimulators(t, { sky: "random" });
        const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
          "GET",
          "/profiles/active",
        );
        await t.json("PUT", `/profiles/${active.id}`, {
          ...active,
          devices: {
            ...active.devices,
            guider: { driver: "phd2", options: { host: "127.0.0.1", port: phd2.port } },
          },
        });
        await until("the rig connected", async () => {
          const { devices } = await t.json<{ devices: { role: string; state: string }[] }>(
            "GET",
            "/devices",
          );
          return ["camera", "guider"].every((r) =>
            devices.find((d) => d.role === r)?.state === "connected"
          );
        }, 30_000);

        const phone = await openPhone();
        const { page } = phone;
        const sockets: string[] = [];
        page.on("websocket", (ws) => sockets.push(ws.url()));
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        const api = (path: string) => phone.requests.filter((u) => new URL(u).pathname === path);
        try {
          await page.goto(`${t.server.url}/#/capture`);
          await page.waitForSelector('.link-state[data-state="live"]');

          // The cooler: one request with a rate, then the box's ramp shown as it moves.
          const { cooler } = await t.json<{ cooler: { temp_c: number } }>(
            "GET",
            "/camera/status",
          );
          const goalC = Math.round(cooler.temp_c) - 5;
          await page.getByRole("spinbutton", { name: /^Target/ }).fill(String(goalC));
          await page.getByRole("spinbutton", { name: /^Ramp/ }).fill("12");
          await page.getByRole("button", { name: "Cooler on" }).click();
          const ramp = '[data-testid="cooler-ramp"]';
          await page.waitForSelector(ramp, { timeout: 30_000 });
          const first = await text(page, ramp);
          assert(
            new RegExp(`^Cooling to ${goalC}\\.0°C at 12 °C/min, set point now `).test(first),
            first,
          );
          const etas = new Set<number>([seconds(first.split("there in ")[1]!)]);
          const box = await t.json<{ cooler: { ramp: { eta_s: number; goal_c: number } | null } }>(
            "GET",
            "/camera/status",
          );
          assertEquals(box.cooler.ramp?.goal_c, goalC);
          // 5 °C at 12 °C/min: at most 25 s as the box counts it.
          assert([...etas][0]! <= 25, `the box's ETA shown: ${first}`);
          await page.goto(`${t.server.url}/#/`);
          const homeRamp = await text(page, '.card:has-text("Cooling to")');
          assert(homeRamp.includes(`Cooling to${goalC}.0°C in `), homeRamp);
          await page.goto(`${t.server.url}/#/capture`);
          await until("the ramp reached its goal", async () => {
            const shown = await page.locator(ramp).textContent().catch(() => null);
            if (shown) etas.add(seconds(shown.split("there in ")[1]!));
            return shown === null && (await text(page, '.card:has-text("Cooler")'))
              .includes(`Target${goalC}.0°C`);
          }, 120_000);
          assert(etas.size >= 2, `the ETA moved with the box's events: ${[...etas]}`);
          assertEquals(api("/api/v1/camera/cooler").length, 1, "one cooler request, no stepping");

          // A short sequence, watched on Home from sequencer.progress only.
          await page.goto(`${t.server.url}/#/`);
          await page.waitForSelector('main[aria-busy="false"]');
          const statusReads = api("/api/v1/sequencer/status").length;
          const seq = await t.json<{ id: string }>("POST", "/sequences", {
            name: "phone progress",
            instructions: [
              { kind: "switch_filter", filter: "R" },
              { kind: "capture", exposure_s: 1, count: 4 },
            ],
          });
          assertEquals(await t.status("POST", "/sequencer/start", { sequence_id: seq.id }), 202);
          const counts = new Set<string>();
          const instructions = new Set<string>();
          await until("the sequence completed", async () => {
            const shown = await page.locator('[data-testid="home-sequence"]').textContent()
              .catch(() => null);
            const m = shown && /(\d)\/4 frames/.exec(shown);
            if (m) counts.add(m[1]!);
            const now = await page.locator('[data-testid="home-sequence-instruction"]')
              .textContent().catch(() => null);
            if (now) instructions.add(now);
            const s = await t.json<{ state: string }>("GET", "/sequencer/status");
            return s.state === "completed" && shown === null;
          }, 180_000);
          assert(counts.size >= 2, `Home's frame counter moved: ${[...counts]}`);
          assert(
            [...instructions].some((i) => /^capture · frame \d of 4$/.test(i)),
            `the current instruction shown: ${[...instructions]}`,
          );
          assertEquals(
            api("/api/v1/sequencer/status").length,
            statusReads,
            "no /sequencer/status read while the events came",
          );

          // Guiding: steps the box had before the screen opened are in its first paint.
          assertEquals(
            await t.status("POST", "/guiding/start", { settle_time: 1, settle_pixels: 5 }),
            202,
          );
          await until("ten guide steps kept", async () => {
            const h = await t.json<{ steps: unknown[] }>("GET", "/guiding/history");
            return h.steps.length >= 10;
          }, 60_000);
          await page.goto(`${t.server.url}/#/guiding`);
          const graph = page.getByRole("img", { name: /guide steps/ });
          const stepsShown = async () =>
            Number(
              /last (\d+) guide steps/.exec(await graph.getAttribute("aria-label") ?? "")?.[1],
            );
          await until("the history drawn", async () => (await stepsShown()) >= 10, 15_000);
          const drawn = await stepsShown();
          await until(
            "new steps from guiding.step",
            async () => (await stepsShown()) > drawn,
            30_000,
          );
          await phone.shot("live-guiding");
          assertEquals(await t.status("POST", "/guiding/stop"), 200);

          assertEquals(sockets.length, 1, `one socket across screens: ${sockets.join(", ")}`);
          assertEquals(errors, []);
        } finally {
          await phone.close();
        }
      }, { configToml: "[devices]\ncooler_ramp_step_s = 1\n" });
    } finally {
      await phd2.close();
    }
  },
});
