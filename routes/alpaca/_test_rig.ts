/**
 * A whole Alpaca bridge for tests: a device hub over fast simulators (every role filled), an
 * AlpacaServer on a free loopback port serving it, and the frames the simulated camera produced
 * (so a test can compare what came over the wire with what the camera made). `close()` tears it
 * all down so no socket or timer outlives the test.
 */
import { systemClock } from "../../lib/clock.ts";
import { EventBus } from "../../core/event_bus.ts";
import { silentLogger } from "../../lib/log.ts";
import type { KvRepository } from "../../core/store/kv.ts";
import type { RawFrame } from "../../devices/camera.ts";
import type { DeviceKind } from "../../devices/device.ts";
import { DeviceHub } from "../../devices/hub.ts";
import type { RigPlan } from "../../devices/rig.ts";
import { defaultRegistry, driverEntry } from "../../devices/registry.ts";
import { SimCamera } from "../../devices/sim/camera.ts";
import { SimCameraOptions } from "../../devices/sim/camera_options.ts";
import { hubSource } from "./device_type.ts";
import { AlpacaServer } from "./server.ts";

export const TEST_SITE = { latitudeDeg: 48.1, longitudeDeg: 11.6, elevationM: 520 };

export const FAST_SIMS: Record<DeviceKind, Record<string, unknown>> = {
  mount: { slewRateDegPerS: 90 },
  camera: { widthPx: 320, heightPx: 240, readoutMs: 50, coolerRateCPerMin: 600 },
  focuser: { maxPosition: 10000, startPosition: 5000, speedStepsPerS: 4000 },
  filterwheel: { secondsPerSlot: 0.1 },
  rotator: { speedDegPerS: 200 },
  flatpanel: { coverSeconds: 0.3, warmupSeconds: 0.1 },
  dome: { shutterSeconds: 0.3, speedDegPerS: 200, homeAzimuthDeg: 90 },
  weather: { refreshSeconds: 0.2 },
  guider: {},
};

export interface AlpacaRig {
  server: AlpacaServer;
  hub: DeviceHub;
  baseUrl: string;
  /** Every frame the simulated camera delivered, oldest first. */
  frames: RawFrame[];
  close(): Promise<void>;
}

export async function startAlpacaRig(
  options: {
    kinds?: DeviceKind[];
    kv?: KvRepository | null;
    discoveryPort?: number | null;
    simOptions?: Partial<Record<DeviceKind, Record<string, unknown>>>;
  } = {},
): Promise<AlpacaRig> {
  const frames: RawFrame[] = [];
  const registry = defaultRegistry();
  registry.camera = {
    sim: driverEntry("Simulator", "keeps its frames", SimCameraOptions, (ctx) => {
      const camera = new SimCamera(ctx);
      const expose = camera.expose.bind(camera);
      camera.expose = async (request, signal) => {
        const frame = await expose(request, signal);
        frames.push(frame);
        return frame;
      };
      return camera;
    }),
  };
  const bus = new EventBus({ clock: systemClock });
  const hub = new DeviceHub({ registry, bus, clock: systemClock, log: silentLogger });
  const kinds = options.kinds ??
    ["mount", "camera", "focuser", "filterwheel", "rotator", "flatpanel", "dome", "weather"];
  const plan: RigPlan = {
    site: TEST_SITE,
    optics: { focalLengthMm: 800, apertureMm: 130 },
    roles: Object.fromEntries(kinds.map((kind) => [kind, {
      driver: "sim",
      options: { ...FAST_SIMS[kind], ...options.simOptions?.[kind] },
    }])),
  };
  await hub.apply(plan);
  const server = await AlpacaServer.start({
    source: hubSource(hub, systemClock),
    kv: options.kv ?? null,
    port: 0,
    hostname: "127.0.0.1",
    discoveryPort: options.discoveryPort ?? null,
    discoveryHostname: "127.0.0.1",
    version: "0.1.0",
    log: silentLogger,
  });
  return {
    server,
    hub,
    baseUrl: `http://127.0.0.1:${server.port}`,
    frames,
    async close() {
      await server.close();
      await hub.close();
    },
  };
}
