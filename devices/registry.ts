/**
 * Driver registry: for each device kind, the drivers that can fill it, by id, each with its title,
 * what it talks to, the schema of its profile options (kept beside the driver's factory) and the
 * factory itself. A profile names a driver id per role; the hub parses the role's options with
 * the driver's schema and hands the factory the typed result. New driver families add their
 * entries here and nothing above the hub changes. Simulators load with the registry; every other
 * driver's module is imported only when a profile assigns it (only its small options module loads
 * up front), so a box that uses two of them does not carry the code (and native libraries) of all
 * the others. `driverCatalogue` is the registry as core and the API see it: schemas, no factories.
 */
import type { z } from "zod";
import type { ContractOf } from "./contracts.ts";
import type { DeviceKind, DriverContext } from "./device.ts";
import { DEVICE_KINDS } from "./device.ts";
import type { DriverCatalogue, DriverSpec } from "./driver_catalogue.ts";
import { AlnitakOptions } from "./serial/alnitak/options.ts";
import { AlpacaOptions, AlpacaWeatherOptions } from "./alpaca/options.ts";
import { ZwoCameraOptions, ZwoFilterWheelOptions, ZwoFocuserOptions } from "./ffi/options.ts";
import { IndiOptions } from "./indi/options.ts";
import { MoonliteOptions } from "./serial/moonlite/options.ts";
import { Phd2Options } from "./phd2/options.ts";
import { SerialMountOptions } from "./serial/options.ts";
import { SimCamera } from "./sim/camera.ts";
import { SimCameraOptions } from "./sim/camera_options.ts";
import { SimDome } from "./sim/dome.ts";
import { SimDomeOptions } from "./sim/dome_options.ts";
import { SimFilterWheel } from "./sim/filterwheel.ts";
import { SimFilterWheelOptions } from "./sim/filterwheel_options.ts";
import { SimFlatPanel } from "./sim/flatpanel.ts";
import { SimFlatPanelOptions } from "./sim/flatpanel_options.ts";
import { SimFocuser } from "./sim/focuser.ts";
import { SimFocuserOptions } from "./sim/focuser_options.ts";
import { SimGuider } from "./sim/guider.ts";
import { SimGuiderOptions } from "./sim/guider_options.ts";
import { SimMount } from "./sim/mount.ts";
import { SimMountOptions } from "./sim/mount_options.ts";
import { SimOpticsLink } from "./sim/optics_link.ts";
import { SimRotator } from "./sim/rotator.ts";
import { SimRotatorOptions } from "./sim/rotator_options.ts";
import { SimWeather } from "./sim/weather.ts";
import { SimWeatherOptions } from "./sim/weather_options.ts";

/** One driver for kind K: its spec (without the id, which is its key) and its factory. */
export interface DriverEntry<
  K extends DeviceKind,
  O extends Record<string, unknown> = Record<string, unknown>,
> extends Omit<DriverSpec, "id"> {
  options: z.ZodType<O>;
  /**
   * Builds the driver from options parsed by `options`. It may load its module first, and
   * throws when the device cannot be used as configured.
   */
  create(ctx: DriverContext<O>): ContractOf[K] | Promise<ContractOf[K]>;
}

export type DriverRegistry = { [K in DeviceKind]: Record<string, DriverEntry<K>> };

/** An entry whose factory is typed by its schema's output (tests build their own with it). */
export function driverEntry<O extends Record<string, unknown>, D>(
  title: string,
  description: string,
  options: z.ZodType<O>,
  create: (ctx: DriverContext<O>) => D | Promise<D>,
): {
  title: string;
  description: string;
  options: z.ZodType<O>;
  create(ctx: DriverContext<O>): D | Promise<D>;
} {
  return { title, description, options, create };
}

const SIM = "Simulator";
const INDI = "INDI";
const ALPACA = "ASCOM Alpaca";
const OVER_INDI = "a device served by an INDI server (the box's own or one you run)";
const OVER_ALPACA = "a device on an ASCOM Alpaca server on the network";

export function defaultRegistry(): DriverRegistry {
  // One light path per registry: the simulated camera sees the simulated focuser, mount and
  // rotator through it.
  const optics = new SimOpticsLink();
  return {
    mount: {
      sim: driverEntry(
        SIM,
        "a simulated German equatorial mount with polar and pointing errors",
        SimMountOptions,
        (ctx) => new SimMount(ctx, optics),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/telescope.ts")).AlpacaMount(ctx),
      ),
      lx200: driverEntry(
        "Meade LX200",
        "a Meade LX200-protocol mount on a serial port",
        SerialMountOptions,
        async (ctx) => (await import("./serial/lx200/mount.ts")).createLx200Mount(ctx),
      ),
      onstep: driverEntry(
        "OnStep",
        "an OnStep controller on a serial port (LX200 protocol with OnStep's extensions)",
        SerialMountOptions,
        async (ctx) => (await import("./serial/lx200/mount.ts")).createOnStepMount(ctx),
      ),
      synscan: driverEntry(
        "Sky-Watcher SynScan",
        "a SynScan hand controller on a serial port",
        SerialMountOptions,
        async (ctx) => (await import("./serial/synscan/mount.ts")).createSynScanMount(ctx),
      ),
      nexstar: driverEntry(
        "Celestron NexStar",
        "a NexStar hand controller on a serial port",
        SerialMountOptions,
        async (ctx) => (await import("./serial/synscan/mount.ts")).createNexStarMount(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/mount.ts")).IndiMount(ctx),
      ),
    },
    camera: {
      sim: driverEntry(
        SIM,
        "a simulated cooled CMOS camera that renders the sky where the simulated mount points",
        SimCameraOptions,
        (ctx) => new SimCamera(ctx, optics),
      ),
      zwo: driverEntry(
        "ZWO ASI",
        "a ZWO ASI camera on USB, through ZWO's SDK (libASICamera2)",
        ZwoCameraOptions,
        async (ctx) => new (await import("./ffi/zwo_camera.ts")).ZwoCamera(ctx),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/camera.ts")).AlpacaCamera(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/camera.ts")).IndiCamera(ctx),
      ),
    },
    focuser: {
      sim: driverEntry(
        SIM,
        "a simulated absolute focuser",
        SimFocuserOptions,
        (ctx) => new SimFocuser(ctx, optics),
      ),
      moonlite: driverEntry(
        "Moonlite",
        "a Moonlite-protocol focuser on a serial port",
        MoonliteOptions,
        async (ctx) => new (await import("./serial/moonlite/focuser.ts")).MoonliteFocuser(ctx),
      ),
      zwo: driverEntry(
        "ZWO EAF",
        "a ZWO EAF focuser on USB, through ZWO's SDK (libEAFFocuser)",
        ZwoFocuserOptions,
        async (ctx) => new (await import("./ffi/zwo_focuser.ts")).ZwoFocuser(ctx),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/focuser.ts")).AlpacaFocuser(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/focuser.ts")).IndiFocuser(ctx),
      ),
    },
    filterwheel: {
      sim: driverEntry(
        SIM,
        "a simulated filter wheel",
        SimFilterWheelOptions,
        (ctx) => new SimFilterWheel(ctx),
      ),
      zwo: driverEntry(
        "ZWO EFW",
        "a ZWO EFW filter wheel on USB, through ZWO's SDK (libEFWFilter)",
        ZwoFilterWheelOptions,
        async (ctx) => new (await import("./ffi/zwo_filterwheel.ts")).ZwoFilterWheel(ctx),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/filterwheel.ts")).AlpacaFilterWheel(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/filterwheel.ts")).IndiFilterWheel(ctx),
      ),
    },
    rotator: {
      sim: driverEntry(
        SIM,
        "a simulated camera rotator",
        SimRotatorOptions,
        (ctx) => new SimRotator(ctx, optics),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/rotator.ts")).AlpacaRotator(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/rotator.ts")).IndiRotator(ctx),
      ),
    },
    flatpanel: {
      sim: driverEntry(
        SIM,
        "a simulated flat panel with a cover",
        SimFlatPanelOptions,
        (ctx) => new SimFlatPanel(ctx),
      ),
      alnitak: driverEntry(
        "Alnitak",
        "an Alnitak Flip-Flat, Flat-Man or Flip-Mask on a serial port",
        AlnitakOptions,
        async (ctx) => new (await import("./serial/alnitak/flatpanel.ts")).AlnitakFlatPanel(ctx),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/covercalibrator.ts")).AlpacaFlatPanel(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/flatpanel.ts")).IndiFlatPanel(ctx),
      ),
    },
    dome: {
      sim: driverEntry(
        SIM,
        "a simulated rotating dome with a shutter",
        SimDomeOptions,
        (ctx) => new SimDome(ctx),
      ),
      alpaca: driverEntry(
        ALPACA,
        OVER_ALPACA,
        AlpacaOptions,
        async (ctx) => new (await import("./alpaca/dome.ts")).AlpacaDome(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/dome.ts")).IndiDome(ctx),
      ),
    },
    weather: {
      sim: driverEntry(
        SIM,
        "a simulated weather station and safety monitor",
        SimWeatherOptions,
        (ctx) => new SimWeather(ctx),
      ),
      alpaca: driverEntry(
        ALPACA,
        "ObservingConditions (and a SafetyMonitor) on an ASCOM Alpaca server",
        AlpacaWeatherOptions,
        async (ctx) => new (await import("./alpaca/weather.ts")).AlpacaWeather(ctx),
      ),
      indi: driverEntry(
        INDI,
        OVER_INDI,
        IndiOptions,
        async (ctx) => new (await import("./indi/weather.ts")).IndiWeather(ctx),
      ),
    },
    guider: {
      sim: driverEntry(
        SIM,
        "a simulated autoguider",
        SimGuiderOptions,
        (ctx) => new SimGuider(ctx),
      ),
      phd2: driverEntry(
        "PHD2",
        "PHD2 on this box or another computer, through its event server",
        Phd2Options,
        async (ctx) => new (await import("./phd2/guider.ts")).Phd2Guider(ctx),
      ),
    },
  };
}

/** The registry as core and the API see it: each kind's drivers with their option schemas. */
export function driverCatalogue(registry: DriverRegistry): DriverCatalogue {
  const specs = new Map<DeviceKind, DriverSpec[]>(DEVICE_KINDS.map((kind) => [
    kind,
    Object.entries(registry[kind] as Record<string, DriverEntry<DeviceKind>>).map((
      [id, entry],
    ) => ({ id, title: entry.title, description: entry.description, options: entry.options })),
  ]));
  return { drivers: (kind) => specs.get(kind) ?? [] };
}
