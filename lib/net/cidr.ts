/**
 * Address-in-network checks for the auth guard: is this client on loopback or on the box's own
 * hotspot, so it needs no token? Every address is normalised to 16 IPv6 bytes (IPv4 becomes
 * `::ffff:a.b.c.d`, and an IPv4 prefix /n becomes /96+n), so a dual-stack socket that reports
 * `::ffff:127.0.0.1` matches `127.0.0.0/8` with one comparison and no special case.
 */

/** True when `remoteAddr` lies in any of `cidrs`. An unparseable address is never trusted. */
export function isTrusted(remoteAddr: string, cidrs: readonly string[]): boolean {
  const address = parseAddress(remoteAddr);
  if (address === null) return false;
  return cidrs.some((cidr) => {
    const network = parseCidr(cidr);
    if (network === null) {
      // The config schema validates every CIDR, so this is a caller passing raw input.
      throw new TypeError(`isTrusted: "${cidr}" is not a CIDR block such as 10.42.0.0/24`);
    }
    return inNetwork(address, network);
  });
}

/** True for "a.b.c.d/n", "v6::/n" or a bare address (a single host). */
export function isValidCidr(cidr: string): boolean {
  return parseCidr(cidr) !== null;
}

/**
 * One spelling per address, so two lists of addresses compare as sets: IPv4 (and IPv4-mapped
 * IPv6) as dotted quads, IPv6 as eight lower-case groups without "::". Null for anything else.
 */
export function canonicalAddress(text: string): string | null {
  const bytes = parseAddress(text);
  if (bytes === null) return null;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff &&
    bytes[11] === 0xff;
  if (mapped) return Array.from(bytes.slice(12)).join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  }
  return groups.join(":");
}

interface Network {
  bytes: Uint8Array;
  prefix: number;
}

function inNetwork(address: Uint8Array, network: Network): boolean {
  const full = network.prefix >> 3;
  for (let i = 0; i < full; i++) {
    if (address[i] !== network.bytes[i]) return false;
  }
  const rest = network.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((address[full] ?? 0) & mask) === ((network.bytes[full] ?? 0) & mask);
}

function parseCidr(cidr: string): Network | null {
  const slash = cidr.indexOf("/");
  const addressText = slash < 0 ? cidr : cidr.slice(0, slash);
  const bytes = parseAddress(addressText);
  if (bytes === null) return null;
  const isV4 = parseIPv4(addressText.trim()) !== null;
  const maxPrefix = isV4 ? 32 : 128;
  let prefix = maxPrefix;
  if (slash >= 0) {
    const text = cidr.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(text)) return null;
    prefix = Number(text);
    if (prefix > maxPrefix) return null;
  }
  return { bytes, prefix: isV4 ? 96 + prefix : prefix };
}

/** 16 bytes for any IPv4 or IPv6 text (brackets and a zone id are tolerated), else null. */
function parseAddress(text: string): Uint8Array | null {
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  const v4 = parseIPv4(s);
  if (v4 !== null) {
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    bytes.set(v4, 12);
    return bytes;
  }
  return parseIPv6(s);
}

function parseIPv4(s: string): Uint8Array | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? "";
    // Leading zeros are rejected: some stacks read "010" as octal, so it is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseIPv6(s: string): Uint8Array | null {
  if (s === "" || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = groupsOf(halves[0] ?? "");
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? "") : [];
  if (head === null || tail === null) return null;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return null;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/** Hex groups of one side of "::"; a trailing dotted quad counts as two groups. */
function groupsOf(side: string): number[] | null {
  if (side === "") return [];
  const parts = side.split(":");
  const groups: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIPv4(part);
      if (v4 === null) return null;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
      groups.push(parseInt(part, 16));
    }
  }
  return groups;
}
