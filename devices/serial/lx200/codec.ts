/**
 * Encoders and decoders of the LX200 grammar (Meade 2010.10 and OnStep): sexagesimal RA and Dec
 * in the several shapes mounts send, the goto result codes, and OnStep's `:GU#` status flags.
 * Pure functions; a reply that does not parse throws an Error quoting it, so a garbled line is a
 * clear device fault rather than a wrong position.
 */
import type { MountCapabilities, PierSide } from "../../mount.ts";
import { printable } from "../port.ts";

/** `HH:MM:SS` rounded to the second (15″ of arc), carrying into minutes and hours. */
export function formatRaHours(raHours: number): string {
  let totalS = Math.round(raHours * 3600) % 86_400;
  if (totalS < 0) totalS += 86_400;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor(totalS / 60) % 60;
  const s = totalS % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/** `sDD*MM:SS` rounded to the arcsecond. */
export function formatDecDeg(decDeg: number): string {
  const sign = decDeg < 0 ? "-" : "+";
  const totalS = Math.round(Math.abs(decDeg) * 3600);
  const d = Math.floor(totalS / 3600);
  const m = Math.floor(totalS / 60) % 60;
  const s = totalS % 60;
  return `${sign}${pad2(d)}*${pad2(m)}:${pad2(s)}`;
}

const RA_PATTERN = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?)|\.(\d))?#?$/;
const DEC_PATTERN = /^([+-]?)(\d{1,3})[*:\xdf\xb0' ](\d{2})(?:[:'"](\d{2}(?:\.\d+)?))?#?$/;

/** Parses `HH:MM:SS#`, `HH:MM.T#` (low precision) or OnStep's `HH:MM:SS.SSSS#` to hours. */
export function parseRaHours(reply: string): number {
  const match = RA_PATTERN.exec(reply.trim());
  if (!match) throw new Error(`RA reply ${printable(reply)} is not HH:MM:SS# or HH:MM.T#`);
  const [, h, m, s, tenths] = match;
  const hours = Number(h) + Number(m) / 60 + (s ? Number(s) / 3600 : 0) +
    (tenths ? Number(tenths) / 600 : 0);
  if (hours >= 24 || Number(m) >= 60) {
    throw new Error(`RA reply ${printable(reply)} is out of range`);
  }
  return hours;
}

/** Parses `sDD*MM#`, `sDD*MM:SS#` or `sDD*MM'SS#` (Meade's ß/° degree byte too) to degrees. */
export function parseDecDeg(reply: string): number {
  const match = DEC_PATTERN.exec(reply.trim());
  if (!match) throw new Error(`Dec reply ${printable(reply)} is not sDD*MM:SS# or sDD*MM#`);
  const [, sign, d, m, s] = match;
  const magnitude = Number(d) + Number(m) / 60 + (s ? Number(s) / 3600 : 0);
  if (magnitude > 90 || Number(m) >= 60) {
    throw new Error(`Dec reply ${printable(reply)} is out of range`);
  }
  return sign === "-" ? -magnitude : magnitude;
}

/** True when a `:GR#` reply is the low-precision form (`HH:MM.T#`), which `:U#` toggles. */
export function isLowPrecisionRa(reply: string): boolean {
  return /^\d{2}:\d{2}\.\d#?$/.test(reply.trim());
}

export type GotoOutcome =
  | { ok: true }
  | { ok: false; kind: "range" | "conflict" | "fault"; reason: string };

const ONSTEP_GOTO_ERRORS: Record<string, { kind: "range" | "conflict" | "fault"; reason: string }> =
  {
    "1": { kind: "range", reason: "the target is below the horizon limit" },
    "2": { kind: "range", reason: "the target is above the overhead limit" },
    "3": { kind: "conflict", reason: "the mount is in standby" },
    "4": { kind: "conflict", reason: "the mount is parked" },
    "5": { kind: "conflict", reason: "a goto is already running" },
    "6": { kind: "range", reason: "the target is outside the limits" },
    "7": { kind: "fault", reason: "the mount reports a hardware fault" },
    "8": { kind: "conflict", reason: "the mount is already moving" },
    "9": { kind: "fault", reason: "the mount refused the goto (unspecified error)" },
  };

/** Decodes a `:MS#` reply: Meade `0` / `1<msg>#` / `2<msg>#`, OnStep one digit 0–9. */
export function parseGotoReply(reply: string): GotoOutcome {
  const code = reply.charAt(0);
  if (code === "0") return { ok: true };
  const known = ONSTEP_GOTO_ERRORS[code];
  if (!known) throw new Error(`goto reply ${printable(reply)} is not a result code 0–9`);
  const message = reply.slice(1).replace(/#$/, "").trim();
  return {
    ok: false,
    kind: known.kind,
    reason: message ? `${known.reason}: ${message}` : known.reason,
  };
}

export interface OnStepStatus {
  tracking: boolean;
  slewing: boolean;
  parked: boolean;
  parking: boolean;
  parkFailed: boolean;
  atHome: boolean;
  pulseGuiding: boolean;
  alignment: MountCapabilities["alignment"] | null;
  pierSide: PierSide;
  /** The trailing error digit (0 = none). */
  errorCode: number;
}

/** Decodes OnStep's `:GU#` status: letter flags, then pulse-guide rate, guide rate, error digits. */
export function parseOnStepStatus(reply: string): OnStepStatus {
  const body = reply.endsWith("#") ? reply.slice(0, -1) : reply;
  const match = /^([^0-9]*)(\d)(\d)(\d)$/.exec(body);
  if (!match) throw new Error(`:GU# reply ${printable(reply)} is not OnStep status flags`);
  const flags = match[1]!;
  const has = (flag: string) => flags.includes(flag);
  return {
    tracking: !has("n"),
    slewing: !has("N"),
    parked: has("P"),
    parking: has("I"),
    parkFailed: has("F"),
    atHome: has("H"),
    pulseGuiding: has("G"),
    alignment: has("E") ? "germanPolar" : has("K") ? "polar" : has("A") ? "altAz" : null,
    pierSide: has("T") ? "east" : has("W") ? "west" : "unknown",
    errorCode: Number(match[4]),
  };
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
