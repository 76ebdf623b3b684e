/**
 * The frame pipeline as a client sees it (issue 14 A.2, A.3, A.4), against a real server on the
 * fast simulators:
 *
 * - A.2: an exposure whose driver call hangs is aborted at once — the abort frees the camera, the
 *   status says idle, a new exposure is accepted — and once the device answers again the next
 *   frame is that exposure's own.
 * - A.3: the moment a frame is listed and `/camera/status` says idle, `POST /camera/expose` is
 *   accepted: the status and the acceptance come from one source.
 * - A.4: `camera.frame_ready` goes out when the file is durable and recorded, before (and whatever
 *   the fate of) the star analysis; the figures follow in `camera.frame_analyzed` and in the list.
 *
 * The star analysis is held back by a gate around the imaging pool's `analyzeFrame` task, so
 * "before the analysis" is a fact the test controls, not a race it hopes to win.
 */
import { assert, assertEquals } from "../_assert.ts";
import { type TestServer, useFastSimulators, withServer } from "./_server.ts";

interface Accepted {
  frame_id: string;
}

interface Status {
  exposure: { state: string; duration_s: number | null };
}

/** Holds every `analyzeFrame` task of the server's imaging pool until `open()`. */
function gateAnalysis(t: TestServer): { open(): void; held(): number } {
  const pool = t.server.services.imaging;
  const run = pool.run.bind(pool);
  let opened = false;
  let held = 0;
  const waiting: (() => void)[] = [];
  pool.run = (<T>(task: string, args: unknown, transfer?: Transferable[]) => {
    if (task !== "analyzeFrame" || opened) return run<T>(task, args, transfer);
    held++;
    return new Promise<void>((resolve) => waiting.push(resolve)).then(() =>
      run<T>(task, args, transfer)
    );
  }) as typeof pool.run;
  return {
    open() {
      opened = true;
      for (const release of waiting.splice(0)) release();
    },
    held: () => held,
  };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("A.2: abort frees a camera whose exposure hangs at once; the next frame is its own", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random" });
    const ws = await t.events("camera.frame_ready,camera.exposure_failed");
    await t.json("PUT", "/devices/camera/fault", { method: "expose", mode: "hang" });
    const hung = await t.json<Accepted>("POST", "/camera/expose", { duration: 1 });
    // Accepted and not yet begun by the device: the camera is taken, and says so.
    const taken = await t.json<Status>("GET", "/camera/status");
    assertEquals(taken.exposure.state, "exposing");
    assertEquals(taken.exposure.duration_s, 1);
    assertEquals(await t.status("POST", "/camera/expose", { duration: 1 }), 409);

    const abort = await t.json<{ aborted: boolean }>("POST", "/camera/abort");
    assertEquals(abort.aborted, true);
    assertEquals((await t.json<Status>("GET", "/camera/status")).exposure.state, "idle");
    await ws.waitFor(
      "camera.exposure_failed",
      (d) => d.frame_id === hung.frame_id && d.aborted === true,
      2000,
    );
    // The driver still hangs: a new exposure is accepted all the same, and aborted as quickly.
    const again = await t.api("POST", "/camera/expose", { duration: 1 });
    assertEquals(again.status, 202, await again.text());
    assertEquals((await t.json<{ aborted: boolean }>("POST", "/camera/abort")).aborted, true);
    assertEquals((await t.json<Status>("GET", "/camera/status")).exposure.state, "idle");

    // The device answers again: the next exposure runs, and what is saved is that one.
    await t.json("PUT", "/devices/camera/fault", { method: "expose", mode: null });
    const next = await t.json<Accepted>("POST", "/camera/expose", { duration: 0.2, binning: 2 });
    const ready = await ws.waitFor("camera.frame_ready", (d) => d.id === next.frame_id, 20_000);
    assertEquals([ready.data.width, ready.data.height, ready.data.binning], [400, 300, 2]);
    const { frames } = await t.json<{ frames: { id: string }[] }>("GET", "/camera/frames");
    assertEquals(frames.map((f) => f.id), [next.frame_id], "nothing else was saved");
  });
});

Deno.test("A.3: once the frame is listed and the status says idle, a new exposure is accepted", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random" });
    const gate = gateAnalysis(t);
    try {
      const first = await t.json<Accepted>("POST", "/camera/expose", { duration: 0.2 });
      await until("the frame listed and the camera idle", async () => {
        const { frames } = await t.json<{ frames: { id: string }[] }>("GET", "/camera/frames");
        const status = await t.json<Status>("GET", "/camera/status");
        return frames[0]?.id === first.frame_id && status.exposure.state === "idle";
      });
      const second = await t.api("POST", "/camera/expose", { duration: 0.2 });
      assertEquals(second.status, 202, await second.text());
      // And the other way round: while the camera is taken, the status says so.
      assert((await t.json<Status>("GET", "/camera/status")).exposure.state !== "idle");
    } finally {
      gate.open();
    }
  });
});

Deno.test("A.4: camera.frame_ready does not wait for the star analysis; the figures follow", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random" });
    const ws = await t.events("camera.frame_ready,camera.frame_analyzed");
    const gate = gateAnalysis(t);
    let id: string;
    try {
      id = (await t.json<Accepted>("POST", "/camera/expose", { duration: 0.5, gain: 120 }))
        .frame_id;
      const ready = await ws.waitFor("camera.frame_ready", (d) => d.id === id, 20_000);
      assertEquals([ready.data.hfr, ready.data.stars], [null, null], "not analysed yet");
      assertEquals(gate.held(), 1, "its analysis is still waiting");
      assertEquals(ws.ofType("camera.frame_analyzed").length, 0);
    } finally {
      gate.open();
    }
    const analyzed = await ws.waitFor("camera.frame_analyzed", (d) => d.id === id, 20_000);
    const { hfr, fwhm, stars, eccentricity } = analyzed.data as Record<string, number>;
    assert(stars! > 0, `stars ${stars}`);
    // The random field's PSF is a Gaussian of σ 1.3 px: HFR 1.53 px, FWHM 3.06 px in focus.
    assert(hfr! > 1.2 && hfr! < 2.5, `hfr ${hfr}`);
    assert(fwhm! > 2.4 && fwhm! < 5, `fwhm ${fwhm}`);
    assert(eccentricity! >= 0 && eccentricity! < 0.6, `eccentricity ${eccentricity}`);
    const { frames } = await t.json<{ frames: Record<string, unknown>[] }>("GET", "/camera/frames");
    const row = frames.find((f) => f.id === id)!;
    assertEquals([row.hfr, row.fwhm, row.stars, row.eccentricity], [
      hfr,
      fwhm,
      stars,
      eccentricity,
    ]);
  });
});
