/**
 * The box on the network: the Wi-Fi manager (the hotspot, the home networks it joins) over
 * NetworkManager and the AP scan unit, the captive portal whose phase follows the Wi-Fi setup, and
 * the box's own CA and server certificate for HTTPS (served by listen.ts), and the keeper of its
 * mDNS name (openskylab.local, against avahi's renames after a conflict with itself).
 * NetworkManager and avahi are driven on a box only: a developer's own are never touched.
 * NetworkManager may still be starting at boot, so the Wi-Fi manager is started after the box
 * listens, and stopped before the rest of the box.
 */
import { join } from "node:path";
import type { HostInfo } from "../../core/system/host_info.ts";
import { TlsService } from "../../core/tls/tls_service.ts";
import { SystemdApScanner } from "../../core/wifi/ap_scan.ts";
import { AVAHI_CONFIG, BusctlAvahi, configuredHostName } from "../../core/wifi/avahi.ts";
import { MdnsNameKeeper } from "../../core/wifi/mdns_name.ts";
import { Nmcli } from "../../core/wifi/nmcli.ts";
import { WifiManager } from "../../core/wifi/wifi_manager.ts";
import type { Logger } from "../../lib/log.ts";
import { captiveRoutes } from "../../routes/captive.ts";
import type { BoxContext } from "./context.ts";

export interface NetworkNeeds {
  host: Pick<HostInfo, "serial" | "hostname">;
  /** The box's own log, which says when the Wi-Fi manager did not start. */
  log: Logger;
}

export function composeNetwork(ctx: BoxContext, needs: NetworkNeeds) {
  const { config, dataDir, clock, logs, bus } = ctx;
  const { host } = needs;
  const osControl = config.system.os_control;
  const wifi = new WifiManager({
    nm: osControl ? new Nmcli() : null,
    apScanner: osControl ? new SystemdApScanner() : null,
    bus,
    log: logs.logger("wifi"),
    clock,
    dataDir,
    serial: () => host.serial(),
  });
  const tls = new TlsService({
    dir: join(dataDir, "tls"),
    clock,
    log: logs.logger("tls"),
    hostname: () => host.hostname(),
  });
  const captive = captiveRoutes({
    phase: () => wifi.unavailableReason !== null ? null : wifi.setupComplete ? "done" : "setup",
  });
  let started = Promise.resolve();
  let mdns: Promise<MdnsNameKeeper | null> = Promise.resolve(null);
  return {
    wifi,
    tls,
    captive,
    /** After listening: a failure to start is logged, and the box runs on without Wi-Fi. */
    start() {
      started = wifi.start().catch((err) =>
        needs.log.error("the Wi-Fi manager did not start", { err: String(err) })
      );
      if (osControl) {
        mdns = wantedMdnsName().then((wantedName) => {
          if (wantedName === null) return null;
          const keeper = new MdnsNameKeeper({
            avahi: new BusctlAvahi(),
            wantedName,
            bus,
            log: logs.logger("network"),
            clock,
          });
          keeper.start();
          return keeper;
        });
      }
    },
    /** Stops first, so a start still waiting for NetworkManager ends with it. */
    async stop() {
      await wifi.stop();
      await started;
      await (await mdns)?.stop();
    },
  };
}

/** The name the image gave avahi (openskylab), or null where avahi is not configured so. */
async function wantedMdnsName(): Promise<string | null> {
  const conf = await Deno.readTextFile(AVAHI_CONFIG).catch(() => null);
  return conf === null ? null : configuredHostName(conf);
}
