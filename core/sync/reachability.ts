/**
 * Is there a way to the object store right now? A box in a field has no internet for hours, and
 * must then wait quietly — no failed uploads, no alerts — and start again by itself when the
 * network comes back. Checked in three steps, cheapest first: the name resolves (the system
 * resolver, so /etc/hosts counts); the kernel has a route to the address (Linux's
 * /proc/net/route and /proc/net/ipv6_route: a box with no default route sends nothing at all);
 * a TCP connection to the endpoint's port opens within a few seconds. Elsewhere than Linux the
 * route tables are absent and the connection decides.
 */
import { lookup } from "node:dns/promises";
import { isIP, Socket } from "node:net";

export interface Reachable {
  online: boolean;
  /** Why not, in words; null when online. */
  reason: string | null;
}

export interface RouteTablePaths {
  v4: string;
  v6: string;
}

export const LINUX_ROUTE_TABLES: RouteTablePaths = {
  v4: "/proc/net/route",
  v6: "/proc/net/ipv6_route",
};

const RTF_UP = 0x0001;
const RTF_REJECT = 0x0200;

interface Route {
  iface: string;
  /** Network address and prefix length. */
  dest: bigint;
  prefix: number;
  flags: number;
}

/** Parses /proc/net/route (IPv4, host byte order: little-endian on x86 and ARM). */
export function parseRouteV4(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHexToBigint(f[1]!);
    const mask = leHexToBigint(f[7]!);
    routes.push({ iface: f[0]!, dest, prefix: popcount(mask), flags: parseInt(f[3]!, 16) });
  }
  return routes;
}

/** Parses /proc/net/ipv6_route: dest, prefix length (hex), …, flags, iface. */
export function parseRouteV6(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    routes.push({
      iface: f[9]!,
      dest: BigInt(`0x${f[0]}`),
      prefix: parseInt(f[1]!, 16),
      flags: parseInt(f[8]!, 16),
    });
  }
  return routes;
}

/** Whether a usable route covers `address`. Loopback always has one. */
export function hasRoute(address: string, v4: Route[], v6: Route[]): boolean {
  const family = isIP(address);
  if (family === 4) {
    if (address.startsWith("127.")) return true;
    return covered(ipv4ToBigint(address), 32, v4);
  }
  if (family === 6) {
    const value = ipv6ToBigint(address);
    if (value === 1n) return true;
    if (value >> 32n === 0xffffn) return covered(value & 0xffffffffn, 32, v4);
    return covered(value, 128, v6.filter((r) => r.iface !== "lo" || r.prefix === 128));
  }
  return false;
}

function covered(address: bigint, bits: number, routes: Route[]): boolean {
  return routes.some((r) => {
    if ((r.flags & RTF_UP) === 0 || (r.flags & RTF_REJECT) !== 0) return false;
    const shift = BigInt(bits - r.prefix);
    return (address >> shift) === (r.dest >> shift);
  });
}

export interface ReachabilityOptions {
  /** Where the kernel's route tables are read; null skips the route step (not Linux). */
  routeTables?: RouteTablePaths | null;
  connectTimeoutMs?: number;
}

export class Reachability {
  readonly #o: ReachabilityOptions;

  constructor(options: ReachabilityOptions = {}) {
    this.#o = options;
  }

  async check(endpoint: URL): Promise<Reachable> {
    const host = endpoint.hostname.replace(/^\[|\]$/g, "");
    const port = endpoint.port === ""
      ? (endpoint.protocol === "https:" ? 443 : 80)
      : Number(endpoint.port);
    let addresses: string[];
    if (isIP(host)) {
      addresses = [host];
    } else {
      try {
        addresses = (await lookup(host, { all: true })).map((a) => a.address);
      } catch (err) {
        return offline(`cannot resolve ${host}: ${(err as { code?: string }).code ?? err}`);
      }
    }
    const tables = this.#o.routeTables === undefined ? LINUX_ROUTE_TABLES : this.#o.routeTables;
    if (tables) {
      const [v4, v6] = await Promise.all([readTable(tables.v4), readTable(tables.v6)]);
      if (v4 !== null || v6 !== null) {
        const routes4 = v4 === null ? [] : parseRouteV4(v4);
        const routes6 = v6 === null ? [] : parseRouteV6(v6);
        addresses = addresses.filter((a) => hasRoute(a, routes4, routes6));
        if (addresses.length === 0) return offline(`no network route to ${host}`);
      }
    }
    const address = addresses[0]!;
    const timeoutMs = this.#o.connectTimeoutMs ?? 5000;
    const problem = await new Promise<string | null>((resolve) => {
      const socket = new Socket();
      const done = (why: string | null) => {
        socket.destroy();
        resolve(why);
      };
      socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
      socket.once("connect", () => done(null));
      socket.once("error", (err: Error & { code?: string }) => done(err.code ?? err.message));
      socket.connect(port, address);
    });
    return problem === null
      ? { online: true, reason: null }
      : offline(`cannot connect to ${host}:${port}: ${problem}`);
  }
}

function offline(reason: string): Reachable {
  return { online: false, reason };
}

async function readTable(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}

function leHexToBigint(hex: string): bigint {
  const bytes = hex.match(/../g) ?? [];
  return BigInt(`0x${bytes.reverse().join("") || "0"}`);
}

function popcount(value: bigint): number {
  let n = 0;
  for (let v = value; v > 0n; v >>= 1n) n += Number(v & 1n);
  return n;
}

function ipv4ToBigint(address: string): bigint {
  return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigint(address: string): bigint {
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigint(v4[1]!);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = tail === undefined
    ? left
    : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}
