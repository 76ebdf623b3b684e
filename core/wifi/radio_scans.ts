/**
 * What the box's radio sees around it, from wherever it can be seen: NetworkManager's list on a
 * client radio, the hotspot's own scan (ap_scan.ts) while it is the access point, where
 * NetworkManager does not scan. It also answers "is this network in range?" for a join, from
 * the list the phone has just been shown when it is recent, else from new scans.
 */
import type { Clock } from "../../lib/clock.ts";
import type { ApScanner } from "./ap_scan.ts";
import { HOTSPOT_ID } from "./hotspot.ts";
import type { NmcliRunner } from "./nmcli.ts";
import type { DeviceRow, VisibleNetwork } from "./terse.ts";
import { parseWifiList, WIFI_LIST_FIELDS } from "./terse.ts";

/** A hotspot scan this recent answers whether a network to join is in range. */
export const RECENT_AP_SCAN_MS = 60_000;

export interface RadioScansOptions {
  nm: NmcliRunner;
  apScanner: ApScanner | null;
  clock: Clock;
  /** The Wi-Fi device as NetworkManager has it now. */
  device: () => Promise<DeviceRow | null>;
}

export class RadioScans {
  /** The hotspot's last scan, for the answers that must not wait for a new one. */
  #lastApScan: VisibleNetwork[] | null = null;
  #lastApScanAtMs = -Infinity;

  readonly #o: RadioScansOptions;

  constructor(o: RadioScansOptions) {
    this.#o = o;
  }

  /** `rescan` "yes" waits for a fresh scan; "no" gives the last results. */
  async list(rescan: "yes" | "no" = "yes"): Promise<VisibleNetwork[]> {
    const scanner = this.#o.apScanner;
    if (scanner) {
      const device = await this.#o.device();
      if (device?.connection === HOTSPOT_ID) {
        if (rescan === "yes" || this.#lastApScan === null) {
          this.#lastApScan = await scanner.scan(device.device);
          this.#lastApScanAtMs = this.#o.clock.now();
        }
        return this.#lastApScan;
      }
    }
    return parseWifiList(
      await this.#o.nm.run(
        ["-f", WIFI_LIST_FIELDS.join(","), "device", "wifi", "list", "--rescan", rescan],
        40_000,
      ),
    );
  }

  /**
   * In range: in the hotspot's scan of the last minute (the list the phone has just shown, so a
   * join does not wait 5–30 s for the same answer again), else in one of two new scans, since
   * one can miss a network (a beacon lost under load, seen in the VM).
   */
  async inRange(ssid: string): Promise<boolean> {
    const recent = this.#o.clock.now() - this.#lastApScanAtMs <= RECENT_AP_SCAN_MS;
    if (recent && this.#lastApScan?.some((n) => n.ssid === ssid)) return true;
    for (let scan = 0; scan < 2; scan++) {
      if ((await this.list()).some((n) => n.ssid === ssid)) return true;
    }
    return false;
  }
}
