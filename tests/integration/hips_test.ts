/**
 * The HiPS group end to end against a static HiPS tree served on loopback by a plain HTTP
 * server (tests/integration/_hips_upstream.ts): tiles fetched through the cache and then served
 * from it; every way an upstream fails — slow (timeout), down (refused), 500, a login page — is a
 * 504 or 502 with the error envelope, never a 500, and an expired cached tile is served stale
 * instead; the cache index and the cached tiles survive a restart; the layout rules are 400s
 * naming the path segment; upstream state changes are events; the routes are in the OpenAPI.
 */
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { hipsUpstream } from "./_hips_upstream.ts";
import { withServer } from "./_server.ts";
import jpeg from "jpeg-js";

const CENTRE = { raDeg: 56.75, decDeg: 24.12 }; // the Pleiades
// A loopback answer takes milliseconds, but the box and this upstream share the test's event
// loop, which a busy machine can stall for seconds (the catalogue import at start): 30 s is a
// bound no healthy answer reaches. The slow-upstream case has its own test with a short one.
const config = (url: string, extra = "") =>
  `[hips]\nupstream_timeout_s = 30\noffline_retry_s = 0\n${extra}\n` +
  `[[hips.surveys]]\nname = "test"\nurls = ["${url}"]\n`;

async function envelope(res: Response) {
  const body = await res.json();
  assert(body.error?.code && body.error?.message, `an error envelope: ${JSON.stringify(body)}`);
  return body.error as { code: string; message: string };
}

Deno.test("hips: tiles through the cache, and each upstream failure is a 404, 502 or 504", async () => {
  await using upstream = await hipsUpstream({ centre: CENTRE, radiusDeg: 1, orders: [3, 4] });
  await withServer(async (t) => {
    const events = await t.events("hips.*");
    const [t1, t2, , t4] = [...upstream.tiles.keys()];
    const get = (path: string) => t.api("GET", `/hips/test/${path}`);

    let res = await get(t1!);
    assertEquals(res.status, 200);
    assertEquals(res.headers.get("content-type"), "image/jpeg");
    assertEquals(res.headers.get("x-hips-source"), "upstream");
    assertEquals(new Uint8Array(await res.arrayBuffer()), upstream.tiles.get(t1!));
    res = await get(t1!);
    assertEquals(res.headers.get("x-hips-source"), "cache");
    assertEquals(new Uint8Array(await res.arrayBuffer()), upstream.tiles.get(t1!));
    assertEquals(upstream.hits.get(t1!), 1, "the second request never reached the upstream");

    res = await get("properties");
    assertMatch(await res.text(), /dataproduct_type\s*=\s*image/);
    // A cell the survey does not cover: 404, and remembered.
    res = await get("Norder4/Dir0/Npix0.jpg");
    assertEquals([res.status, (await envelope(res)).code], [404, "not_found"]);

    upstream.mode = "error";
    res = await get(t2!);
    assertEquals([res.status, (await envelope(res)).code], [502, "upstream_error"]);
    upstream.mode = "portal";
    res = await get(t2!);
    const portal = await envelope(res);
    assertEquals(res.status, 502);
    assertMatch(portal.message, /not a JPEG/);
    upstream.mode = "ok";
    res = await get(t2!);
    assertEquals(res.headers.get("x-hips-source"), "upstream", "the login page was not cached");
    await res.body?.cancel();

    await upstream.down();
    res = await get(t4!);
    const down = await envelope(res);
    assertEquals([res.status, down.code], [504, "upstream_unavailable"]);
    await events.waitFor("hips.upstream_changed", (d) => d.online === false);
    res = await get(t1!);
    assertEquals([res.status, res.headers.get("x-hips-source")], [200, "cache"]);
    await res.body?.cancel();
    await upstream.up();
    res = await get(t4!);
    assertEquals(res.status, 200);
    await res.body?.cancel();
    await events.waitFor("hips.upstream_changed", (d) => d.online === true);

    const status = await t.json<{ cache: { files: number; bytes: number } }>("GET", "/hips/status");
    const cachedBytes = [t1!, t2!, t4!].reduce((s, p) => s + upstream.tiles.get(p)!.length, 0);
    assertEquals(status.cache.files, 4, "three tiles and the properties");
    assert(status.cache.bytes > cachedBytes);
  }, { configToml: config(upstream.url) });
});

Deno.test("hips: a slow upstream is a 504 at its timeout, then the box stops waiting on it", async () => {
  await using upstream = await hipsUpstream({ centre: CENTRE, radiusDeg: 1, orders: [3, 4] });
  upstream.mode = "slow";
  await withServer(async (t) => {
    const events = await t.events("hips.*");
    const [tile] = [...upstream.tiles.keys()];
    let res = await t.api("GET", `/hips/test/${tile}`);
    const slow = await envelope(res);
    assertEquals([res.status, slow.code], [504, "upstream_unavailable"]);
    assertMatch(slow.message, /no answer within 1000 ms/);
    await events.waitFor("hips.upstream_changed", (d) => d.online === false);
    // Marked offline for offline_retry_s: the next request is answered without asking it.
    assertEquals(upstream.requests, 1);
    res = await t.api("GET", "/hips/test/properties");
    assertMatch((await envelope(res)).message, /upstream is offline/);
    assertEquals(res.status, 504);
    assertEquals(upstream.requests, 1, "the offline upstream was not asked again");
    const status = await t.json<
      { surveys: { name: string; upstream: { state: string } | null }[] }
    >(
      "GET",
      "/hips/status",
    );
    assertEquals(status.surveys.find((s) => s.name === "test")!.upstream!.state, "offline");
  }, {
    configToml: `[hips]\nupstream_timeout_s = 1\noffline_retry_s = 600\n` +
      `[[hips.surveys]]\nname = "test"\nurls = ["${upstream.url}"]\n`,
  });
});

Deno.test("hips: the layout rules are 400s naming the segment; surveys and routes are listed", async () => {
  await using upstream = await hipsUpstream({ centre: CENTRE, radiusDeg: 0.5, orders: [3] });
  await withServer(async (t) => {
    const expect400 = async (path: string, field: string) => {
      const res = await t.api("GET", `/hips/test/${path}`);
      const error = await envelope(res);
      assertEquals([res.status, error.code], [400, "validation_failed"], path);
      assert(error.message.includes(field), `${path}: ${error.message}`);
    };
    await expect400("Norder3/Dir10000/Npix300.jpg", "path.dir");
    await expect400("Norder3/Dir0/Npix768.jpg", "path.tile");
    await expect400("Norder3/Dir0/Npix1.gif", "path.tile");
    await expect400("Order3/Dir0/Npix1.jpg", "path.norder");
    await expect400("Norder3/Allsky.gif", "path.file");
    await expect400("index.html", "path.file");
    const missing = await t.api("GET", "/hips/nosuch/properties");
    assertEquals(missing.status, 404);
    assertMatch((await envelope(missing)).message, /known: .*test.*tycho2/);

    const { surveys } = await t.json<
      { surveys: { name: string; sources: Record<string, boolean> }[] }
    >(
      "GET",
      "/hips/surveys",
    );
    assertEquals(surveys.map((s) => s.name), ["test", "tycho2"]);
    assertEquals(surveys[0]!.sources, { mirror: false, upstream: true, generated: false });

    const doc = await t.json<{ paths: Record<string, Record<string, { summary?: string }>> }>(
      "GET",
      "/openapi.json",
    );
    for (
      const path of [
        "/api/v1/hips/status",
        "/api/v1/hips/surveys",
        "/api/v1/hips/prefetch",
        "/api/v1/hips/prefetch/{id}",
        "/api/v1/hips/prefetch/{id}/cancel",
        "/api/v1/hips/cutout",
        "/api/v1/hips/{survey}/{file}",
        "/api/v1/hips/{survey}/{norder}/{file}",
        "/api/v1/hips/{survey}/{norder}/{dir}/{tile}",
      ]
    ) {
      const ops = doc.paths[path];
      assert(ops, `${path} is in the OpenAPI document`);
      assert(Object.values(ops).every((op) => op.summary), `${path} has summaries`);
    }
  }, { configToml: config(upstream.url) });
});

Deno.test("hips: a local mirror is served as is, before any upstream", async () => {
  await using upstream = await hipsUpstream({ centre: CENTRE, radiusDeg: 0.5, orders: [3] });
  await withServer(async (t) => {
    // The upstream's tree copied into the mirror dir under another name: no network needed.
    const mirror = join(t.dataDir, "hips", "surveys", "copied");
    await Deno.mkdir(join(t.dataDir, "hips", "surveys"), { recursive: true });
    await new Deno.Command("cp", { args: ["-r", join(upstream.root, "hips", "test"), mirror] })
      .output();
    await upstream.down();
    const [tile] = [...upstream.tiles.keys()];
    const res = await t.api("GET", `/hips/copied/${tile}`);
    assertEquals([res.status, res.headers.get("x-hips-source")], [200, "mirror"]);
    assertEquals(new Uint8Array(await res.arrayBuffer()), upstream.tiles.get(tile!));
    const { surveys } = await t.json<{ surveys: { name: string; title: string; kind: string }[] }>(
      "GET",
      "/hips/surveys",
    );
    const copied = surveys.find((s) => s.name === "copied")!;
    assertEquals([copied.title, copied.kind], ["Loopback test survey", "image"]);
  }, { configToml: config(upstream.url) });
});

Deno.test("hips: expired tiles are served stale offline, and the cache survives a restart", async () => {
  await using upstream = await hipsUpstream({ centre: CENTRE, radiusDeg: 1, orders: [5] });
  const dir = await Deno.makeTempDir({ prefix: "openskylab-hips-restart-" });
  const configPath = join(dir, "config.toml");
  // max_age_days = 0: every cached tile is already expired, so only an unreachable upstream
  // makes the box serve it.
  await Deno.writeTextFile(configPath, config(upstream.url, "max_age_days = 0"));
  const logs = new LogSink({ consoleLevel: "silent" });
  const start = async () =>
    await startServer({
      config: await loadConfig(configPath, logs.logger("config")),
      port: 0,
      hostname: "127.0.0.1",
      dataDir: join(dir, "data"),
      logs,
      validateEvents: true,
      alpacaPort: 0,
      alpacaDiscoveryPort: null,
    });
  const [t1, t2] = [...upstream.tiles.keys()];
  let box = await start();
  try {
    const get = (path: string) => fetch(`${box.url}/api/v1/hips/test/${path}`);
    for (const path of [t1!, t2!]) {
      const res = await get(path);
      assertEquals(res.headers.get("x-hips-source"), "upstream", await res.clone().text());
      await res.body?.cancel();
    }
    const before = await (await fetch(`${box.url}/api/v1/hips/status`)).json();
    await upstream.down();
    let res = await get(t1!);
    assertEquals([res.status, res.headers.get("x-hips-source")], [200, "stale"]);
    assertMatch(res.headers.get("warning") ?? "", /^110 /);
    assertEquals(new Uint8Array(await res.arrayBuffer()), upstream.tiles.get(t1!));

    await box.shutdown();
    box = await start();
    const after = await (await fetch(`${box.url}/api/v1/hips/status`)).json();
    assertEquals(after.cache, before.cache, "the cache index came back with the box");
    res = await get(t2!);
    assertEquals([res.status, res.headers.get("x-hips-source")], [200, "stale"]);
    assertEquals(new Uint8Array(await res.arrayBuffer()), upstream.tiles.get(t2!));
    await upstream.up();
    res = await get(t2!);
    assertEquals(res.headers.get("x-hips-source"), "upstream", "online again, it is refreshed");
    await res.body?.cancel();
  } finally {
    await box.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("hips: the Tycho-2 catalogue is a HiPS catalogue of real stars, offline", async () => {
  await withServer(async (t) => {
    const properties = await (await t.api("GET", "/hips/tycho2/properties")).text();
    const keys = new Map(
      properties.trim().split("\n").map((l) =>
        l.split("=").map((s) => s.trim()) as [string, string]
      ),
    );
    for (
      const key of [
        "creator_did",
        "obs_title",
        "dataproduct_type",
        "hips_version",
        "hips_release_date",
        "hips_status",
        "hips_tile_format",
        "hips_order",
        "hips_frame",
      ]
    ) assert(keys.has(key), `properties has the required ${key}`);
    assertEquals([keys.get("dataproduct_type"), keys.get("hips_tile_format")], ["catalog", "tsv"]);
    const rows = Number(keys.get("hips_cat_nrows"));
    assert(rows > 100_000, `${rows} stars`);

    const metadata = await (await t.api("GET", "/hips/tycho2/Metadata.xml")).text();
    assertMatch(metadata, /name="RAJ2000" ucd="pos\.eq\.ra;meta\.main"/);
    const allsky = (await (await t.api("GET", "/hips/tycho2/Norder1/Allsky.tsv")).text()).trim()
      .split("\n");
    assertEquals(allsky[0], "RAJ2000\tDEJ2000\tVmag");
    assertEquals(allsky.length - 1, 48 * 100, "order 1: the 100 brightest of each of 48 cells");

    // The Pleiades' cells: Atlas (27 Tau, V 3.6) is in one of them. (Alcyone, V 2.9, is not:
    // the index files leave out the brightest stars.)
    const { ang2pix } = await import("../../lib/healpix/healpix.ts");
    const tiles: string[][] = [];
    for (let order = 1; order <= 3; order++) {
      const npix = ang2pix(order, 57.2906, 24.0534);
      const res = await t.api(
        "GET",
        `/hips/tycho2/Norder${order}/Dir${Math.floor(npix / 10000) * 10000}/Npix${npix}.tsv`,
      );
      assertEquals(res.headers.get("content-type"), "text/tab-separated-values; charset=utf-8");
      const lines = (await res.text()).trim().split("\n").slice(1);
      for (const line of lines) {
        const [ra, dec] = line.split("\t").map(Number);
        assertEquals(ang2pix(order, ra!, dec!), npix, `a star of tile ${order}/${npix} is in it`);
      }
      tiles.push(lines);
    }
    const atlas = tiles.flat().map((l) => l.split("\t").map(Number)).find(([ra, dec, mag]) =>
      Math.abs(ra! - 57.2906) < 0.01 && Math.abs(dec! - 24.0534) < 0.01 && mag! < 4
    );
    assert(atlas, "Atlas is in the catalogue");

    // The cutout for the framing view: Atlas where an independent projection puts it.
    const cutout = await t.api(
      "GET",
      "/hips/cutout?ra=3.7833&dec=24.12&fov_deg=2&width=400&height=300",
    );
    assertEquals([cutout.status, cutout.headers.get("content-type")], [200, "image/jpeg"]);
    const picture = jpeg.decode(new Uint8Array(await cutout.arrayBuffer()));
    assertEquals([picture.width, picture.height], [400, 300]);
    const [x, y] = gnomonicPixel(
      { raDeg: 3.7833 * 15, decDeg: 24.12 },
      2,
      400,
      300,
      57.2906,
      24.0534,
    );
    const at = (px: number, py: number) =>
      picture.data[(Math.round(py) * 400 + Math.round(px)) * 4]!;
    assert(at(x, y) > 200, `Atlas is bright at (${x.toFixed(1)}, ${y.toFixed(1)}): ${at(x, y)}`);
    let sum = 0;
    for (let i = 0; i < picture.data.length; i += 4) sum += picture.data[i]!;
    assert(sum / (400 * 300) < 40, "the sky between the stars is dark");
    for (const bad of ["fov_deg=0", "fov_deg=2&survey=dss2-color", "fov_deg=2&width=5000"]) {
      const res = await t.api("GET", `/hips/cutout?ra=3.78&dec=24.1&${bad}`);
      assertEquals(res.status, 400, bad);
      await res.body?.cancel();
    }
  });
});

/**
 * Where (raDeg, decDeg) falls in a north-up, east-left gnomonic picture, by unit vectors (the
 * box projects with the spherical-trigonometry form).
 */
function gnomonicPixel(
  centre: { raDeg: number; decDeg: number },
  fovDeg: number,
  width: number,
  height: number,
  raDeg: number,
  decDeg: number,
): [number, number] {
  const r = Math.PI / 180;
  const v = (ra: number, dec: number) => [
    Math.cos(dec * r) * Math.cos(ra * r),
    Math.cos(dec * r) * Math.sin(ra * r),
    Math.sin(dec * r),
  ];
  const c = v(centre.raDeg, centre.decDeg);
  const east = [-Math.sin(centre.raDeg * r), Math.cos(centre.raDeg * r), 0];
  const north = [
    c[1]! * east[2]! - c[2]! * east[1]!,
    c[2]! * east[0]! - c[0]! * east[2]!,
    c[0]! * east[1]! - c[1]! * east[0]!,
  ];
  const p = v(raDeg, decDeg);
  const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
  const k = width / 2 / Math.tan(fovDeg * r / 2);
  return [width / 2 - dot(p, east) / dot(p, c) * k, height / 2 - dot(p, north) / dot(p, c) * k];
}
