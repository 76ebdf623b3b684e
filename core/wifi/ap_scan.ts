/**
 * Scanning while the hotspot runs. NetworkManager never scans a radio in access-point mode (its
 * list then only ages: measured in the VM, a home network switched off 45 s earlier was still
 * listed, and one switched on was never seen), so the return-home watchdog could neither see home
 * come back nor trust what it saw. The kernel can scan an AP-mode radio when asked with
 * `ap-force`, which needs CAP_NET_ADMIN: the app starts a root one-shot unit for it
 * (systemd/openskylab-wifi-scan@.service, allowed to the service user by the image's polkit rule),
 * which writes `iw`'s report to /run/openskylab-wifi/<interface>.txt, and parses that here.
 * Tested against a report recorded in the VM (tests/fixtures/nmcli/hotspot_iw_scan_ap_force.txt).
 */
import { join } from "node:path";
import type { VisibleNetwork } from "./terse.ts";

/** Fresh networks around an access-point-mode radio. */
export interface ApScanner {
  scan(iface: string): Promise<VisibleNetwork[]>;
}

export const AP_SCAN_DIR = "/run/openskylab-wifi";
export const apScanUnit = (iface: string) => `openskylab-wifi-scan@${iface}.service`;

/**
 * cfg80211 keeps what it saw for 30 s and `iw` reports its whole cache, so an entry is taken only
 * when this scan saw it: when it is younger than the scan, which the report's first line gives
 * (`# scan_ms: N`, written by the scan unit). Beside the hotspot a scan takes 5–10 s in the VM,
 * and 20–45 s when iw's wait hangs and the unit scans again; a report without that line (an
 * older scan unit) is read with a fixed limit.
 */
const MAX_AGE_MS = 20_000;
/** What separates the unit's clock from the kernel's ages: process start, rounding. */
const AGE_SLACK_MS = 2_000;

/** The age limit a report sets for itself (`# scan_ms: N`), else the fixed one. */
function maxAgeOf(text: string): number {
  const scanMs = /^# scan_ms: (\d+)$/m.exec(text)?.[1];
  return scanMs === undefined ? MAX_AGE_MS : Number(scanMs) + AGE_SLACK_MS;
}

/** NetworkManager's signal quality from dBm (clamped to -100…-40 dBm, linear), for one scale. */
export function dbmToPercent(dbm: number): number {
  const clamped = Math.min(-40, Math.max(-100, dbm));
  return Math.round(100 - (100 * Math.abs(clamped + 40)) / 60);
}

const CHANNEL_OF_MHZ = (mhz: number) =>
  mhz === 2484 ? 14 : mhz < 2484 ? (mhz - 2407) / 5 : mhz >= 5000 ? (mhz - 5000) / 5 : 0;

/** `iw dev <if> scan` output → networks, hidden ones and stale cache entries left out. */
export function parseIwScan(text: string): VisibleNetwork[] {
  const maxAgeMs = maxAgeOf(text);
  const best = new Map<string, VisibleNetwork>();
  for (const block of text.split(/^BSS /m).slice(1)) {
    const field = (re: RegExp) => re.exec(block)?.[1];
    const ssid = field(/^\tSSID: (.*)$/m) ?? "";
    const agoMs = Number(field(/^\tlast seen: (\d+) ms ago$/m) ?? 0);
    if (ssid === "" || agoMs > maxAgeMs) continue;
    const privacy = /^\tcapability:.*\bPrivacy\b/m.test(block);
    const wpa1 = /^\tWPA:/m.test(block);
    const rsn = /^\tRSN:/m.exec(block);
    const sae = rsn !== null && /Authentication suites:.*\bSAE\b/.test(block.slice(rsn.index));
    const security = [wpa1 ? "WPA1" : "", rsn ? (sae ? "WPA3" : "WPA2") : ""].filter(Boolean)
      .join(" ") || (privacy ? "WEP" : "");
    const mhz = Number(field(/^\tfreq: (\d+)/m) ?? 0);
    const seen: VisibleNetwork = {
      ssid,
      signalPct: dbmToPercent(Number(field(/^\tsignal: (-?[\d.]+) dBm$/m) ?? -100)),
      security,
      channel: Number(field(/DS Parameter set: channel (\d+)/) ?? CHANNEL_OF_MHZ(mhz)),
      inUse: false,
    };
    const before = best.get(ssid);
    if (!before || seen.signalPct > before.signalPct) best.set(ssid, seen);
  }
  return [...best.values()].sort((a, b) => b.signalPct - a.signalPct);
}

/** The box's scanner: the root unit does the scan, the report is read back from /run. */
export class SystemdApScanner implements ApScanner {
  async scan(iface: string): Promise<VisibleNetwork[]> {
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(iface)) throw new Error(`no such interface "${iface}"`);
    const out = await new Deno.Command("systemctl", {
      args: ["--no-ask-password", "start", apScanUnit(iface)],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(55_000),
    }).output();
    if (!out.success) {
      throw new Error(
        `the hotspot's scan failed (${apScanUnit(iface)}, exit ${out.code}): ` +
          new TextDecoder().decode(out.stderr).trim(),
      );
    }
    return parseIwScan(await Deno.readTextFile(join(AP_SCAN_DIR, `${iface}.txt`)));
  }
}
