/**
 * Route tests for the device groups, guiding, logs, health, docs and the web app. They run the
 * real app (`createApp`) over real pieces — the event bus with validation on, the log ring, a
 * device hub filled with every simulator — and call `app.fetch` with Request objects, so what is
 * proven is what a phone gets. Simulators are made fast through their profile options so moves
 * finish in a fraction of a second; every test closes its hub so no timer outlives it.
 */
import { gunzipSync } from "fflate";
import { systemClock } from "../core/clock.ts";
import { EventBus } from "../core/event_bus.ts";
import { LogSink } from "../core/log.ts";
import type { Services } from "../core/services.ts";
import type { DeviceKind, DriverContext } from "../devices/device.ts";
import { DeviceHub } from "../devices/hub.ts";
import { defaultRegistry } from "../devices/registry.ts";
import { assert, assertEquals, assertMatch } from "../tests/_assert.ts";
import { createApp } from "./app.ts";
import { resolveInside } from "./web.ts";
import { WsHub } from "./ws.ts";

/** Profile options that make each simulator quick enough for a unit test. */
const FAST: Record<DeviceKind, Record<string, unknown>> = {
  mount: { slewRateDegPerS: 200 },
  camera: { widthPx: 64, heightPx: 48, readoutMs: 0 },
  focuser: { maxPosition: 10000, startPosition: 5000, speedStepsPerS: 100_000 },
  filterwheel: { secondsPerSlot: 0.01 },
  rotator: { speedDegPerS: 3600 },
  flatpanel: { coverSeconds: 0.05, warmupSeconds: 0, maxBrightness: 255 },
  dome: { speedDegPerS: 3600, shutterSeconds: 0.05 },
  weather: {},
  guider: { exposureSeconds: 0.02, calibrationSeconds: 0.02 },
};

interface Rig extends AsyncDisposable {
  hub: DeviceHub;
  bus: EventBus;
  logs: LogSink;
  call(method: string, path: string, body?: unknown): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

interface RigOptions {
  /** Profile options per role, over FAST. */
  options?: Partial<Record<DeviceKind, Record<string, unknown>>>;
  /** Capabilities to report instead of the simulator's, to reach "cannot do that" paths. */
  capabilities?: Partial<Record<DeviceKind, Record<string, unknown>>>;
}

/** The driver with some capabilities replaced; methods stay bound to the real object. */
function withCapabilities<T extends object>(device: T, overrides: Record<string, unknown>): T {
  const capabilities = { ...(device as { capabilities: object }).capabilities, ...overrides };
  return new Proxy(device, {
    get(target, prop) {
      if (prop === "capabilities") return capabilities;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function rig({ options = {}, capabilities = {} }: RigOptions = {}) {
  const logs = new LogSink({ consoleLevel: "silent" });
  const log = logs.logger("test");
  const bus = new EventBus({ clock: systemClock, validate: true });
  const registry = defaultRegistry();
  for (const [kind, overrides] of Object.entries(capabilities)) {
    const factories = registry[kind as DeviceKind] as Record<
      string,
      (ctx: DriverContext) => object
    >;
    const sim = factories.sim;
    if (sim) factories.sim = (ctx) => withCapabilities(sim(ctx), overrides);
  }
  const hub = new DeviceHub({
    registry,
    bus,
    clock: systemClock,
    log: log.child("hub"),
    backoffMs: { initial: 10, max: 50 },
  });
  const roles = Object.fromEntries(
    (Object.keys(FAST) as DeviceKind[]).map((kind) => [kind, {
      driver: "sim",
      options: { ...FAST[kind], ...options[kind] },
    }]),
  );
  await hub.apply({
    site: { latitudeDeg: 48.2, longitudeDeg: 16.4, elevationM: 200 },
    optics: { focalLengthMm: 400, apertureMm: 80 },
    roles,
  });
  // Only what these routers and the composition touch; the rest would fail loudly if used.
  const services: Services = {
    config: undefined as never,
    dataDir: "/nonexistent",
    clock: systemClock,
    bus,
    logs,
    log,
    hub,
    frames: undefined as never,
    alignment: undefined as never,
    pointing: undefined as never,
    polarAlignment: undefined as never,
    profiles: undefined as never,
    exposures: undefined as never,
    imaging: undefined as never,
    calibration: undefined as never,
    safety: undefined as never,
    catalog: undefined as never,
    autofocus: undefined as never,
    sequencer: undefined as never,
    scheduler: undefined as never,
    livestack: undefined as never,
    discovery: undefined as never,
    solver: undefined as never,
  };
  const ws = new WsHub(bus, log.child("ws"));
  const app = createApp(services, {
    token: "t",
    trustedNetworks: ["127.0.0.0/8"],
    corsOrigins: [],
    ws,
    version: "test",
  });
  const call = (method: string, path: string, body?: unknown) =>
    Promise.resolve(app.fetch(
      new Request(`http://box${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      }),
    ));
  const rig: Rig = {
    hub,
    bus,
    logs,
    call,
    async json<T>(method: string, path: string, body?: unknown) {
      const res = await call(method, path, body);
      const text = await res.text();
      assert(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    async [Symbol.asyncDispose]() {
      ws.close();
      await hub.close();
    },
  };
  return rig;
}

/** Asserts a 400 validation failure whose message names `field`. */
async function expect400(res: Response, field: string, pattern?: RegExp) {
  const body = await res.json();
  assertEquals(res.status, 400, JSON.stringify(body));
  assertEquals(body.error.code, "validation_failed");
  assert(
    String(body.error.message).includes(field),
    `message should name ${field}: ${body.error.message}`,
  );
  if (pattern) assertMatch(body.error.message, pattern);
}

async function expectStatus(res: Response, status: number, code?: string) {
  const text = await res.text();
  assertEquals(res.status, status, text);
  if (code) assertEquals(JSON.parse(text).error.code, code);
}

/** Polls `read` until `done` holds, so a test waits for a simulated move without guessing. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
    value = await read();
  }
  return value;
}

const API = "/api/v1";

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
  const started = Date.now();
  const start = { settle_pixels: 2, settle_time: 0.1, settle_timeout: 20 };
  assertEquals((await r.call("POST", `${API}/guiding/start`, start)).status, 202);
  assert(Date.now() - started < 500, "start must not wait for the settle");
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

Deno.test("logs: filters by level and time, validates the query, downloads gzipped NDJSON", async () => {
  await using r = await rig();
  const t0 = Date.now();
  const log = r.logs.logger("probe");
  log.debug("quiet detail");
  log.warn("dew on the corrector", { humidity: 93 });
  log.error("focuser stalled");

  const warn = await r.json<{ entries: { source: string; level: string; ts: string }[] }>(
    "GET",
    `${API}/logs?level=warn&since=${t0}`,
  );
  const mine = warn.entries.filter((e) => e.source === "probe");
  assertEquals(mine.map((e) => e.level), ["warn", "error"]);
  assert(mine.every((e) => !Number.isNaN(Date.parse(e.ts))));
  assertEquals(
    (await r.json<{ entries: unknown[] }>("GET", `${API}/logs?limit=1`)).entries.length,
    1,
  );
  const iso = new Date(t0 - 60_000).toISOString();
  const until = new Date(t0 - 30_000).toISOString();
  const none = await r.json<{ entries: unknown[] }>(
    "GET",
    `${API}/logs?since=${iso}&until=${until}`,
  );
  assertEquals(none.entries.length, 0);

  await expect400(await r.call("GET", `${API}/logs?since=yesterday`), "query.since");
  await expect400(await r.call("GET", `${API}/logs?until=2026-13-45`), "query.until");
  await expect400(await r.call("GET", `${API}/logs?limit=0`), "query.limit");
  await expect400(await r.call("GET", `${API}/logs?limit=5001`), "query.limit");
  await expect400(await r.call("GET", `${API}/logs?level=verbose`), "query.level");

  const res = await r.call("GET", `${API}/logs/download?level=warn&since=${t0}`);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "application/gzip");
  assertMatch(
    res.headers.get("content-disposition") ?? "",
    /attachment; filename="openskylab-logs-\d{4}-\d{2}-\d{2}\.ndjson\.gz"/,
  );
  const text = new TextDecoder().decode(gunzipSync(new Uint8Array(await res.arrayBuffer())));
  const lines = text.trim().split("\n").map((line) => JSON.parse(line));
  const probe = lines.filter((e) => e.source === "probe");
  assertEquals(probe.map((e) => e.message), ["dew on the corrector", "focuser stalled"]);
  assertEquals(probe[0].fields, { humidity: 93 });
  await expect400(await r.call("GET", `${API}/logs/download?since=nope`), "query.since");
});

Deno.test("health: public, with version, uptime and every role", async () => {
  await using r = await rig();
  const health = await r.json<{
    status: string;
    version: string;
    uptime_s: number;
    devices: { role: string; state: string; simulated: boolean }[];
  }>("GET", `${API}/health`);
  assertEquals(health.status, "ok");
  assertEquals(health.version, "test");
  assert(health.uptime_s >= 0);
  assertEquals(health.devices.length, 9);
  assert(health.devices.every((d) => d.state === "connected" && d.simulated));
});

Deno.test("devices not connected answer 503", async () => {
  await using r = await rig();
  await r.hub.disconnect("focuser");
  await expectStatus(await r.call("GET", `${API}/focuser/status`), 503, "device_not_connected");
  await r.hub.disconnect("weather");
  await expectStatus(
    await r.call("POST", `${API}/weather/override`, { safe: true }),
    503,
    "device_not_connected",
  );
});

Deno.test("openapi.json lists every path of these groups; /api/docs serves swagger-ui", async () => {
  await using r = await rig();
  const doc = await r.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
    "GET",
    `${API}/openapi.json`,
  );
  assertEquals(doc.openapi, "3.1.0");
  const expected: [string, string][] = [
    ["get", "/focuser/status"],
    ["post", "/focuser/move"],
    ["post", "/focuser/move-rel"],
    ["post", "/focuser/halt"],
    ["post", "/focuser/autofocus"],
    ["get", "/focuser/autofocus"],
    ["post", "/focuser/autofocus/abort"],
    ["get", "/filterwheel/status"],
    ["post", "/filterwheel/move"],
    ["get", "/filterwheel/filters"],
    ["put", "/filterwheel/filters"],
    ["get", "/rotator/status"],
    ["post", "/rotator/move"],
    ["post", "/rotator/move-mechanical"],
    ["post", "/rotator/sync"],
    ["post", "/rotator/reverse"],
    ["post", "/rotator/halt"],
    ["get", "/flatpanel/status"],
    ["post", "/flatpanel/cover"],
    ["post", "/flatpanel/light"],
    ["get", "/dome/status"],
    ["post", "/dome/shutter"],
    ["post", "/dome/slew"],
    ["post", "/dome/park"],
    ["post", "/dome/home"],
    ["post", "/dome/slave"],
    ["post", "/dome/abort"],
    ["get", "/weather/status"],
    ["post", "/weather/refresh"],
    ["post", "/weather/override"],
    ["get", "/guiding/status"],
    ["post", "/guiding/start"],
    ["post", "/guiding/stop"],
    ["post", "/guiding/dither"],
    ["get", "/logs"],
    ["get", "/logs/download"],
    ["get", "/health"],
  ];
  for (const [method, path] of expected) {
    assert(doc.paths[`${API}${path}`]?.[method], `${method.toUpperCase()} ${API}${path} missing`);
  }
  const raw = JSON.stringify(doc);
  assert(raw.includes('"bearerAuth"'), "the bearer security scheme is documented");

  const page = await r.call("GET", "/api/docs");
  assertEquals(page.status, 200);
  assertMatch(page.headers.get("content-type") ?? "", /text\/html/);
  const html = await page.text();
  assertMatch(html, /\/api\/v1\/openapi\.json/);
  assertMatch(html, /requestInterceptor/);
  assert(!/https?:\/\//.test(html), "the docs page must not load anything from the internet");
  const bundle = await r.call("GET", "/api/docs/swagger-ui-bundle.js");
  assertEquals(bundle.status, 200);
  assertMatch(bundle.headers.get("content-type") ?? "", /javascript/);
  assert((await bundle.arrayBuffer()).byteLength > 100_000);
  const css = await r.call("GET", "/api/docs/swagger-ui.css");
  assertEquals(css.status, 200);
  await css.body?.cancel();
  await expectStatus(await r.call("GET", "/api/docs/package.json"), 404);
});

Deno.test("web app: index at /, content types, no directory traversal", async () => {
  await using r = await rig();
  const index = await r.call("GET", "/");
  assertEquals(index.status, 200);
  assertMatch(index.headers.get("content-type") ?? "", /text\/html/);
  assertMatch(await index.text(), /OpenSkyLab/);
  const byName = await r.call("GET", "/index.html");
  assertEquals(byName.status, 200);
  await byName.body?.cancel();
  for (const path of ["/../deno.json", "/%2e%2e/deno.json", "/..%2fdeno.json", "/nope.js"]) {
    const res = await r.call("GET", path);
    assertEquals(res.status, 404, path);
    await res.body?.cancel();
  }
  assertEquals(resolveInside("/srv/web", "/../etc/passwd"), null);
  assertEquals(resolveInside("/srv/web", "/a/%2e%2e/%2e%2e/x"), null);
  assertEquals(resolveInside("/srv/web", "/%E0%A4%A"), null);
  assertEquals(resolveInside("/srv/web", "/css/"), "/srv/web/css/index.html");
  assertEquals(resolveInside("/srv/web", "/a/../b.js"), "/srv/web/b.js");
});
