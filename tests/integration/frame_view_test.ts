/**
 * The per-frame endpoints the phone's viewer and frames screen use, against a running box on its
 * simulators: frames taken through the API are browsed by night, target and page; a region of a
 * frame comes back as a JPEG of the asked size whose pixels match the whole view's stretch; the
 * stars endpoint agrees with the analysis the box stored when it saved the frame; bad queries
 * answer 400 naming the field, unknown frames and files removed by hand 404.
 */
import jpeg from "jpeg-js";
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../_assert.ts";
import { nightWindow } from "../../routes/frame_view.ts";
import { type TestServer, useFastSimulators, withServer } from "./_server.ts";

interface Frame {
  id: string;
  path: string;
  object: string | null;
  stars: number | null;
  hfr: number | null;
  width: number;
  height: number;
  started_at: string;
}

/** A frame taken and measured: its row once `camera.frame_analyzed` has brought the figures. */
async function takeFrame(t: TestServer, object: string): Promise<Frame> {
  const ws = await t.events("camera.frame_analyzed");
  const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
    duration: 0.5,
    object,
  });
  const event = await ws.waitFor("camera.frame_analyzed", (d) => d.id === frame_id, 60_000);
  await ws.close();
  assertEquals(event.data.error, null, "the frame was measured");
  return await t.json<Frame>("GET", `/frames/${frame_id}`);
}

async function jpegOf(t: TestServer, path: string) {
  const res = await t.api("GET", path);
  assertEquals(res.status, 200, `${path}: ${res.status}`);
  assertEquals(res.headers.get("content-type"), "image/jpeg");
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { image: jpeg.decode(bytes, { useTArray: true }), headers: res.headers };
}

Deno.test("night windows run from local noon to the next noon at the site", () => {
  // Greenwich: 12:00 UTC; 90° E: six hours earlier; 120° W: eight hours later.
  assertEquals(
    new Date(nightWindow("2026-03-01", 0).fromMs).toISOString(),
    "2026-03-01T12:00:00.000Z",
  );
  assertEquals(
    new Date(nightWindow("2026-03-01", 90).fromMs).toISOString(),
    "2026-03-01T06:00:00.000Z",
  );
  const w = nightWindow("2026-03-01", -120);
  assertEquals(new Date(w.fromMs).toISOString(), "2026-03-01T20:00:00.000Z");
  assertEquals(w.toMs - w.fromMs, 86_400_000);
});

Deno.test("frames: browse, detail, region JPEG, stars, histogram, file", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t, { sky: "random", widthPx: 800, heightPx: 600 });
    const a = await takeFrame(t, "M 42");
    const b = await takeFrame(t, "M 42");
    const c = await takeFrame(t, "NGC 7000");

    // Browse: newest first, a page at a time, by target, by night.
    const all = await t.json<{ frames: Frame[]; next_before: string | null }>("GET", "/frames");
    assertEquals(all.frames.map((f) => f.id), [c.id, b.id, a.id]);
    assertEquals(all.next_before, null);
    const page1 = await t.json<{ frames: Frame[]; next_before: string }>("GET", "/frames?limit=2");
    assertEquals(page1.frames.map((f) => f.id), [c.id, b.id]);
    const page2 = await t.json<{ frames: Frame[] }>(
      "GET",
      `/frames?limit=2&before=${page1.next_before}`,
    );
    assertEquals(page2.frames.map((f) => f.id), [a.id]);
    const m42 = await t.json<{ frames: Frame[] }>("GET", "/frames?object=M%2042");
    assertEquals(m42.frames.map((f) => f.id), [b.id, a.id]);
    const nights = await t.json<{ nights: { night: string; frames: number; objects: string[] }[] }>(
      "GET",
      "/frames/nights",
    );
    assertEquals(nights.nights.length, 1);
    assertEquals(nights.nights[0]!.frames, 3);
    assertEquals(nights.nights[0]!.objects, ["M 42", "NGC 7000"]);
    const ofNight = await t.json<{ frames: Frame[] }>(
      "GET",
      `/frames?night=${nights.nights[0]!.night}`,
    );
    assertEquals(ofNight.frames.length, 3);
    const otherNight = await t.json<{ frames: Frame[] }>("GET", "/frames?night=2001-01-01");
    assertEquals(otherNight.frames.length, 0);

    // Detail: the figures agree with what the box stored when it saved the frame.
    const detail = await t.json<
      Frame & { figures: { star_count: number; median_hfr_px: number; eccentricity: number } }
    >("GET", `/frames/${a.id}`);
    assertEquals(detail.id, a.id);
    assertEquals(detail.figures.star_count, a.stars);
    assertAlmostEquals(detail.figures.median_hfr_px, a.hfr!, 1e-9);
    assert(detail.figures.eccentricity >= 0 && detail.figures.eccentricity < 1);

    const stars = await t.json<
      { star_count: number; stars: { x: number; y: number; hfr_px: number }[] }
    >("GET", `/frames/${a.id}/stars?limit=20`);
    assertEquals(stars.star_count, a.stars);
    assertEquals(stars.stars.length, Math.min(20, a.stars!));
    for (const s of stars.stars) {
      assert(s.x >= 0 && s.x < 800 && s.y >= 0 && s.y < 600 && s.hfr_px > 0, JSON.stringify(s));
    }

    // The whole frame fitted into 400 px, then a 100×100 region at 1:1 around the brightest star.
    const whole = await jpegOf(t, `/frames/${a.id}/preview?max_px=400`);
    assertEquals([whole.image.width, whole.image.height], [400, 300]);
    assertEquals(whole.headers.get("x-region"), "0,0,800,600");
    assertEquals(whole.headers.get("x-frame-size"), "800x600");
    const star = stars.stars[0]!;
    const x = Math.max(0, Math.min(700, Math.round(star.x) - 50));
    const y = Math.max(0, Math.min(500, Math.round(star.y) - 50));
    const region = await jpegOf(
      t,
      `/frames/${a.id}/preview?x=${x}&y=${y}&w=100&h=100&max_px=1000`,
    );
    assertEquals([region.image.width, region.image.height], [100, 100]);
    assertEquals(region.headers.get("x-region"), `${x},${y},100,100`);
    // The star is the brightest thing in the region, and the sky around it stays dark, as in the
    // whole view (same stretch): compare the region's median with the whole view's.
    const lum = (img: { data: Uint8Array }, i: number) => img.data[i * 4]!;
    const px = (img: { width: number; data: Uint8Array }, xx: number, yy: number) =>
      lum(img, yy * img.width + xx);
    const starLum = px(region.image, Math.round(star.x) - x, Math.round(star.y) - y);
    const median = (img: { data: Uint8Array }) => {
      const v = Array.from({ length: img.data.length / 4 }, (_, i) => lum(img, i)).sort((p, q) =>
        p - q
      );
      return v[v.length >> 1]!;
    };
    assert(starLum > median(region.image) + 60, `star ${starLum} vs sky ${median(region.image)}`);
    assert(
      Math.abs(median(region.image) - median(whole.image)) < 25,
      `region sky ${median(region.image)} vs whole sky ${median(whole.image)}`,
    );
    // A manual stretch with the white point at the black point's side makes everything white.
    const white = await jpegOf(
      t,
      `/frames/${a.id}/preview?stretch=manual&black=0&white=0.0001&mid=0.5&max_px=64`,
    );
    assert(median(white.image) > 250, `manual stretch median ${median(white.image)}`);

    const histogram = await t.json<{ channels: { channel: string; count: number }[] }>(
      "GET",
      `/frames/${a.id}/histogram?bins=64`,
    );
    assertEquals(histogram.channels.map((ch) => [ch.channel, ch.count]), [["L", 800 * 600]]);

    const file = await t.api("GET", `/frames/${a.id}/file`);
    assertEquals(file.status, 200);
    assertMatch(file.headers.get("content-disposition") ?? "", /attachment; filename=".*\.fits"/);
    const fits = new Uint8Array(await file.arrayBuffer());
    assertEquals(new TextDecoder().decode(fits.subarray(0, 6)), "SIMPLE");
    assertEquals(fits.length, (await Deno.stat(join(t.dataDir, a.path))).size);

    // Bad queries name the field; unknown frames and removed files are 404.
    const bad = async (path: string, field: RegExp) => {
      const res = await t.api("GET", path);
      const body = await res.json();
      assertEquals(res.status, 400, path);
      assertMatch(JSON.stringify(body.error), field);
    };
    await bad(`/frames/${a.id}/preview?x=1&y=2`, /x/);
    await bad(`/frames/${a.id}/preview?max_px=2`, /max_px/);
    await bad(`/frames/${a.id}/preview?stretch=manual&black=0.5&white=0.2`, /black/);
    await bad(`/frames?night=yesterday`, /night/);
    await bad(`/frames/${a.id}/stars?limit=0`, /limit/);
    assertEquals(await t.status("GET", "/frames/no-such-frame"), 404);
    assertEquals(await t.status("GET", "/frames/no-such-frame/preview"), 404);
    assertEquals(await t.status("GET", `/frames?before=no-such-frame`), 404);
    await Deno.remove(join(t.dataDir, c.path));
    const gone = await t.api("GET", `/frames/${c.id}/preview`);
    assertEquals(gone.status, 404);
    assertMatch((await gone.json()).error.message, /missing from the data directory/);
  });
});

Deno.test("screen preview and figures: made when a frame is taken, the same as made on request, kept after a restart's first request", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-screen-preview-" });
  try {
    let id = "";
    let asTaken = new Uint8Array();
    await withServer(async (t) => {
      await useFastSimulators(t, { sky: "random", widthPx: 800, heightPx: 600 });
      const previews = t.server.services.framePreviews;
      id = (await takeFrame(t, "M 42")).id;
      // Rendered ahead: the frame sink asked for it when it saved the frame, before the figures.
      const kept = await previews.get(id);
      assert(kept, "the screen preview was rendered when the frame was saved");
      const res = await t.api("GET", `/frames/${id}/preview`);
      assertEquals(res.headers.get("x-region"), "0,0,800,600");
      assertEquals(res.headers.get("x-frame-size"), "800x600");
      asTaken = new Uint8Array(await res.arrayBuffer());
      assertEquals(asTaken, kept.jpeg, "the answer is the preview rendered ahead");
      // The same picture as the workers render for the whole frame given as a region.
      const rendered = await t.api("GET", `/frames/${id}/preview?x=0&y=0&w=800&h=600`);
      assertEquals(new Uint8Array(await rendered.arrayBuffer()), asTaken);
      const decoded = jpeg.decode(asTaken, { useTArray: true });
      assertEquals([decoded.width, decoded.height], [800, 600]);
      // The figures the viewer shows are the frame sink's analysis, not a second one.
      const measured = await t.server.services.frameSink.measured(id);
      assert(measured, "the sink keeps its analysis of the frame");
      const detail = await t.json<{ stars: number; figures: { star_count: number } }>(
        "GET",
        `/frames/${id}`,
      );
      assertEquals(detail.figures.star_count, measured.analysis.starCount);
      assertEquals(detail.figures.star_count, detail.stars);
    }, { dir });
    await withServer(async (t) => {
      const previews = t.server.services.framePreviews;
      assertEquals(previews.get(id), null, "a new process has no previews yet");
      const res = await t.api("GET", `/frames/${id}/preview?max_px=1280&quality=80`);
      assertEquals(res.status, 200);
      const fromFile = new Uint8Array(await res.arrayBuffer());
      assertEquals(fromFile, asTaken, "read back from the FITS file: the same picture");
      assertEquals((await previews.get(id))?.jpeg, fromFile, "kept for the next request");
    }, { dir });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
