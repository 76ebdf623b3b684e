/**
 * The calibration library end to end over real sockets: capture runs of bias and darks through
 * the simulated camera become masters, a light is matched to them (exactly and by scaling the
 * dark), a master downloads as 32-bit float FITS and deletes cleanly, and bad requests answer
 * 400/404 naming what was wrong.
 */
import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../_assert.ts";
import { decodeFits } from "../../lib/fits/mod.ts";
import { join } from "node:path";
import { type EventRecorder, type TestServer, withServer } from "./_server.ts";

/** A small, quick simulated camera (as server_test.ts does). */
async function useSmallCamera(t: TestServer): Promise<void> {
  const active = await t.json<{ id: string; devices: Record<string, unknown> }>(
    "GET",
    "/profiles/active",
  );
  const devices = {
    ...active.devices,
    camera: { driver: "sim", options: { widthPx: 160, heightPx: 120, readoutMs: 50 } },
  };
  await t.json("PUT", `/profiles/${active.id}`, { ...active, devices });
}

interface Master {
  id: string;
  type: string;
  path: string;
  gain: number;
  exposure_s: number;
  frame_count: number;
  frame_ids: string[];
  width: number;
}

async function captureMaster(
  t: TestServer,
  ws: EventRecorder,
  body: Record<string, unknown>,
): Promise<Master> {
  const res = await t.api("POST", "/calibration/capture", body);
  assertEquals(res.status, 202, await res.clone().text());
  const { run_id } = await res.json();
  const built = await ws.waitFor("calibration.master_built", (d) => d.run_id === run_id, 30_000);
  const done = await ws.waitFor(
    "calibration.progress",
    (d) => d.run_id === run_id && d.state === "done",
  );
  assertEquals(done.data.done, body.count);
  return built.data.master as unknown as Master;
}

async function takeLight(t: TestServer, ws: EventRecorder, duration: number): Promise<string> {
  const { frame_id } = await t.json<{ frame_id: string }>("POST", "/camera/expose", {
    duration,
    frame_type: "light",
    object: "M 42",
  });
  await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 15_000);
  return frame_id;
}

Deno.test("capture 5 bias + 5 darks → masters listed, matched to a light, deleted", async () => {
  await withServer(async (t) => {
    await useSmallCamera(t);
    const ws = await t.events("calibration.*,camera.frame_ready");
    const bias = await captureMaster(t, ws, { frame_type: "bias", count: 5, duration: 0 });
    const dark = await captureMaster(t, ws, { frame_type: "dark", count: 5, duration: 1 });
    assertEquals([bias.type, bias.frame_count, bias.width], ["bias", 5, 160]);
    assertEquals([dark.type, dark.exposure_s, dark.frame_count], ["dark", 1, 5]);
    // Progress came frame by frame.
    const steps = ws.ofType("calibration.progress").filter((e) => e.data.frame_type === "dark");
    assertEquals(steps.map((e) => e.data.done).filter((n, i, a) => a.indexOf(n) === i), [
      0,
      1,
      2,
      3,
      4,
      5,
    ]);

    const listed = await t.json<{ masters: Master[] }>("GET", "/calibration/masters");
    assertEquals(listed.masters.map((m) => m.id).sort(), [bias.id, dark.id].sort());
    const darks = await t.json<{ masters: Master[] }>("GET", "/calibration/masters?type=dark");
    assertEquals(darks.masters.map((m) => m.id), [dark.id]);
    assertEquals((await t.json<Master>("GET", `/calibration/masters/${bias.id}`)).id, bias.id);

    const exact = await t.json<Record<string, { master: Master | null; scale?: number | null }>>(
      "GET",
      `/calibration/match?frame_id=${await takeLight(t, ws, 1)}`,
    );
    assertEquals(exact.bias!.master?.id, bias.id);
    assertEquals(exact.dark!.master?.id, dark.id);
    assertEquals(exact.dark!.scale, null);
    assertEquals(exact.flat!.master, null);
    const scaled = await t.json<Record<string, { master: Master | null; scale?: number | null }>>(
      "GET",
      `/calibration/match?frame_id=${await takeLight(t, ws, 0.5)}`,
    );
    assertEquals(scaled.dark!.master?.id, dark.id);
    assertAlmostEquals(scaled.dark!.scale!, 0.5, 1e-12);

    // The master downloads as a float FITS whose bias level is the camera's.
    const file = await t.api("GET", `/calibration/masters/${bias.id}/file`);
    assertEquals(file.status, 200);
    const fits = decodeFits(new Uint8Array(await file.arrayBuffer()));
    assertEquals([fits.bitpix, fits.widthPx, fits.heightPx], [-32, 160, 120]);
    assertEquals(fits.header.get("NCOMBINE"), 5);

    assertEquals(await t.status("DELETE", `/calibration/masters/${bias.id}`), 200);
    assertEquals(await t.status("GET", `/calibration/masters/${bias.id}`), 404);
    assertEquals(await t.status("DELETE", `/calibration/masters/${bias.id}`), 404);
    await Deno.stat(join(t.dataDir, bias.path)).then(
      () => assert(false, "the master's file is still there"),
      (err) => assert(err instanceof Deno.errors.NotFound),
    );
    // With the bias gone, the 0.5 s light can no longer use the scaled dark, and is told why.
    const after = await t.json<Record<string, { master: Master | null; reason: string }>>(
      "GET",
      `/calibration/match?gain=${dark.gain}&offset=10&binning=1&exposure_s=0.5`,
    );
    assertEquals(after.dark!.master, null);
    assertMatch(after.dark!.reason, /cannot be scaled without a matching bias/);
  });
});

Deno.test("calibration: bad input is a 400 naming the field, unknown ids 404", async () => {
  await withServer(async (t) => {
    await useSmallCamera(t);
    const ws = await t.events("calibration.*,camera.frame_ready");
    const bias100 = await captureMaster(t, ws, { frame_type: "bias", count: 2, duration: 0 });
    const bias120 = await captureMaster(t, ws, {
      frame_type: "bias",
      count: 2,
      duration: 0,
      gain: 120,
    });
    const mixed = await t.api("POST", "/calibration/masters", {
      frame_ids: [bias100.frame_ids[0], bias120.frame_ids[0]],
    });
    assertEquals(mixed.status, 400);
    assertMatch((await mixed.json()).error.message, /body\.frame_ids: .*share gain.*100.*120/);

    const built = await t.api("POST", "/calibration/masters", {
      frame_ids: bias100.frame_ids,
      method: "mean",
    });
    assertEquals(built.status, 201);
    assertEquals((await built.json()).method, "mean");

    const light = await takeLight(t, ws, 0.2);
    const wrongType = await t.api("POST", "/calibration/masters", { frame_ids: [light] });
    assertEquals(wrongType.status, 400);
    assertMatch((await wrongType.json()).error.message, /is a light/);
    const asDark = await t.api("POST", "/calibration/masters", {
      frame_ids: bias100.frame_ids,
      type: "dark",
    });
    assertEquals(asDark.status, 400);
    assertMatch((await asDark.json()).error.message, /dark master is made of dark frames/);

    assertEquals(
      await t.status("POST", "/calibration/masters", { frame_ids: ["no-such-frame"] }),
      404,
    );
    assertEquals(await t.status("GET", "/calibration/match?frame_id=no-such-frame"), 404);
    const missing = await t.api("GET", "/calibration/match?gain=100");
    assertEquals(missing.status, 400);
    assertMatch((await missing.json()).error.message, /query\.offset/);
    const badCount = await t.api("POST", "/calibration/capture", {
      frame_type: "dark",
      count: 0,
      duration: 1,
    });
    assertEquals(badCount.status, 400);
    assertMatch((await badCount.json()).error.message, /body\.count/);
    const badType = await t.api("GET", "/calibration/masters?type=light");
    assertEquals(badType.status, 400);
    assertMatch((await badType.json()).error.message, /query\.type/);
  });
});

Deno.test("calibration: a capture run aborts, and a second run while one runs is a 409", async () => {
  await withServer(async (t) => {
    await useSmallCamera(t);
    const ws = await t.events("calibration.*");
    const res = await t.api("POST", "/calibration/capture", {
      frame_type: "darkflat",
      count: 5,
      duration: 2,
    });
    assertEquals(res.status, 202);
    const { run_id } = await res.json();
    assertEquals(
      await t.status("POST", "/calibration/capture", { frame_type: "bias", count: 1, duration: 0 }),
      409,
    );
    const aborted = await t.json<{ aborted: boolean }>("POST", "/calibration/capture/abort");
    assertEquals(aborted.aborted, true);
    const end = await ws.waitFor(
      "calibration.progress",
      (d) => d.run_id === run_id && d.state === "aborted",
    );
    assertEquals(end.data.master_id, null);
    const status = await t.json<{ state: string }>("GET", "/calibration/capture");
    assertEquals(status.state, "aborted");
    assertEquals((await t.json<{ masters: unknown[] }>("GET", "/calibration/masters")).masters, []);
  });
});
