/**
 * Driver registry: for each device kind, the drivers that can fill it, by id. A profile names a
 * driver id per role; the hub looks the factory up here. New driver families (INDI, Alpaca,
 * serial, FFI) add their entries here and nothing above the hub changes. Simulators load with
 * the registry; every other driver's module is imported only when a profile assigns it, so a box
 * that uses two of them does not carry the code (and native libraries) of all the others.
 */
import type { DriverFactory } from "./contracts.ts";
import type { DeviceKind } from "./device.ts";
import { SimCamera } from "./sim/camera.ts";
import { SimDome } from "./sim/dome.ts";
import { SimFilterWheel } from "./sim/filterwheel.ts";
import { SimFlatPanel } from "./sim/flatpanel.ts";
import { SimFocuser } from "./sim/focuser.ts";
import { SimGuider } from "./sim/guider.ts";
import { SimMount } from "./sim/mount.ts";
import { SimOpticsLink } from "./sim/optics_link.ts";
import { SimRotator } from "./sim/rotator.ts";
import { SimWeather } from "./sim/weather.ts";

export type DriverRegistry = { [K in DeviceKind]: Record<string, DriverFactory<K>> };

export function defaultRegistry(): DriverRegistry {
  // One light path per registry: the simulated camera sees the simulated focuser, mount and
  // rotator through it.
  const optics = new SimOpticsLink();
  return {
    mount: {
      sim: (ctx) => new SimMount(ctx, optics),
      alpaca: async (ctx) => new (await import("./alpaca/telescope.ts")).AlpacaMount(ctx),
      lx200: async (ctx) => (await import("./serial/lx200/mount.ts")).createLx200Mount(ctx),
      onstep: async (ctx) => (await import("./serial/lx200/mount.ts")).createOnStepMount(ctx),
      synscan: async (ctx) => (await import("./serial/synscan/mount.ts")).createSynScanMount(ctx),
      nexstar: async (ctx) => (await import("./serial/synscan/mount.ts")).createNexStarMount(ctx),
      indi: async (ctx) => new (await import("./indi/mount.ts")).IndiMount(ctx),
    },
    camera: {
      sim: (ctx) => new SimCamera(ctx, optics),
      zwo: async (ctx) => new (await import("./ffi/zwo_camera.ts")).ZwoCamera(ctx),
      alpaca: async (ctx) => new (await import("./alpaca/camera.ts")).AlpacaCamera(ctx),
      indi: async (ctx) => new (await import("./indi/camera.ts")).IndiCamera(ctx),
    },
    focuser: {
      sim: (ctx) => new SimFocuser(ctx, optics),
      moonlite: async (ctx) =>
        new (await import("./serial/moonlite/focuser.ts")).MoonliteFocuser(ctx),
      zwo: async (ctx) => new (await import("./ffi/zwo_focuser.ts")).ZwoFocuser(ctx),
      alpaca: async (ctx) => new (await import("./alpaca/focuser.ts")).AlpacaFocuser(ctx),
      indi: async (ctx) => new (await import("./indi/focuser.ts")).IndiFocuser(ctx),
    },
    filterwheel: {
      sim: (ctx) => new SimFilterWheel(ctx),
      zwo: async (ctx) => new (await import("./ffi/zwo_filterwheel.ts")).ZwoFilterWheel(ctx),
      alpaca: async (ctx) => new (await import("./alpaca/filterwheel.ts")).AlpacaFilterWheel(ctx),
      indi: async (ctx) => new (await import("./indi/filterwheel.ts")).IndiFilterWheel(ctx),
    },
    rotator: {
      sim: (ctx) => new SimRotator(ctx, optics),
      alpaca: async (ctx) => new (await import("./alpaca/rotator.ts")).AlpacaRotator(ctx),
      indi: async (ctx) => new (await import("./indi/rotator.ts")).IndiRotator(ctx),
    },
    flatpanel: {
      sim: (ctx) => new SimFlatPanel(ctx),
      alnitak: async (ctx) =>
        new (await import("./serial/alnitak/flatpanel.ts")).AlnitakFlatPanel(ctx),
      alpaca: async (ctx) => new (await import("./alpaca/covercalibrator.ts")).AlpacaFlatPanel(ctx),
      indi: async (ctx) => new (await import("./indi/flatpanel.ts")).IndiFlatPanel(ctx),
    },
    dome: {
      sim: (ctx) => new SimDome(ctx),
      alpaca: async (ctx) => new (await import("./alpaca/dome.ts")).AlpacaDome(ctx),
      indi: async (ctx) => new (await import("./indi/dome.ts")).IndiDome(ctx),
    },
    weather: {
      sim: (ctx) => new SimWeather(ctx),
      alpaca: async (ctx) => new (await import("./alpaca/weather.ts")).AlpacaWeather(ctx),
      indi: async (ctx) => new (await import("./indi/weather.ts")).IndiWeather(ctx),
    },
    guider: {
      sim: (ctx) => new SimGuider(ctx),
      phd2: async (ctx) => new (await import("./phd2/guider.ts")).Phd2Guider(ctx),
    },
  };
}
