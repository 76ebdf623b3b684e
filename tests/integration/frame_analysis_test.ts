/**
 * Every saved frame is analysed: a light from the simulated camera (which renders a star field) is
 * announced by `camera.frame_ready` as soon as it is on disk, then `camera.frame_analyzed` brings
 * its star count, median HFR and FWHM and eccentricity, and its database row carries the same
 * figures; a dark frame (no stars) is analysed too and records zero stars.
 */
import { assert, assertEquals } from "../_assert.ts";
import { useFastSimulators, withServer } from "./_server.ts";

Deno.test("a light frame from the simulator arrives, then its stars and HFR", async () => {
  await withServer(async (t) => {
    // The random field: the HFR bounds below are its PSF's (the true sky's depends on seeing).
    await useFastSimulators(t, { sky: "random" });
    const ws = await t.events("camera.frame_ready,camera.frame_analyzed");
    const light = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 2,
      gain: 120,
      frame_type: "light",
    });
    await ws.waitFor("camera.frame_ready", (d) => d.id === light.frame_id, 60_000);
    const analyzed = await ws.waitFor(
      "camera.frame_analyzed",
      (d) => d.id === light.frame_id,
      60_000,
    );
    const stars = analyzed.data.stars as number, hfr = analyzed.data.hfr as number;
    assert(stars > 0, `stars ${stars}: ${analyzed.data.error}`);
    // The simulator's PSF is a Gaussian of σ 1.3 px: HFR = 1.3·√(2 ln 2) = 1.53 px in focus.
    assert(hfr > 1.2 && hfr < 2.5, `hfr ${hfr}`);
    assertEquals(analyzed.data.error, null);
    const row = await t.server.services.frames.get(light.frame_id);
    assertEquals([row.stars, row.hfr], [stars, hfr]);
    assertEquals([row.fwhm, row.eccentricity], [analyzed.data.fwhm, analyzed.data.eccentricity]);

    const dark = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
      duration: 1,
      frame_type: "dark",
    });
    const darkFigures = await ws.waitFor(
      "camera.frame_analyzed",
      (d) => d.id === dark.frame_id,
      60_000,
    );
    assertEquals(darkFigures.data.stars, 0);
    assertEquals(darkFigures.data.hfr, null);
  });
});
