/**
 * The route tests' rig: the real createApp over a hub of fast simulators, a validating bus and the
 * log ring, with the services these routers do not touch left out; plus the request helpers.
 */
import { systemClock } from "../lib/clock.ts";
import { EventBus } from "../core/event_bus.ts";
import { GuideStepLog } from "../core/guiding/guide_steps.ts";
import { LogSink } from "../lib/log.ts";
import { buildInfo } from "../core/system/build_info.ts";
import { FirstBoot } from "../core/system/first_boot.ts";
import { HostInfo } from "../core/system/host_info.ts";
import { SystemService, type SystemServiceDeps } from "../core/system/system_service.ts";
import type { DeviceKind } from "../devices/device.ts";
import { DeviceHub } from "../devices/hub.ts";
import { defaultRegistry, type DriverEntry } from "../devices/registry.ts";
import { assert, assertEquals, assertMatch, MIN_DEADLINE_MS } from "../tests/_assert.ts";
import { createApp } from "./app.ts";
import { autofocusRoutes } from "./autofocus.ts";
import { domeRoutes } from "./dome.ts";
import { filterwheelRoutes } from "./filterwheel.ts";
import { flatpanelRoutes } from "./flatpanel.ts";
import { focuserRoutes } from "./focuser.ts";
import { guidingRoutes } from "./guiding.ts";
import { healthRoutes } from "./health.ts";
import { logsRoutes } from "./logs.ts";
import { rotatorRoutes } from "./rotator.ts";
import { systemRoutes } from "./system.ts";
import { weatherRoutes } from "./weather.ts";
import { WsHub } from "./ws.ts";

/** Profile options that make each simulator quick enough for a unit test. */
export const FAST: Record<DeviceKind, Record<string, unknown>> = {
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

export interface Rig extends AsyncDisposable {
  hub: DeviceHub;
  bus: EventBus;
  logs: LogSink;
  call(method: string, path: string, body?: unknown): Promise<Response>;
  json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

export interface RigOptions {
  /** Profile options per role, over FAST. */
  options?: Partial<Record<DeviceKind, Record<string, unknown>>>;
  /** Capabilities to report instead of the simulator's, to reach "cannot do that" paths. */
  capabilities?: Partial<Record<DeviceKind, Record<string, unknown>>>;
  /** The system service's dependencies to replace (its clock control never touches the host's). */
  system?: Partial<SystemServiceDeps>;
}

/** The driver with some capabilities replaced; methods stay bound to the real object. */
export function withCapabilities<T extends object>(
  device: T,
  overrides: Record<string, unknown>,
): T {
  const capabilities = { ...(device as { capabilities: object }).capabilities, ...overrides };
  return new Proxy(device, {
    get(target, prop) {
      if (prop === "capabilities") return capabilities;
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export async function rig({ options = {}, capabilities = {}, system = {} }: RigOptions = {}) {
  const logs = new LogSink({ consoleLevel: "silent" });
  const log = logs.logger("test");
  const bus = new EventBus({ clock: systemClock, validate: true });
  const registry = defaultRegistry();
  for (const [kind, overrides] of Object.entries(capabilities)) {
    const entries = registry[kind as DeviceKind] as Record<string, DriverEntry<DeviceKind>>;
    const sim = entries.sim;
    if (sim) {
      entries.sim = {
        ...sim,
        create: async (ctx) => withCapabilities(await sim.create(ctx), overrides),
      };
    }
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
  // Only the groups these tests exercise, each built from what it uses.
  const guideSteps = new GuideStepLog({ hub, bus, clock: systemClock });
  guideSteps.start();
  const deps = {
    hub,
    bus,
    log,
    logs,
    clock: systemClock,
    guideSteps,
    system: new SystemService({
      clock: systemClock,
      bus,
      log: log.child("system"),
      dataDir: Deno.cwd(),
      build: buildInfo,
      host: new HostInfo(),
      clockControl: { probe: () => Promise.resolve({ synchronized: false, rtc: false }) },
      firstBoot: await FirstBoot.load("/nonexistent", systemClock, log),
      onPower: () => {},
      ...system,
    }),
  };
  const ws = new WsHub(bus, log.child("ws"));
  const app = createApp({
    groups: [
      { prefix: "", router: healthRoutes(deps, "test") },
      { prefix: "/focuser", router: focuserRoutes(deps) },
      // Only autofocus's request validation is tested here; runs are in core/autofocus/.
      { prefix: "/focuser", router: autofocusRoutes({ autofocus: absent("autofocus") }) },
      { prefix: "/filterwheel", router: filterwheelRoutes(deps) },
      { prefix: "/rotator", router: rotatorRoutes(deps) },
      { prefix: "/flatpanel", router: flatpanelRoutes(deps) },
      { prefix: "/dome", router: domeRoutes(deps) },
      { prefix: "/weather", router: weatherRoutes(deps) },
      { prefix: "/guiding", router: guidingRoutes(deps) },
      { prefix: "/logs", router: logsRoutes(deps) },
      { prefix: "/system", router: systemRoutes(deps) },
    ],
    log,
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
      guideSteps.stop();
      ws.close();
      await hub.close();
    },
  };
  return rig;
}

/** A service this rig leaves out: any use of it fails the test loudly. */
function absent<T>(name: string): T {
  return new Proxy({}, {
    get(_, prop) {
      throw new Error(`the route test rig has no ${name} service (reached .${String(prop)})`);
    },
  }) as T;
}

/** Asserts a 400 validation failure whose message names `field`. */
export async function expect400(res: Response, field: string, pattern?: RegExp) {
  const body = await res.json();
  assertEquals(res.status, 400, JSON.stringify(body));
  assertEquals(body.error.code, "validation_failed");
  assert(
    String(body.error.message).includes(field),
    `message should name ${field}: ${body.error.message}`,
  );
  if (pattern) assertMatch(body.error.message, pattern);
}

export async function expectStatus(res: Response, status: number, code?: string) {
  const text = await res.text();
  assertEquals(res.status, status, text);
  if (code) assertEquals(JSON.parse(text).error.code, code);
}

/**
 * Polls `read` until `done` holds, so a test waits for a simulated move without guessing (for at
 * least MIN_DEADLINE_MS: a busy machine is not a hang).
 */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 3000) {
  const deadline = Date.now() + Math.max(ms, MIN_DEADLINE_MS);
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 10));
    value = await read();
  }
  return value;
}

export const API = "/api/v1";
