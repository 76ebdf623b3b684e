/**
 * Encoders and decoders of the SkyWatcher SynScan and Celestron NexStar hand-controller grammar:
 * positions are fractions of a full turn written as hex — 16-bit (`E`/`R`/`S`, 4 digits) or
 * 32-bit "precise" (`e`/`r`/`s`, 8 digits) — RA as hours/24, Dec as degrees/360 with negative
 * Dec wrapped to 360 + Dec. A position reply is `RRRR,DDDD#` or `RRRRRRRR,DDDDDDDD#`.
 */
import type { EquatorialTarget } from "../../mount.ts";
import { printable } from "../port.ts";

export type FractionBits = 16 | 32;

/** A fraction of a turn [0, 1) → `bits`-wide hex, rounded, wrapping 1.0 back to 0. */
export function encodeFraction(fraction: number, bits: FractionBits): string {
  if (!Number.isFinite(fraction)) throw new RangeError(`fraction must be finite, got ${fraction}`);
  const scale = 2 ** bits;
  const wrapped = fraction - Math.floor(fraction);
  const value = Math.round(wrapped * scale) % scale;
  return value.toString(16).toUpperCase().padStart(bits / 4, "0");
}

export function decodeFraction(hex: string, bits: FractionBits): number {
  if (!new RegExp(`^[0-9A-Fa-f]{${bits / 4}}$`).test(hex)) {
    throw new Error(`${printable(hex)} is not ${bits / 4} hex digits`);
  }
  return parseInt(hex, 16) / 2 ** bits;
}

/** RA hours and Dec degrees → `RRRRRRRR,DDDDDDDD` (without the command letter). */
export function encodePosition(position: EquatorialTarget, bits: FractionBits): string {
  const decFraction = (position.decDeg < 0 ? position.decDeg + 360 : position.decDeg) / 360;
  return `${encodeFraction(position.raHours / 24, bits)},${encodeFraction(decFraction, bits)}`;
}

/** `RRRRRRRR,DDDDDDDD#` (or the 16-bit form) → RA hours, Dec degrees in [-90, 90]. */
export function decodePosition(reply: string): EquatorialTarget {
  const match = /^([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8}),([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8})#$/.exec(reply);
  if (!match || match[1]!.length !== match[2]!.length) {
    throw new Error(`position reply ${printable(reply)} is not RRRRRRRR,DDDDDDDD#`);
  }
  const bits = match[1]!.length === 8 ? 32 : 16;
  const raHours = decodeFraction(match[1]!, bits) * 24;
  let decDeg = decodeFraction(match[2]!, bits) * 360;
  if (decDeg > 180) decDeg -= 360;
  // Past the pole the controller counts on (90° → 180°): fold back, as INDI does.
  if (decDeg > 90) decDeg = 180 - decDeg;
  if (decDeg < -90) decDeg = -180 - decDeg;
  return { raHours, decDeg };
}

/** SynScan `V` reply `VVvvrr#` (6 hex digits) → "major.minor.revision". */
export function parseSynScanVersion(reply: string): string {
  const match = /^([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})#$/.exec(reply);
  if (!match) throw new Error(`version reply ${printable(reply)} is not 6 hex digits and #`);
  return match.slice(1).map((h) => parseInt(h, 16)).join(".");
}

/** NexStar `V` reply: two binary bytes (major, minor) and `#`. */
export function parseNexStarVersion(reply: string): string {
  if (reply.length !== 3 || !reply.endsWith("#")) {
    throw new Error(`version reply ${printable(reply)} is not two bytes and #`);
  }
  return `${reply.charCodeAt(0)}.${reply.charCodeAt(1)}`;
}
