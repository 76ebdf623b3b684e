/**
 * The Moonlite focuser grammar (INDI moonlite.cpp): commands `:XX…#`, replies of hex digits and
 * `#`. Positions are 16-bit unsigned (`:GP#` → `XXXX#`, `:SNXXXX#`), moving is `:GI#` → `01#`/`00#`,
 * and the temperature `:GT#` is a 16-bit two's-complement count of half degrees Celsius.
 */
import { printable } from "../port.ts";

export const MOONLITE_MAX_POSITION = 0xffff;

export function formatPosition(steps: number): string {
  if (!Number.isInteger(steps) || steps < 0 || steps > MOONLITE_MAX_POSITION) {
    throw new RangeError(`position must be an integer within [0, 65535], got ${steps}`);
  }
  return steps.toString(16).toUpperCase().padStart(4, "0");
}

function hexBody(reply: string, digits: number, what: string): number {
  const match = new RegExp(`^([0-9A-Fa-f]{${digits}})#$`).exec(reply);
  if (!match) {
    throw new Error(`${what} reply ${printable(reply)} is not ${digits} hex digits and #`);
  }
  return parseInt(match[1]!, 16);
}

/** `:GP#` / `:GN#` reply → steps. */
export function parsePosition(reply: string): number {
  return hexBody(reply, 4, "position");
}

/** `:GI#` reply → moving. */
export function parseMoving(reply: string): boolean {
  const value = hexBody(reply, 2, ":GI#");
  if (value > 1) throw new Error(`:GI# reply ${printable(reply)} is neither 00# nor 01#`);
  return value === 1;
}

/** `:GT#` reply → °C (signed half degrees). */
export function parseTemperatureC(reply: string): number {
  const raw = hexBody(reply, 4, ":GT#");
  return (raw >= 0x8000 ? raw - 0x10000 : raw) / 2;
}

/** °C → the `:GT#` payload (for simulators and tests). */
export function formatTemperatureC(tempC: number): string {
  const halfDegrees = Math.round(tempC * 2);
  return ((halfDegrees + 0x10000) % 0x10000).toString(16).toUpperCase().padStart(4, "0");
}
