/**
 * The Alnitak (Flip-Flat, Flat-Man, Flip-Mask) command grammar (INDI flip_flat.cpp): a command is
 * `>` + letter + three characters + CR (`>POOO\r`, `>B128\r`); every reply is fixed-width,
 * `*` + letter + two-digit product id + three characters + LF (`*P99OOO\n`, `*S99012\n`). The
 * status reply's three digits are motor (0 stopped, 1 running), light (0 off, 1 on) and cover
 * (0 neither open nor closed, 1 closed, 2 open, 3 timed out).
 */
import { printable } from "../port.ts";

export const ALNITAK_MAX_BRIGHTNESS = 255;
export const ALNITAK_REPLY_BYTES = 8;

export interface AlnitakProduct {
  id: number;
  name: string;
  hasCover: boolean;
  hasLight: boolean;
}

const PRODUCTS: Record<number, Omit<AlnitakProduct, "id">> = {
  10: { name: "Flat-Man XL", hasCover: false, hasLight: true },
  15: { name: "Flat-Man L", hasCover: false, hasLight: true },
  19: { name: "Flat-Man", hasCover: false, hasLight: true },
  98: { name: "Flip-Mask", hasCover: true, hasLight: false },
  99: { name: "Flip-Flat", hasCover: true, hasLight: true },
};

/** `>` + letter + the three-character argument (OOO when there is none) + CR. */
export function formatCommand(letter: string, argument?: number): string {
  if (!/^[A-Z]$/.test(letter)) throw new TypeError(`command letter must be A–Z, got ${letter}`);
  if (argument === undefined) return `>${letter}OOO\r`;
  if (!Number.isInteger(argument) || argument < 0 || argument > 999) {
    throw new RangeError(`argument must be an integer within [0, 999], got ${argument}`);
  }
  return `>${letter}${String(argument).padStart(3, "0")}\r`;
}

export interface AlnitakReply {
  letter: string;
  productId: number;
  /** The three payload characters. */
  payload: string;
}

/** Parses a fixed-width reply and checks it answers `expectedLetter`. */
export function parseReply(reply: string, expectedLetter: string): AlnitakReply {
  const match = /^\*([A-Z])(\d{2})([0-9O]{3})\n$/.exec(reply);
  if (!match) throw new Error(`Alnitak reply ${printable(reply)} is not *Xiiddd followed by LF`);
  const [, letter, id, payload] = match as unknown as [string, string, string, string];
  if (letter !== expectedLetter) {
    throw new Error(`Alnitak answered ${printable(reply)} to a ${expectedLetter} command`);
  }
  return { letter, productId: Number(id), payload };
}

export function productFor(id: number): AlnitakProduct {
  const known = PRODUCTS[id];
  // An unknown id is a newer product: assume both, the device will simply ignore what it lacks.
  return known
    ? { id, ...known }
    : { id, name: `Alnitak product ${id}`, hasCover: true, hasLight: true };
}

export interface AlnitakState {
  motorRunning: boolean;
  lightOn: boolean;
  cover: "moving" | "closed" | "open" | "error";
}

/** Decodes the `>S` payload (motor, light, cover digits). */
export function parseState(payload: string): AlnitakState {
  const [motor, light, cover] = payload.split("");
  if (!/^[01][01][0-3]$/.test(payload)) {
    throw new Error(`Alnitak status ${printable(payload)} is invalid`);
  }
  return {
    motorRunning: motor === "1",
    lightOn: light === "1",
    cover: cover === "1" ? "closed" : cover === "2" ? "open" : cover === "3" ? "error" : "moving",
  };
}

/** Decodes the `>J` brightness payload. */
export function parseBrightness(payload: string): number {
  const value = Number(payload);
  if (!/^\d{3}$/.test(payload) || value > ALNITAK_MAX_BRIGHTNESS) {
    throw new Error(`Alnitak brightness ${printable(payload)} is not 000–255`);
  }
  return value;
}
