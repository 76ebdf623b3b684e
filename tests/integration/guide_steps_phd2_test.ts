/**
 * Guide steps end to end with PHD2: the box's guider role is the PHD2 driver talking to the fake
 * PHD2 event server over TCP; guiding is started over REST, and every GuideStep PHD2 sent reaches
 * a WebSocket client as `guiding.step` with its frame, raw RA/Dec distances, arcsec by PHD2's
 * pixel scale, pulses and star figures — none invented, none lost — and `/guiding/history` holds
 * the same steps for the graph's first paint.
 */
import { assert, assertEquals } from "../_assert.ts";
import { FakePhd2Server } from "../fakes/phd2_server.ts";
import { type TestServer, withServer } from "./_server.ts";

async function useFakePhd2(t: TestServer, port: number): Promise<void> {
  const active = await t.json<
    { id: string; name: string; site: unknown; optics: unknown; devices: Record<string, unknown> }
  >("GET", "/profiles/active");
  const devices = {
    ...active.devices,
    guider: { driver: "phd2", options: { host: "127.0.0.1", port } },
  };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
}

Deno.test("guide steps: PHD2's GuideSteps reach the phone as guiding.step and /guiding/history", async () => {
  // PHD2's camera is rotated 30° from RA/Dec, so dx/dy differ from the RA/Dec distances.
  const phd2 = new FakePhd2Server({ frameMs: 60, calibrated: true, pixelScaleArcsec: 1.25 });
  try {
    await withServer(async (t) => {
      await useFakePhd2(t, phd2.port);
      const deadline = Date.now() + 20_000;
      while (true) {
        const { devices } = await t.json<{ devices: { role: string; state: string }[] }>(
          "GET",
          "/devices",
        );
        if (devices.find((d) => d.role === "guider")?.state === "connected") break;
        if (Date.now() > deadline) throw new Error("the PHD2 guider did not connect in 20 s");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const ws = await t.events("guiding.*");
      const startedAt = phd2.sent.length;
      const start = { settle_pixels: 2, settle_time: 1, settle_timeout: 30 };
      assertEquals(await t.status("POST", "/guiding/start", start), 202);
      await ws.waitFor("guiding.step", (d) => (d.frame as number) > 0, 15_000);
      // Let a few more steps through, then stop so the set of steps is final.
      const enough = async () => {
        const deadline = Date.now() + 15_000;
        while (ws.ofType("guiding.step").length < 8) {
          if (Date.now() > deadline) throw new Error("fewer than 8 guide steps in 15 s");
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await enough();
      assertEquals(await t.status("POST", "/guiding/stop"), 200);
      await new Promise((resolve) => setTimeout(resolve, 300));

      const sent = phd2.sent.slice(startedAt).filter((e) => e.Event === "GuideStep");
      const got = ws.ofType("guiding.step").map((e) => e.data);
      assertEquals(got.length, sent.length, "every GuideStep, and only those");
      for (const [i, step] of got.entries()) {
        const e = sent[i]!;
        assertEquals(step.frame, e.Frame);
        assertEquals(step.since_start_s, e.Time);
        assertEquals([step.ra_px, step.dec_px], [e.RADistanceRaw, e.DECDistanceRaw]);
        assertEquals([step.dx_px, step.dy_px], [e.dx, e.dy]);
        const arcsec = (px: unknown) => Math.round((px as number) * 1.25 * 1000) / 1000;
        assertEquals(step.ra_arcsec, arcsec(e.RADistanceRaw));
        assertEquals(step.dec_arcsec, arcsec(e.DECDistanceRaw));
        assertEquals(step.ra_pulse_ms, e.RADuration ?? null);
        assertEquals(
          step.ra_direction,
          (e.RADirection as string | undefined)?.toLowerCase() ?? null,
        );
        assertEquals(step.dec_pulse_ms, e.DECDuration ?? null);
        assertEquals(
          step.dec_direction,
          (e.DECDirection as string | undefined)?.toLowerCase() ?? null,
        );
        assertEquals([step.snr, step.star_mass, step.hfd_px], [e.SNR, e.StarMass, e.HFD]);
        assertEquals(step.error_code, 0);
      }
      assert(got.some((s) => s.dx_px !== s.ra_px), "a rotated camera: dx is not the RA error");

      const history = await t.json<{ steps: Record<string, unknown>[]; pixel_scale: number }>(
        "GET",
        "/guiding/history?seconds=300",
      );
      assertEquals(history.pixel_scale, 1.25);
      assertEquals(history.steps, got);
    });
  } finally {
    await phd2.close();
  }
});
