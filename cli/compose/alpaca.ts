/**
 * The ASCOM Alpaca bridge: the service that keeps its settings and decides whom it serves, and
 * the Alpaca server (routes/alpaca/) it starts and stops on its own port — its /api/v1/... paths
 * would collide with ours. A port already taken must not stop the box: the bridge reports it
 * (status `error`) and stays off until enabled again.
 */
import { AlpacaBridgeService } from "../../core/alpaca/bridge_service.ts";
import type { ProfileService } from "../../core/profiles/profile_service.ts";
import { KvRepository } from "../../core/store/kv.ts";
import type { RigControl } from "../../devices/rig.ts";
import { exposedOnly, hubSource } from "../../routes/alpaca/device_type.ts";
import { ALPACA_DISCOVERY_PORT } from "../../routes/alpaca/discovery.ts";
import { AlpacaServer } from "../../routes/alpaca/server.ts";
import type { BoxContext } from "./context.ts";

export interface AlpacaNeeds {
  hub: RigControl;
  profiles: ProfileService;
  hostname: string;
  /** The Alpaca server's port instead of config `alpaca.port` (tests: 0 = any free port). */
  port?: number;
  /** Alpaca UDP discovery port (32227 by default); null turns discovery off (tests). */
  discoveryPort?: number | null;
  version: string;
}

export function composeAlpaca(ctx: BoxContext, needs: AlpacaNeeds): AlpacaBridgeService {
  const log = ctx.logs.logger("alpaca");
  const kv = new KvRepository(ctx.db);
  return new AlpacaBridgeService({
    kv,
    bus: ctx.bus,
    log,
    hub: needs.hub,
    profile: () => needs.profiles.active,
    trustedNetworks: ctx.config.server.trusted_networks,
    // The box's one clock: a refused client's time is shown as the box tells time.
    now: () => ctx.clock.now(),
    startListener: (gate) =>
      AlpacaServer.start({
        source: exposedOnly(hubSource(needs.hub, ctx.clock), (kind) => gate.exposes(kind)),
        kv,
        port: needs.port ?? ctx.config.alpaca.port,
        hostname: needs.hostname,
        discoveryPort: needs.discoveryPort === undefined
          ? ALPACA_DISCOVERY_PORT
          : needs.discoveryPort,
        discoveryHostname: needs.hostname,
        version: needs.version,
        log,
        gate,
      }).then((server) => ({
        port: server.port,
        discoveryPort: server.discoveryPort,
        close: () => server.close(),
      })),
  });
}
