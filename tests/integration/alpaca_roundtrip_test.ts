/**
 * The Alpaca round trip: our Alpaca client drivers, over real loopback HTTP, driving our Alpaca
 * server, which drives fast simulators through the device hub — and the same contract suites the
 * simulators pass must pass through both translations. Each case gets its own rig (hub, sims,
 * server on a free port), torn down in `dispose`.
 */
import { systemClock } from "../../lib/clock.ts";
import { AlpacaCamera } from "../../devices/alpaca/camera.ts";
import { AlpacaFlatPanel } from "../../devices/alpaca/covercalibrator.ts";
import { AlpacaDome } from "../../devices/alpaca/dome.ts";
import { AlpacaFilterWheel } from "../../devices/alpaca/filterwheel.ts";
import { AlpacaFocuser } from "../../devices/alpaca/focuser.ts";
import { AlpacaRotator } from "../../devices/alpaca/rotator.ts";
import { AlpacaMount } from "../../devices/alpaca/telescope.ts";
import { AlpacaWeather } from "../../devices/alpaca/weather.ts";
import type { DeviceKind, DriverContext } from "../../devices/device.ts";
import { type AlpacaRig, startAlpacaRig, TEST_SITE } from "../../routes/alpaca/_test_rig.ts";
import { cameraContractSuite } from "../contracts/camera_suite.ts";
import { domeContractSuite } from "../contracts/dome_suite.ts";
import { filterWheelContractSuite } from "../contracts/filterwheel_suite.ts";
import { flatPanelContractSuite } from "../contracts/flatpanel_suite.ts";
import { focuserContractSuite } from "../contracts/focuser_suite.ts";
import { mountContractSuite } from "../contracts/mount_suite.ts";
import { rotatorContractSuite } from "../contracts/rotator_suite.ts";
import { weatherContractSuite } from "../contracts/weather_suite.ts";
import { contextFor } from "../contracts/_wait.ts";
import type { z } from "zod";
import { AlpacaOptions, AlpacaWeatherOptions } from "../../devices/alpaca/options.ts";

interface Disconnectable {
  disconnect(): Promise<void>;
}

function harness<D extends Disconnectable, O extends AlpacaOptions>(
  kind: DeviceKind,
  make: (ctx: DriverContext<O>) => D,
  extra: Record<string, unknown> = {},
  schema: z.ZodType<O> = AlpacaOptions as unknown as z.ZodType<O>,
) {
  const rigs = new Map<D, AlpacaRig>();
  return {
    async create(): Promise<D> {
      const rig = await startAlpacaRig({ kinds: [kind] });
      const device = make(
        contextFor(schema)(systemClock, {
          host: "127.0.0.1",
          port: rig.server.port,
          deviceNumber: 0,
          pollMs: 50,
          ...extra,
        }),
      );
      rigs.set(device, rig);
      return device;
    },
    async dispose(device: D): Promise<void> {
      await device.disconnect();
      await rigs.get(device)?.close();
      rigs.delete(device);
    },
  };
}

mountContractSuite("alpaca round trip", {
  site: TEST_SITE,
  ...harness("mount", (ctx) => new AlpacaMount(ctx)),
});
cameraContractSuite("alpaca round trip", harness("camera", (ctx) => new AlpacaCamera(ctx)));
focuserContractSuite("alpaca round trip", harness("focuser", (ctx) => new AlpacaFocuser(ctx)));
filterWheelContractSuite(
  "alpaca round trip",
  harness("filterwheel", (ctx) => new AlpacaFilterWheel(ctx)),
);
rotatorContractSuite("alpaca round trip", harness("rotator", (ctx) => new AlpacaRotator(ctx)));
flatPanelContractSuite(
  "alpaca round trip",
  harness("flatpanel", (ctx) => new AlpacaFlatPanel(ctx)),
);
domeContractSuite("alpaca round trip", harness("dome", (ctx) => new AlpacaDome(ctx)));
weatherContractSuite(
  "alpaca round trip",
  harness(
    "weather",
    (ctx) => new AlpacaWeather(ctx),
    { safetyDeviceNumber: 0 },
    AlpacaWeatherOptions,
  ),
);
