/**
 * The imaging pool in the running box: the latest frame's JPEG and histogram are computed in
 * workers, for a frame still in memory and for one read back from disk after a restart.
 */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { type TestServer, withServer } from "./_server.ts";

interface HistogramBody {
  frame_id: string;
  bins: number;
  bin_width_adu: number;
  channels: {
    channel: string;
    counts: number[];
    count: number;
    median_adu: number;
    mad_adu: number;
  }[];
}

async function colourCamera(t: TestServer): Promise<void> {
  const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
    "GET",
    "/profiles/active",
  );
  const camera = {
    driver: "sim",
    options: { model: "color", widthPx: 640, heightPx: 480, readoutMs: 50, bayerPattern: "RGGB" },
  };
  await t.json("PUT", `/profiles/${active.id}`, {
    ...active,
    devices: { ...active.devices, camera },
  });
  // The hub swaps the camera in the background; wait until the colour one answers.
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const res = await t.api("GET", "/camera/status");
    const body = res.ok ? await res.json() : await res.body?.cancel();
    if (body?.sensor?.width === 640 && body.sensor.bayer === "RGGB") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the colour camera did not connect within 5 s");
}

async function takeFrame(t: TestServer): Promise<string> {
  const ws = await t.events("camera.frame_ready");
  const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
    duration: 0.2,
  });
  await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 10_000);
  return frame_id;
}

Deno.test("latest frame histogram and JPEG come from the worker pool", async () => {
  await withServer(async (t) => {
    assertEquals(await t.status("GET", "/camera/frame/latest/histogram"), 404);
    await colourCamera(t);
    const frameId = await takeFrame(t);
    const h = await t.json<HistogramBody>("GET", "/camera/frame/latest/histogram?bins=128");
    assertEquals(h.frame_id, frameId);
    assertEquals(h.bins, 128);
    assertEquals(h.bin_width_adu, 512);
    assertEquals(h.channels.map((c) => c.channel), ["R", "G", "B"]);
    // Bayer sites: a quarter red, half green, a quarter blue of 640 × 480.
    assertEquals(h.channels.map((c) => c.count), [76800, 153600, 76800]);
    for (const c of h.channels) {
      assertEquals(c.counts.length, 128);
      assertEquals(c.counts.reduce((a, b) => a + b, 0), c.count);
      assert(c.median_adu > 0 && c.mad_adu >= 0, `${c.channel}: ${c.median_adu} ± ${c.mad_adu}`);
    }
    const jpeg = await t.api("GET", "/camera/frame/latest?format=jpeg&max_size=200");
    assertEquals(jpeg.headers.get("content-type"), "image/jpeg");
    assertEquals([...new Uint8Array(await jpeg.arrayBuffer()).slice(0, 2)], [0xff, 0xd8]);
    assert(t.server.services.imaging.stats.started >= 1, "the pool rendered it");

    const bad = await t.api("GET", "/camera/frame/latest/histogram?bins=0");
    assertEquals(bad.status, 400);
    assertMatch(await bad.text(), /bins/);
  });
});
