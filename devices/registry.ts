/**
 * Driver registry: for each device kind, the drivers that can fill it, by id. A profile names a
 * driver id per role; the hub looks the factory up here. New driver families (INDI, Alpaca,
 * serial, FFI) add their entries here and nothing above the hub changes.
 */
import type { DriverFactory } from "./contracts.ts";
import type { DeviceKind } from "./device.ts";
import { Phd2Guider } from "./phd2/guider.ts";
import { SimCamera } from "./sim/camera.ts";
import { SimDome } from "./sim/dome.ts";
import { SimFilterWheel } from "./sim/filterwheel.ts";
import { SimFlatPanel } from "./sim/flatpanel.ts";
import { SimFocuser } from "./sim/focuser.ts";
import { SimGuider } from "./sim/guider.ts";
import { SimMount } from "./sim/mount.ts";
import { SimRotator } from "./sim/rotator.ts";
import { SimWeather } from "./sim/weather.ts";

export type DriverRegistry = { [K in DeviceKind]: Record<string, DriverFactory<K>> };

export function defaultRegistry(): DriverRegistry {
  return {
    mount: { sim: (ctx) => new SimMount(ctx) },
    camera: { sim: (ctx) => new SimCamera(ctx) },
    focuser: { sim: (ctx) => new SimFocuser(ctx) },
    filterwheel: { sim: (ctx) => new SimFilterWheel(ctx) },
    rotator: { sim: (ctx) => new SimRotator(ctx) },
    flatpanel: { sim: (ctx) => new SimFlatPanel(ctx) },
    dome: { sim: (ctx) => new SimDome(ctx) },
    weather: { sim: (ctx) => new SimWeather(ctx) },
    guider: { sim: (ctx) => new SimGuider(ctx), phd2: (ctx) => new Phd2Guider(ctx) },
  };
}
