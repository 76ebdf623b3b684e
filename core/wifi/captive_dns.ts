/**
 * The hotspot's DNS and DHCP policy, as a dnsmasq snippet in the app's state folder that
 * NetworkManager's shared-mode dnsmasq reads (the image's /etc/NetworkManager/dnsmasq-shared.d/
 * points there; the app may not write /etc). Two phases, chosen deliberately:
 *   - setup: every name answers with the box (`address=/#/`; `local=/#/` so AAAA queries get an
 *     empty answer instead of REFUSED), so each phone's connectivity probe lands on port 80 and
 *     opens the setup page by itself (the captive portal);
 *   - after setup: no gateway and no DNS server are offered. A phone then sees a local-only
 *     network and keeps its mobile data for everything else (Android and iOS route the internet
 *     over cellular when Wi-Fi offers no default route), while it still reaches the box at
 *     10.42.0.1 and openskylab.local (mDNS needs no DNS server).
 * dnsmasq reads it when the hotspot is (re)activated.
 */
import { join } from "node:path";
import { HOTSPOT_IPV4 } from "../schemas/wifi.ts";

export const CAPTIVE_DIR = "dnsmasq-shared";
export const CAPTIVE_FILE = "openskylab-captive.conf";

export function captiveSnippet(setupComplete: boolean): string {
  return setupComplete
    ? [
      "# Written by OpenSkyLab (core/wifi/captive_dns.ts): setup is complete. No router and no",
      "# DNS server: phones keep their mobile data and reach the box by address or mDNS.",
      "dhcp-option=option:router",
      "dhcp-option=option:dns-server",
      "",
    ].join("\n")
    : [
      "# Written by OpenSkyLab (core/wifi/captive_dns.ts): setup. Every name is the box, so",
      "# phones' connectivity probes open the setup page (the captive portal).",
      `address=/#/${HOTSPOT_IPV4}`,
      "local=/#/",
      "",
    ].join("\n");
}

/** Writes the snippet for the phase; true when the file changed (the hotspot must restart). */
export async function writeCaptiveSnippet(dataDir: string, setupComplete: boolean) {
  const dir = join(dataDir, CAPTIVE_DIR);
  const path = join(dir, CAPTIVE_FILE);
  const wanted = captiveSnippet(setupComplete);
  const before = await Deno.readTextFile(path).catch(() => null);
  if (before === wanted) return false;
  await Deno.mkdir(dir, { recursive: true });
  // dnsmasq starts as root and reads it before dropping privileges; the folder is ours.
  await Deno.writeTextFile(`${path}.tmp`, wanted, { mode: 0o644 });
  await Deno.rename(`${path}.tmp`, path);
  return true;
}
