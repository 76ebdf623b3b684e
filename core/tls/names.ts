/**
 * What the box's certificate authority may vouch for, and which names its server certificate
 * carries. The CA is limited (critical X.509 name constraints) to what a box on a hotspot or a
 * home network can be called: `*.local` (mDNS), `localhost`, and private, link-local and loopback
 * addresses. A phone that trusts the CA therefore trusts nothing about any public site, even if
 * the CA's key left the box. The server certificate names exactly the box's current addresses
 * inside those limits (one name outside them would make clients reject the whole certificate),
 * plus the hotspot's address and the mDNS names, so the phone can use any of them.
 */
import { canonicalAddress, isTrusted } from "../../lib/net/cidr.ts";
import { HOTSPOT_IPV4 } from "../schemas/wifi.ts";

/** DNS subtrees the CA may sign for: `local` covers openskylab.local and <hostname>.local. */
export const PERMITTED_DNS = ["local", "localhost"] as const;

/** Address blocks the CA may sign for: RFC 1918, link-local, loopback, IPv6 ULA and link-local. */
export const PERMITTED_NETWORKS = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "169.254.0.0/16",
  "127.0.0.0/8",
  "fd00::/8",
  "fe80::/10",
  "::1/128",
] as const;

/** The name the box answers on over mDNS (avahi-openskylab.service). */
export const BOX_MDNS_NAME = "openskylab.local";

export interface LeafNames {
  /** DNS names, lower case, sorted. */
  dns: string[];
  /** Addresses in canonicalAddress() form, sorted. */
  ips: string[];
}

/** The names a server certificate for this box should carry now. */
export function wantedLeafNames(hostname: string, addresses: readonly string[]): LeafNames {
  const dns = new Set<string>([BOX_MDNS_NAME, "localhost"]);
  // A host name may come with a domain ("box.lan"); mDNS answers for its first label.
  const label = hostname.split(".")[0]?.toLowerCase() ?? "";
  if (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) dns.add(`${label}.local`);
  const ips = new Set<string>();
  for (const address of [HOTSPOT_IPV4, ...addresses]) {
    const canonical = canonicalAddress(address);
    if (canonical !== null && isTrusted(canonical, PERMITTED_NETWORKS)) ips.add(canonical);
  }
  return { dns: [...dns].sort(), ips: [...ips].sort() };
}

export function sameNames(a: LeafNames, b: LeafNames): boolean {
  const key = (n: LeafNames) => JSON.stringify([[...n.dns].sort(), [...n.ips].sort()]);
  return key(a) === key(b);
}

/** The box's own addresses, every interface and family (loopback included). */
export function interfaceAddresses(): string[] {
  return Deno.networkInterfaces().map((i) => i.address);
}

/** `10.0.0.0/8` → `IP:10.0.0.0/255.0.0.0`, the form openssl's nameConstraints wants. */
export function opensslIpConstraint(cidr: string): string {
  const [address = "", prefixText = ""] = cidr.split("/");
  const prefix = Number(prefixText);
  const v4 = address.includes(".");
  const bits = v4 ? 32 : 128;
  const mask: number[] = [];
  for (let i = 0; i < bits / 8; i++) {
    const on = Math.max(0, Math.min(8, prefix - 8 * i));
    mask.push((0xff << (8 - on)) & 0xff);
  }
  if (v4) return `IP:${canonicalAddress(address)}/${mask.join(".")}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((mask[i] ?? 0) << 8) | (mask[i + 1] ?? 0)).toString(16));
  }
  return `IP:${canonicalAddress(address)}/${groups.join(":")}`;
}
