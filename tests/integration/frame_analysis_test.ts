/**
 * Every saved frame is analysed: a light from the simulated camera (which renders a star field)
 * reaches `camera.frame_ready` with a star count and a median HFR, and its database row carries
 * the same figures; a dark frame (no stars) is analysed too and records zero stars.
 */
import { assert, assertEquals } from "../_assert.ts";
import { useFastSimulators, withServer } from "./_server.ts";

Deno.test("a light frame from the simulator arrives with stars and an HFR", async () => {
  await withServer(async (t) => {
    // The random field: the HFR bounds below are its PSF's (the true sky's depends on seeing).
    await useFastSimulators(t, { sky: "random" });
    const ws = await t.events("camera.frame_ready");
    const light = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 2,
      gain: 120,
      frame_type: "light",
    });
    const ready = await ws.waitFor("camera.frame_ready", (d) => d.id === light.frame_id, 60_000);
    const stars = ready.data.stars as number, hfr = ready.data.hfr as number;
    assert(stars > 0, `stars ${stars}`);
    // The simulator's PSF is a Gaussian of σ 1.3 px: HFR = 1.3·√(2 ln 2) = 1.53 px in focus.
    assert(hfr > 1.2 && hfr < 2.5, `hfr ${hfr}`);
    const row = await t.server.services.frames.get(light.frame_id);
    assertEquals([row.stars, row.hfr], [stars, hfr]);

    const dark = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 1,
      frame_type: "dark",
    });
    const darkReady = await ws.waitFor("camera.frame_ready", (d) => d.id === dark.frame_id, 60_000);
    assertEquals(darkReady.data.stars, 0);
    assertEquals(darkReady.data.hfr, null);
  });
});
