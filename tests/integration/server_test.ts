/**
 * The box end to end over real sockets: a server on a free loopback port with a temporary data
 * dir, driven through REST and watched through /ws, as a phone would.
 */
import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../_assert.ts";
import { lstHours } from "../../lib/astro/time.ts";
import { decodeFits } from "../../lib/fits/mod.ts";
import { join } from "node:path";
import { useFastSimulators, withServer } from "./_server.ts";

/** A target one hour west of the meridian at +45°: high in the sky at the default site. */
function overheadTarget(): { ra: number; dec: number } {
  const lst = lstHours(Date.now(), -0.0005);
  return { ra: (lst - 1 + 24) % 24, dec: 45 };
}

Deno.test("goto: mount.status shows slewing, then tracking at the target", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    const ws = await t.events("mount.*");
    const target = overheadTarget();
    const res = await t.api("POST", "/mount/goto", target);
    assertEquals(res.status, 202, await res.text());
    await ws.waitFor("mount.status", (d) => d.slewing === true, 5000);
    const arrived = await ws.waitFor(
      "mount.status",
      (d) =>
        d.slewing === false && d.tracking === "sidereal" &&
        Math.abs((d.ra as number) - target.ra) < 1 / 60,
      15_000,
    );
    assertAlmostEquals(arrived.data.dec as number, target.dec, 1 / 60);
    const status = await t.json<{ ra: number; dec: number; tracking: string }>(
      "GET",
      "/mount/status",
    );
    assertAlmostEquals(status.ra, target.ra, 1 / 60 / 15);
    assertEquals(status.tracking, "sidereal");
    // While slewing the feed runs at 10 Hz: several samples arrived while slewing.
    assert(ws.ofType("mount.status").filter((e) => e.data.slewing).length >= 3);
  });
});

Deno.test("a 2 s exposure: progress, frame_ready, a FITS file with the right header", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    const ws = await t.events("camera.*");
    const res = await t.api("POST", "/camera/expose", {
      duration: 2,
      gain: 120,
      frame_type: "light",
      object: "M 42",
    });
    assertEquals(res.status, 202);
    const { frame_id } = await res.json();
    const progress = await ws.waitFor(
      "camera.expose_progress",
      (d) => d.frame_id === frame_id,
      3000,
    );
    assert((progress.data.progress as number) <= 1);
    const ready = await ws.waitFor("camera.frame_ready", (d) => d.id === frame_id, 10_000);
    assert(ws.ofType("camera.expose_progress").length >= 2, "progress at 1 Hz over 2 s");
    const path = join(t.dataDir, ready.data.path as string);
    const bytes = await Deno.readFile(path);
    assertEquals(bytes.byteLength % 2880, 0);
    assertEquals(bytes.byteLength, ready.data.bytes);
    const fits = decodeFits(bytes);
    assertEquals([fits.widthPx, fits.heightPx], [800, 600]);
    assertEquals(fits.header.get("EXPTIME"), 2);
    assertEquals(fits.header.get("GAIN"), 120);
    assertEquals(fits.header.get("OBJECT"), "M 42");
    assertEquals(fits.header.get("IMAGETYP"), "Light Frame");
    assertEquals(fits.header.get("BZERO"), 32768);
    for (
      const key of [
        "DATE-OBS",
        "XBINNING",
        "CCD-TEMP",
        "FILTER",
        "RA",
        "DEC",
        "SITELAT",
        "FOCALLEN",
        "XPIXSZ",
        "INSTRUME",
        "TELESCOP",
      ]
    ) {
      assert(fits.header.has(key), `header has ${key}`);
    }
    // Latest frame as FITS and as a JPEG preview.
    const latest = await t.api("GET", "/camera/frame/latest");
    assertEquals(latest.headers.get("content-type"), "application/fits");
    assertEquals((await latest.arrayBuffer()).byteLength, bytes.byteLength);
    const jpeg = await t.api("GET", "/camera/frame/latest?format=jpeg");
    assertEquals(jpeg.headers.get("content-type"), "image/jpeg");
    const head = new Uint8Array(await jpeg.arrayBuffer()).slice(0, 2);
    assertEquals([...head], [0xff, 0xd8]);
  });
});

Deno.test("focuser move and cooler ramp reach the devices", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    assertEquals(await t.status("POST", "/focuser/move", { position: 26000 }), 202);
    const deadline = Date.now() + 5000;
    let focuser = await t.json<{ position: number; moving: boolean }>("GET", "/focuser/status");
    while ((focuser.moving || focuser.position !== 26000) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      focuser = await t.json("GET", "/focuser/status");
    }
    assertEquals(focuser.position, 26000);
    const before = await t.json<{ cooler: { temp_c: number } }>("GET", "/camera/status");
    assertEquals(
      await t.status("POST", "/camera/cooler", { enabled: true, target_c: -10 }),
      200,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const after = await t.json<{ cooler: { temp_c: number; power: number; enabled: boolean } }>(
      "GET",
      "/camera/status",
    );
    assert(after.cooler.enabled);
    assert(
      after.cooler.temp_c < before.cooler.temp_c,
      `${after.cooler.temp_c} < ${before.cooler.temp_c}`,
    );
    assert(after.cooler.power > 0);
  });
});

Deno.test("auth: a remote client needs the bearer token (REST and WS)", async () => {
  // No trusted networks: loopback counts as remote.
  await withServer(async (t) => {
    const bare = await t.api("GET", "/mount/status");
    assertEquals(bare.status, 401);
    assertMatch((await bare.json()).error.message, /Bearer/);
    const wrong = await t.api("GET", "/mount/status", undefined, { authorization: "Bearer nope" });
    assertEquals(wrong.status, 401);
    await wrong.body?.cancel();
    const ok = await t.api("GET", "/mount/status", undefined, {
      authorization: `Bearer ${t.token}`,
    });
    assertEquals(ok.status, 200);
    await ok.body?.cancel();
    const health = await t.api("GET", "/health");
    assertEquals(health.status, 200, "health stays public for probes");
    await health.body?.cancel();
    const ws = await t.events("mount.status", t.token);
    await ws.waitFor("mount.status", () => true, 3000);
    const refused = await fetch(`${t.server.url}/ws`, { headers: { upgrade: "websocket" } });
    assertEquals(refused.status, 401);
    await refused.body?.cancel();
  }, { trustedNetworks: [] });
});

Deno.test("bad input is refused with 400 naming the field", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    const cases: [string, string, unknown, RegExp][] = [
      ["POST", "/mount/goto", { ra: 24, dec: 10 }, /body\.ra/],
      ["POST", "/mount/goto", { ra: 1, dec: 91 }, /body\.dec/],
      ["POST", "/mount/goto", { ra: "x", dec: 10 }, /body\.ra/],
      ["POST", "/mount/goto", "{not json", /body/],
      ["POST", "/mount/tracking", { mode: "fast" }, /body\.mode/],
      ["POST", "/camera/expose", { duration: -1 }, /body\.duration/],
      ["POST", "/camera/expose", { duration: 1e6 }, /body\.duration/],
      ["POST", "/camera/expose", { duration: 1, binning: 9 }, /body\.binning/],
      ["POST", "/focuser/move", { position: 10_000_000 }, /body\.position/],
      ["POST", "/filterwheel/move", { name: "Purple" }, /body\.name/],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await t.api(method, path, body);
      const payload = await res.json();
      assertEquals(
        res.status,
        400,
        `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(payload)}`,
      );
      assertEquals(payload.error.code, "validation_failed");
      assertMatch(payload.error.message, field);
    }
  });
});

Deno.test("state conflicts answer 409 and a missing device 503", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    // Away from the park position first, so that parking takes a while.
    await t.json("POST", "/mount/goto", overheadTarget());
    while ((await t.json<{ slewing: boolean }>("GET", "/mount/status")).slewing) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assertEquals(await t.status("POST", "/mount/park"), 202);
    const parking = await t.api("POST", "/mount/goto", overheadTarget());
    assertEquals(parking.status, 409, "a goto must not cancel a park");
    assertMatch((await parking.json()).error.message, /parking/);
    const deadline = Date.now() + 10_000;
    while (!(await t.json<{ parked: boolean }>("GET", "/mount/status")).parked) {
      assert(Date.now() < deadline, "parked within 10 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    const parked = await t.api("POST", "/mount/goto", overheadTarget());
    assertEquals(parked.status, 409, await parked.text());
    const first = await t.api("POST", "/camera/expose", { duration: 3 });
    assertEquals(first.status, 202);
    await first.body?.cancel();
    const second = await t.api("POST", "/camera/expose", { duration: 1 });
    assertEquals(second.status, 409);
    await second.body?.cancel();
    await t.json("POST", "/camera/abort");
    await t.json("POST", "/devices/rotator/disconnect");
    const gone = await t.api("GET", "/rotator/status");
    assertEquals(gone.status, 503);
    assertEquals((await gone.json()).error.code, "device_not_connected");
  });
});

Deno.test("a device that hangs gives 504 and an alert; the server keeps serving", async () => {
  await withServer(async (t) => {
    const ws = await t.events("alert");
    await t.json("PUT", "/devices/focuser/fault", { method: "moveTo", mode: "hang" });
    const started = Date.now();
    const res = await t.api("POST", "/focuser/move", { position: 1000 });
    assertEquals(res.status, 504);
    assertEquals((await res.json()).error.code, "device_timeout");
    // The 10 s command deadline ended the hang (the fault never ends by itself).
    assert(Date.now() - started < 30_000);
    await ws.waitFor("alert", (d) => d.source === "device.focuser", 2000);
    const health = await t.api("GET", "/health");
    assertEquals(health.status, 200);
    await health.body?.cancel();
    await t.json("PUT", "/devices/focuser/fault", { method: "moveTo", mode: "throw" });
    const thrown = await t.api("POST", "/focuser/move", { position: 1000 });
    assertEquals(thrown.status, 502);
    assertEquals((await thrown.json()).error.code, "device_fault");
  });
});

Deno.test("the OpenAPI document lists every reference endpoint of this issue", async () => {
  await withServer(async (t) => {
    const doc = await t.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      "GET",
      "/openapi.json",
    );
    assertMatch(doc.openapi, /^3\.1/);
    const expected = [
      "post /api/v1/mount/goto",
      "get /api/v1/mount/status",
      "post /api/v1/mount/sync",
      "post /api/v1/mount/park",
      "post /api/v1/mount/unpark",
      "post /api/v1/mount/tracking",
      "post /api/v1/mount/abort",
      "get /api/v1/mount/alignment",
      "post /api/v1/mount/alignment/add",
      "post /api/v1/mount/alignment/clear",
      "get /api/v1/camera/status",
      "post /api/v1/camera/expose",
      "post /api/v1/camera/abort",
      "get /api/v1/camera/frame/latest",
      "post /api/v1/camera/cooler",
      "post /api/v1/camera/livestack/start",
      "post /api/v1/camera/livestack/stop",
      "post /api/v1/camera/livestack/reset",
      "get /api/v1/camera/livestack",
      "get /api/v1/focuser/status",
      "post /api/v1/focuser/move",
      "post /api/v1/focuser/move-rel",
      "post /api/v1/focuser/autofocus",
      "get /api/v1/filterwheel/status",
      "get /api/v1/rotator/status",
      "get /api/v1/flatpanel/status",
      "get /api/v1/dome/status",
      "get /api/v1/weather/status",
      "get /api/v1/profiles",
      "get /api/v1/logs",
      "get /api/v1/health",
    ];
    for (const entry of expected) {
      const [method, path] = entry.split(" ") as [string, string];
      const item = doc.paths[path] ?? doc.paths[`${path}/`];
      assert(item?.[method], `${entry} is in the OpenAPI document`);
    }
  });
});

Deno.test("alignment points: add (solved vs mount), list with errors, clear", async () => {
  await withServer(async (t) => {
    const status = await t.json<{ ra: number; dec: number }>("GET", "/mount/status");
    // A solve 0.01° north of where the mount thinks it is: 36 arcsec of pointing error.
    const solved = { ra: status.ra, dec: status.dec - 0.01 };
    const added = await t.api("POST", "/mount/alignment/add", solved);
    const point = await added.json();
    assertEquals(added.status, 201, JSON.stringify(point));
    assertAlmostEquals(point.error_arcsec, 36, 0.5);
    await t.json("POST", "/mount/alignment/add", {
      ra: 10,
      dec: 20,
      mount_ra: 10,
      mount_dec: 20.02,
    });
    const list = await t.json<{ points: unknown[]; rms_error_arcsec: number }>(
      "GET",
      "/mount/alignment",
    );
    assertEquals(list.points.length, 2);
    assertAlmostEquals(list.rms_error_arcsec, Math.sqrt((36 ** 2 + 72 ** 2) / 2), 0.5);
    const half = await t.api("POST", "/mount/alignment/add", { ra: 1, dec: 2, mount_ra: 1 });
    assertEquals(half.status, 400);
    assertMatch((await half.json()).error.message, /mount_dec/);
    const cleared = await t.json<{ removed: number }>("POST", "/mount/alignment/clear");
    assertEquals(cleared.removed, 2);
    assertEquals((await t.json<{ points: unknown[] }>("GET", "/mount/alignment")).points, []);
  });
});

Deno.test("unsafe weather: within seconds the mount parks and the dome closes; the box says so", async () => {
  await withServer(async (t) => {
    await useFastSimulators(t);
    const ws = await t.events("scheduler.*,alert,dome.*");
    await t.json("POST", "/mount/unpark");
    await t.json("POST", "/dome/shutter", { action: "open" });
    await t.json("POST", "/weather/override", { safe: false });
    // "Within seconds": the safety monitor reacts at its next check; the deadline only guards
    // against a hang, generously for a busy machine.
    const alert = await ws.waitFor("scheduler.safety_alert", (d) => d.safe === false, 30_000);
    assertMatch(alert.data.action as string, /park mount/);
    await ws.waitFor("alert", (d) => d.level === "critical" && d.source === "safety", 1000);
    await ws.waitFor("dome.shutter_changed", (d) => d.shutter === "closing", 2000);
    const safety = await t.json<{ state: string; reasons: string[] }>("GET", "/safety/status");
    assertEquals(safety.state, "unsafe");
    assertMatch(safety.reasons[0]!, /override/);
    const mount = await t.json<{ parked: boolean; slewing: boolean }>("GET", "/mount/status");
    assert(mount.parked || mount.slewing, "parking or parked");
  });
});
