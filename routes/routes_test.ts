/**
 * Route tests for the device groups and guiding (logs, health, docs and the web app are in
 * routes_misc_test.ts). They run the real app (`createApp`) over real pieces — the event bus
 * with validation on, the log ring, a device hub filled with every simulator — and call
 * `app.fetch` with Request objects, so what is
 * proven is what a phone gets. Simulators are made fast through their profile options so moves
 * finish in a fraction of a second; every test closes its hub so no timer outlives it.
 */
import { assert, assertEquals, assertMatch, assertNotEquals } from "../tests/_assert.ts";
import { API, expect400, expectStatus, rig, until } from "./_test_app.ts";

Deno.test("focuser: status, moves, halt, range checks and autofocus validation", async () => {
  await using r = await rig();
  const status = await r.json(`GET`, `${API}/focuser/status`);
  assertEquals(status.position, 5000);
  assertEquals(status.max_position, 10000);
  assertEquals(typeof status.moving, "boolean");

  assertEquals((await r.call("POST", `${API}/focuser/move`, { position: 7000 })).status, 202);
  const read = () => r.json<{ position: number; moving: boolean }>("GET", `${API}/focuser/status`);
  await until(read, (s) => s.position === 7000 && !s.moving);

  assertEquals((await r.call("POST", `${API}/focuser/move-rel`, { steps: -500 })).status, 202);
  await until(read, (s) => s.position === 6500 && !s.moving);

  await expect400(
    await r.call("POST", `${API}/focuser/move`, { position: 10001 }),
    "body.position",
  );
  await expect400(await r.call("POST", `${API}/focuser/move`, { position: -1 }), "body.position");
  await expect400(await r.call("POST", `${API}/focuser/move`, {}), "body.position");
  await expect400(
    await r.call("POST", `${API}/focuser/move-rel`, { steps: 4000 }),
    "body.steps",
    /10500/,
  );
  await expect400(
    await r.call("POST", `${API}/focuser/move-rel`, { steps: -7000 }),
    "body.steps",
    /-500/,
  );
  await expect400(await r.call("POST", `${API}/focuser/move-rel`, { steps: 1.5 }), "body.steps");

  assertEquals((await r.call("POST", `${API}/focuser/halt`)).status, 200);
  // Validation answers before the (absent here) autofocus service: runs are tested in
  // core/autofocus/ and tests/integration/autofocus_test.ts.
  await expect400(
    await r.call("POST", `${API}/focuser/autofocus`, { steps_per_side: 1 }),
    "body.steps_per_side",
  );
  await expect400(
    await r.call("POST", `${API}/focuser/autofocus`, { approach: "sideways" }),
    "body.approach",
  );
});

Deno.test("filterwheel: moves by position and name, unknown names, renaming slots", async () => {
  await using r = await rig({ options: { filterwheel: { filters: ["L", "R", "G", "B", "Ha"] } } });
  const status = await r.json<{ position: number; filters: { name: string }[] }>(
    "GET",
    `${API}/filterwheel/status`,
  );
  assertEquals(status.position, 0);
  assertEquals(status.filters.map((f) => f.name), ["L", "R", "G", "B", "Ha"]);
  const read = () =>
    r.json<{ position: number | null; name: string | null }>("GET", `${API}/filterwheel/status`);

  assertEquals((await r.call("POST", `${API}/filterwheel/move`, { position: 2 })).status, 202);
  await until(read, (s) => s.position === 2);
  assertEquals((await r.call("POST", `${API}/filterwheel/move`, { name: "ha" })).status, 202);
  assertEquals((await until(read, (s) => s.position === 4)).name, "Ha");

  await expect400(
    await r.call("POST", `${API}/filterwheel/move`, { name: "OIII" }),
    "body.name",
    /L, R, G, B, Ha/,
  );
  await expect400(
    await r.call("POST", `${API}/filterwheel/move`, { position: 5 }),
    "body.position",
  );
  await expect400(await r.call("POST", `${API}/filterwheel/move`, {}), "body", /position.*name/);
  await expect400(
    await r.call("POST", `${API}/filterwheel/move`, { position: -1 }),
    "body.position",
  );

  const filters = await r.json<{ filters: { name: string }[] }>(
    "GET",
    `${API}/filterwheel/filters`,
  );
  assertEquals(filters.filters.length, 5);
  const renamed = ["Lum", "Red", "Green", "Blue", "H-alpha"].map((name, i) => ({
    name,
    focus_offset: i * 10,
  }));
  const put = await r.json<{ filters: { position: number; name: string; focus_offset: number }[] }>(
    "PUT",
    `${API}/filterwheel/filters`,
    { filters: renamed },
  );
  assertEquals(put.filters[4], { position: 4, name: "H-alpha", focus_offset: 40 });
  assertEquals(
    (await r.json<{ name: string }>("GET", `${API}/filterwheel/status`)).name,
    "H-alpha",
  );
  await expect400(
    await r.call("PUT", `${API}/filterwheel/filters`, { filters: renamed.slice(0, 3) }),
    "body.filters",
  );
  await expect400(
    await r.call("PUT", `${API}/filterwheel/filters`, {
      filters: [...renamed.slice(0, 4), { name: "red", focus_offset: 0 }],
    }),
    "body.filters.4.name",
  );
});

Deno.test("rotator: move, mechanical move, sync, reverse, halt and angle checks", async () => {
  await using r = await rig();
  const read = () =>
    r.json<{ position: number; mechanical_position: number; moving: boolean; reversed: boolean }>(
      "GET",
      `${API}/rotator/status`,
    );
  const status = await read();
  assertEquals(typeof status.position, "number");

  assertEquals((await r.call("POST", `${API}/rotator/move`, { position: 90 })).status, 202);
  await until(read, (s) => !s.moving && Math.abs(s.position - 90) < 0.05);
  assertEquals(
    (await r.call("POST", `${API}/rotator/move-mechanical`, { position: 45 })).status,
    202,
  );
  await until(read, (s) => !s.moving && Math.abs(s.mechanical_position - 45) < 0.05);
  assertEquals((await r.call("POST", `${API}/rotator/sync`, { position: 180 })).status, 200);
  assert(Math.abs((await read()).position - 180) < 0.05);
  assertEquals((await r.call("POST", `${API}/rotator/reverse`, { reversed: true })).status, 200);
  assertEquals((await read()).reversed, true);
  assertEquals((await r.call("POST", `${API}/rotator/halt`)).status, 200);

  await expect400(await r.call("POST", `${API}/rotator/move`, { position: 360 }), "body.position");
  await expect400(
    await r.call("POST", `${API}/rotator/move-mechanical`, { position: -1 }),
    "body.position",
  );
  await expect400(
    await r.call("POST", `${API}/rotator/reverse`, { reversed: "yes" }),
    "body.reversed",
  );
});

Deno.test("flatpanel: cover, light, brightness checks and a panel without a cover", async () => {
  await using r = await rig();
  const read = () =>
    r.json<{ cover: string; light: string; brightness: number; max_brightness: number }>(
      "GET",
      `${API}/flatpanel/status`,
    );
  assertEquals((await read()).max_brightness, 255);
  assertEquals((await r.call("POST", `${API}/flatpanel/cover`, { action: "open" })).status, 202);
  await until(read, (s) => s.cover === "open");
  assertEquals((await r.call("POST", `${API}/flatpanel/cover`, { action: "close" })).status, 202);
  await until(read, (s) => s.cover === "closed");
  assertEquals((await r.call("POST", `${API}/flatpanel/cover`, { action: "halt" })).status, 202);

  assertEquals(
    (await r.call("POST", `${API}/flatpanel/light`, { on: true, brightness: 100 })).status,
    200,
  );
  assertEquals((await until(read, (s) => s.light === "ready")).brightness, 100);
  assertEquals((await r.call("POST", `${API}/flatpanel/light`, { on: false })).status, 200);
  assertEquals((await read()).light, "off");

  await expect400(await r.call("POST", `${API}/flatpanel/light`, { on: true }), "body.brightness");
  await expect400(
    await r.call("POST", `${API}/flatpanel/light`, { on: true, brightness: 256 }),
    "body.brightness",
    /255/,
  );
  await expect400(
    await r.call("POST", `${API}/flatpanel/cover`, { action: "flip" }),
    "body.action",
  );
});

Deno.test("flatpanel: a panel without a cover answers 409", async () => {
  await using r = await rig({ options: { flatpanel: { hasCover: false } } });
  await expectStatus(
    await r.call("POST", `${API}/flatpanel/cover`, { action: "open" }),
    409,
    "conflict",
  );
});

Deno.test("dome: shutter, slew, park, home, slave, abort", async () => {
  await using r = await rig();
  const read = () =>
    r.json<
      { shutter: string; azimuth: number; slewing: boolean; parked: boolean; slaved: boolean }
    >(
      "GET",
      `${API}/dome/status`,
    );
  assertEquals(typeof (await read()).azimuth, "number");

  assertEquals((await r.call("POST", `${API}/dome/shutter`, { action: "open" })).status, 202);
  await until(read, (s) => s.shutter === "open");
  assertEquals((await r.call("POST", `${API}/dome/slew`, { azimuth: 120 })).status, 202);
  await until(read, (s) => !s.slewing && Math.abs(s.azimuth - 120) < 0.5);
  assertEquals((await r.call("POST", `${API}/dome/home`)).status, 202);
  await until(read, (s) => !s.slewing);
  assertEquals((await r.call("POST", `${API}/dome/park`)).status, 202);
  await until(read, (s) => s.parked);
  assertEquals((await r.call("POST", `${API}/dome/slave`, { slaved: true })).status, 200);
  assertEquals((await read()).slaved, true);
  assertEquals((await r.call("POST", `${API}/dome/slave`, { slaved: false })).status, 200);
  assertEquals((await r.call("POST", `${API}/dome/shutter`, { action: "close" })).status, 202);
  assertEquals((await r.call("POST", `${API}/dome/abort`)).status, 200);

  await expect400(await r.call("POST", `${API}/dome/slew`, { azimuth: 400 }), "body.azimuth");
  await expect400(await r.call("POST", `${API}/dome/shutter`, { action: "ajar" }), "body.action");
  await expect400(await r.call("POST", `${API}/dome/slave`, {}), "body.slaved");
});

Deno.test("weather: status, refresh and the safety override", async () => {
  await using r = await rig();
  const status = await r.json<{ safe: boolean; updated_at: string; conditions: object }>(
    "GET",
    `${API}/weather/status`,
  );
  assertEquals(typeof status.safe, "boolean");
  assert(!Number.isNaN(Date.parse(status.updated_at)));

  assertEquals((await r.call("POST", `${API}/weather/refresh`)).status, 200);
  const unsafe = await r.json<{ safe: boolean; override: boolean | null }>(
    "POST",
    `${API}/weather/override`,
    { safe: false },
  );
  assertEquals(unsafe, { ...unsafe, safe: false, override: false });
  assertEquals((await r.json<{ safe: boolean }>("GET", `${API}/weather/status`)).safe, false);
  const forcedSafe = await r.json<{ safe: boolean }>("POST", `${API}/weather/override`, {
    safe: true,
  });
  assertEquals(forcedSafe.safe, true);
  const released = await r.json<{ override: null }>("POST", `${API}/weather/override`, {
    safe: null,
  });
  assertEquals(released.override, null);

  await expect400(await r.call("POST", `${API}/weather/override`, {}), "body.safe");
  await expect400(await r.call("POST", `${API}/weather/override`, { safe: "no" }), "body.safe");
});

Deno.test("what a device cannot do answers 409", async () => {
  await using r = await rig({
    capabilities: {
      weather: { canOverrideSafety: false },
      rotator: { canReverse: false },
      dome: { canSetAzimuth: false, canSetShutter: false, canPark: false, canSlave: false },
      guider: { canDither: false },
    },
  });
  const cases: [string, unknown][] = [
    ["/weather/override", { safe: true }],
    ["/rotator/reverse", { reversed: true }],
    ["/dome/shutter", { action: "open" }],
    ["/dome/slew", { azimuth: 10 }],
    ["/dome/park", undefined],
    ["/dome/home", undefined],
    ["/dome/slave", { slaved: true }],
    ["/guiding/dither", { pixels: 2, settle_time: 1 }],
  ];
  for (const [path, body] of cases) {
    await expectStatus(await r.call("POST", `${API}${path}`, body), 409, "conflict");
  }
  // Giving control back never needs a capability.
  assertEquals((await r.call("POST", `${API}/rotator/reverse`, { reversed: false })).status, 200);
  assertEquals((await r.call("POST", `${API}/dome/slave`, { slaved: false })).status, 200);
});

Deno.test("guiding: start and dither answer at once and settle behind; stop", async () => {
  await using r = await rig();
  const read = () => r.json<{ state: string; calibrated: boolean }>("GET", `${API}/guiding/status`);
  assertEquals((await read()).state, "stopped");

  await expectStatus(
    await r.call("POST", `${API}/guiding/dither`, { pixels: 3, settle_time: 1 }),
    409,
    "conflict",
  );
  // A settle of 2 s: had the answer waited for it, the guider would be guiding by now.
  const start = { settle_pixels: 2, settle_time: 2, settle_timeout: 20 };
  assertEquals((await r.call("POST", `${API}/guiding/start`, start)).status, 202);
  assertNotEquals((await read()).state, "guiding", "start must not wait for the settle");
  // The guider refuses a second start while the first one settles: that refusal is immediate,
  // so it still reaches the caller as an error rather than a later alert.
  await expectStatus(await r.call("POST", `${API}/guiding/start`, start), 409, "conflict");
  await until(read, (s) => s.state === "guiding", 10_000);

  const dither = { pixels: 3, settle_time: 0.1, settle_pixels: 2 };
  assertEquals((await r.call("POST", `${API}/guiding/dither`, dither)).status, 202);
  await expectStatus(await r.call("POST", `${API}/guiding/dither`, dither), 409, "conflict");
  await until(read, (s) => s.state === "guiding", 10_000);

  await expect400(
    await r.call("POST", `${API}/guiding/dither`, { pixels: -1, settle_time: 1 }),
    "body.pixels",
  );
  await expect400(await r.call("POST", `${API}/guiding/dither`, { pixels: 2 }), "body.settle_time");
  await expect400(
    await r.call("POST", `${API}/guiding/start`, { settle_pixels: 0 }),
    "body.settle_pixels",
  );
  assertEquals((await r.call("POST", `${API}/guiding/stop`)).status, 200);
  assertEquals((await read()).state, "stopped");
});

Deno.test("guiding: a settle that fails later raises an alert; stopping raises none", async () => {
  await using r = await rig({ options: { guider: { failSettle: true } } });
  const alerts: string[] = [];
  r.bus.subscribe((e) => {
    const data = e.data as { source?: string; message?: string };
    if (e.type === "alert" && data.source === "guiding") alerts.push(data.message ?? "");
  });
  // No body: the defaults (1.5 px, 10 s, 60 s) apply.
  assertEquals((await r.call("POST", `${API}/guiding/start`)).status, 202);
  await until(() => Promise.resolve(alerts), (list) => list.length > 0, 10_000);
  assertMatch(alerts[0] ?? "", /Guiding did not settle: .*simulated/);
  await r.call("POST", `${API}/guiding/stop`);

  await using quiet = await rig();
  const none: string[] = [];
  quiet.bus.subscribe((e) => {
    if (e.type === "alert") none.push(JSON.stringify(e.data));
  });
  assertEquals((await quiet.call("POST", `${API}/guiding/start`)).status, 202);
  assertEquals((await quiet.call("POST", `${API}/guiding/stop`)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertEquals(none, []);
});

Deno.test("guiding: each guide step is a guiding.step event and /guiding/history has them all", async () => {
  await using r = await rig();
  const steps: Record<string, unknown>[] = [];
  r.bus.subscribe((e) => {
    if (e.type === "guiding.step") steps.push(e.data);
  });
  const start = { settle_pixels: 2, settle_time: 0.1, settle_timeout: 20 };
  assertEquals((await r.call("POST", `${API}/guiding/start`, start)).status, 202);
  await until(() => Promise.resolve(steps.length), (n) => n >= 5, 10_000);
  await r.call("POST", `${API}/guiding/stop`);
  const published = [...steps];
  const history = await r.json<{ steps: Record<string, unknown>[]; pixel_scale: number }>(
    "GET",
    `${API}/guiding/history?seconds=60`,
  );
  assertEquals(history.steps, published, "the history is exactly the steps published");
  assertEquals(history.pixel_scale, 1.5);
  for (const step of history.steps) {
    // The sim's camera is aligned with RA/Dec; arcsec is pixels × the guider's scale.
    assertEquals(step.ra_arcsec, Math.round((step.ra_px as number) * 1.5 * 1000) / 1000);
    assertEquals(step.dx_px, step.ra_px);
    assert(typeof step.snr === "number" && step.snr > 0);
  }
  const frames = history.steps.map((s) => s.frame as number);
  assert(frames.every((f, i) => i === 0 || f > frames[i - 1]!), `frames increase: ${frames}`);
  // A window shorter than the run keeps only its end (the steps are 20 ms apart here).
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const recent = await r.json<{ steps: unknown[] }>("GET", `${API}/guiding/history?seconds=1`);
  assertEquals(recent.steps, []);

  await expect400(await r.call("GET", `${API}/guiding/history?seconds=0`), "query.seconds");
  await expect400(await r.call("GET", `${API}/guiding/history?seconds=3601`), "query.seconds");
  await expect400(await r.call("GET", `${API}/guiding/history?seconds=soon`), "query.seconds");
});
