/**
 * Parsers of the kernel's text files the telemetry reads: /proc/meminfo ("MemTotal:  3884040 kB"),
 * /proc/loadavg ("0.52 0.58 0.59 2/345 12345"), /proc/uptime ("12345.67 45678.90") and
 * /proc/net/wireless (two header lines, then one line per interface:
 * "wlan0: 0000   58.  -52.  -256  …" — status, link quality, level in dBm, noise). Pure
 * functions: anything they do not recognise is null, never a guess.
 */

export interface MemoryInfo {
  totalBytes: number;
  /** The kernel's estimate of memory available without swapping (MemAvailable). */
  availableBytes: number | null;
}

export function parseMeminfo(text: string): MemoryInfo | null {
  const kib = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (match) kib.set(match[1]!, Number(match[2]));
  }
  const total = kib.get("MemTotal");
  if (total === undefined) return null;
  const available = kib.get("MemAvailable");
  return {
    totalBytes: total * 1024,
    availableBytes: available === undefined ? null : available * 1024,
  };
}

export function parseLoadavg(text: string): [number, number, number] | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)(?:\s|$)/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

export function parseUptime(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s/.exec(text);
  return match ? Number(match[1]) : null;
}

export interface WirelessLink {
  interface: string;
  /** The driver's link quality (its own scale, often 0..70), null when not updated. */
  linkQuality: number | null;
  /** Signal level in dBm, null when the driver reports no dBm figure. */
  signalDbm: number | null;
}

export function parseWireless(text: string): WirelessLink[] {
  const links: WirelessLink[] = [];
  for (const line of text.split("\n").slice(2)) {
    const match = /^\s*([^\s:]+):\s+[0-9a-f]{4}\s+(-?\d+)(\.?)\s+(-?\d+)(\.?)\s/i.exec(line);
    if (!match) continue;
    const quality = Number(match[2]);
    const level = Number(match[4]);
    links.push({
      interface: match[1]!,
      // The kernel prints a value with "." when the driver updated it, " " when it is stale.
      linkQuality: match[3] === "." ? quality : null,
      // In dBm the level is negative (the kernel subtracts 256); -256 itself means "none".
      signalDbm: match[5] === "." && level < 0 && level > -256 ? level : null,
    });
  }
  return links;
}
