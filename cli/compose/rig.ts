/**
 * The rig: the device hub filled from the driver registry, the box's own indiserver for the
 * profile's INDI roles (restarted with exactly the drivers a newly activated profile names), the
 * profiles that say which driver fills which role (checked against the drivers' option schemas
 * when saved), and discovery of what could.
 */
import { join } from "node:path";
import { ProfileService } from "../../core/profiles/profile_service.ts";
import { ProfileRepository } from "../../core/store/profiles.ts";
import { DiscoveryService } from "../../devices/discovery_service.ts";
import { DeviceHub } from "../../devices/hub.ts";
import { IndiServerManager, managedDrivers } from "../../devices/indi/server_manager.ts";
import { defaultRegistry, driverCatalogue } from "../../devices/registry.ts";
import type { BoxContext } from "./context.ts";

export function composeRig(ctx: BoxContext) {
  const { config, dataDir, clock, logs, bus, db } = ctx;
  const registry = defaultRegistry();
  // What core and the API see of the registry: each driver's options schema, no factories.
  const drivers = driverCatalogue(registry);
  const hub = new DeviceHub({
    registry,
    bus,
    clock,
    log: logs.logger("hub"),
    dataDir,
  });
  const indiServer = new IndiServerManager({
    port: config.indi.port,
    stateDir: join(dataDir, "indi"),
    log: logs.logger("indiserver"),
  });
  const profiles = new ProfileService(
    new ProfileRepository(db),
    hub,
    drivers,
    logs.logger("profiles"),
    (plan) => indiServer.ensure(managedDrivers(plan, config.indi.port)),
  );
  const discovery = new DiscoveryService({
    alpacaAddress: config.alpaca.discovery_address,
    alpacaPort: config.alpaca.discovery_port,
    zwoLibraryDir: config.devices.zwo_library_dir,
    clock,
    log: logs.logger("discovery"),
  });
  return { hub, drivers, indiServer, profiles, discovery };
}
