/**
 * The frame export over a real socket: a zip of the matching frames whose entries are byte for
 * byte the files on disk, the right file name, 404 when nothing matches, 400 for a bad date; and
 * memory: exporting ~200 MB must not grow the process by more than a few chunks.
 */
import { join } from "node:path";
import { unzipSync } from "fflate";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import type { FrameDto } from "../../core/schemas/camera.ts";
import { type TestServer, withServer } from "./_server.ts";

/** Writes a file under frames/ and records its row, as the exposure path would. */
async function addFrame(
  t: TestServer,
  name: string,
  bytes: Uint8Array,
  over: Partial<FrameDto> = {},
): Promise<FrameDto> {
  await Deno.mkdir(join(t.dataDir, "frames"), { recursive: true });
  const path = join("frames", name);
  await Deno.writeFile(join(t.dataDir, path), bytes);
  const frame: FrameDto = {
    id: crypto.randomUUID(),
    frame_number: null,
    path,
    frame_type: "light",
    duration_s: 60,
    gain: 100,
    offset: 10,
    binning: 1,
    width: 100,
    height: 100,
    filter: null,
    object: "M 42",
    started_at: "2026-01-05T21:00:00.000Z",
    sensor_temp_c: -10,
    bytes: bytes.length,
    hfr: null,
    fwhm: null,
    stars: null,
    eccentricity: null,
    wcs: null,
    ...over,
  };
  return await t.server.services.frames.insert(frame);
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, i + 65536));
  return out;
}

Deno.test("export: 3 frames zip to their exact bytes; 404 when none match; 400 for bad dates", async () => {
  await withServer(async (t) => {
    const files = new Map<string, Uint8Array>();
    for (const [i, hour] of [[1, 21], [2, 22], [3, 23]]) {
      const bytes = randomBytes(100_000 + i! * 777);
      files.set(`M42_${i}.fits`, bytes);
      await addFrame(t, `M42_${i}.fits`, bytes, {
        started_at: `2026-01-05T${hour}:00:00.000Z`,
      });
    }
    await addFrame(t, "other.fits", randomBytes(1000), { object: "M 31" });
    await addFrame(t, "next_night.fits", randomBytes(1000), {
      started_at: "2026-01-07T21:00:00.000Z",
    });

    const res = await t.api(
      "GET",
      "/frames/export?object=M%2042&from=2026-01-05T12:00:00Z&to=2026-01-06T12:00:00Z",
    );
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("content-type"), "application/zip");
    assertMatch(
      res.headers.get("content-disposition") ?? "",
      /filename="openskylab-M_42-2026-01-05\.zip"/,
    );
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    assertEquals(Object.keys(entries).sort(), [...files.keys()].sort());
    for (const [name, bytes] of files) assertEquals(entries[name], bytes, name);

    // A bare `to` date includes that whole day; frame_type narrows.
    const day = await t.api("GET", "/frames/export?to=2026-01-05&frame_type=light");
    assertEquals(Object.keys(unzipSync(new Uint8Array(await day.arrayBuffer()))).length, 4);

    const none = await t.api("GET", "/frames/export?object=M%2042&frame_type=flat");
    assertEquals(none.status, 404);
    await none.body?.cancel();
    const bad = await t.api("GET", "/frames/export?from=yesterday");
    assertEquals(bad.status, 400);
    assertMatch((await bad.json()).error.message, /query\.from/);
    const backwards = await t.api("GET", "/frames/export?from=2026-01-06&to=2026-01-05T00:00:00Z");
    assertEquals(backwards.status, 400);
    assertMatch((await backwards.json()).error.message, /query\.to/);
  });
});

Deno.test("export: memory stays flat whatever the archive size (64 MB vs 240 MB)", async () => {
  await withServer(async (t) => {
    const frameBytes = 8 * 1024 * 1024;
    const chunk = randomBytes(frameBytes);
    // This isolate's heap and buffers, not the process RSS: `deno test --parallel` runs other test
    // modules in the same process, and their memory would be counted against the export.
    const used = () => {
      const m = Deno.memoryUsage();
      return m.heapUsed + m.external;
    };
    const exportGrowthMb = async (object: string, count: number) => {
      for (let i = 0; i < count; i++) {
        chunk[0] = i; // distinct files, one buffer in memory
        await addFrame(t, `${object}_${i}.fits`, chunk, { object });
      }
      const baseline = used();
      let peak = baseline;
      let received = 0;
      const res = await t.api("GET", `/frames/export?object=${object}`);
      assertEquals(res.status, 200);
      for await (const part of res.body!) {
        received += part.length;
        peak = Math.max(peak, used());
      }
      assert(received > count * frameBytes, `received only ${received} bytes`);
      return (peak - baseline) / 2 ** 20;
    };
    const small = await exportGrowthMb("Small", 8);
    const large = await exportGrowthMb("Large", 30);
    console.log(
      `bench export: heap+buffers growth ${small.toFixed(1)} MB for 64 MB, ${
        large.toFixed(1)
      } MB for 240 MB`,
    );
    // Buffering the archive would need ≥ 240 MB; streaming keeps to what the garbage collector
    // lets pile up between collections, which does not scale with the archive.
    assert(large < 120, `heap and buffers grew by ${large.toFixed(1)} MB exporting 240 MB`);
    assert(
      large < small + 60,
      `growth scales with size: ${small.toFixed(1)} → ${large.toFixed(1)} MB`,
    );
  });
});
