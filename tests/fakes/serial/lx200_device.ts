/**
 * A simulated LX200 hand controller on a pty, in two flavours: a Meade (starts in low precision,
 * goto answers `0`/`1<msg>#`, `:D#` slew bars, tracking off by Land alignment) and an OnStep
 * (one-digit goto codes, `:GU#` flags, `:hP#`/`:hR#`, `:Te#`/`:Td#`). Coordinates are written
 * with its own formatting code, not the driver's codec, so a codec bug cannot cancel itself out.
 */
import type { Site } from "../../../devices/device.ts";
import type { TrackingMode } from "../../../devices/mount.ts";
import { FakeSerialDevice, type Parsed } from "./_device.ts";
import { MountModel, type Position } from "./_mount_model.ts";

export class Lx200Device extends FakeSerialDevice {
  readonly model: MountModel;
  readonly flavour: "meade" | "onstep";
  highPrecision: boolean;
  #pending: Partial<Position> = {};
  #rate: Exclude<TrackingMode, "off"> = "sidereal";

  constructor(flavour: "meade" | "onstep", site: Site, slewRateDegPerS = 60) {
    super();
    this.flavour = flavour;
    this.model = new MountModel(site, slewRateDegPerS);
    this.highPrecision = flavour === "onstep";
  }

  protected parse(buffer: string): Parsed | null {
    if (buffer.startsWith("\x06")) return { consumed: 1, reply: "P" };
    if (!buffer.startsWith(":")) return { consumed: 1, reply: null }; // line noise: skip a byte
    const end = buffer.indexOf("#");
    if (end < 0) return null;
    return { consumed: end + 1, reply: this.#answer(buffer.slice(1, end)) };
  }

  #answer(command: string): string | null {
    const onStep = this.flavour === "onstep";
    const model = this.model;
    const head = command.slice(0, 2);
    switch (head) {
      case "GV":
        return onStep ? "On-Step#" : "LX200 Classic#";
      case "GR":
        model.update();
        return formatRa(model.position, this.highPrecision) + "#";
      case "GD":
        return formatDec(model.position.decDeg, this.highPrecision, onStep) + "#";
      case "GU":
        return this.#statusFlags();
      case "U":
        this.highPrecision = !this.highPrecision;
        return null;
      case "Sr": {
        const ra = parseSexagesimal(command.slice(2).trim());
        if (ra === null || ra >= 24) return "0";
        this.#pending.raHours = ra;
        return "1";
      }
      case "Sd": {
        const dec = parseSexagesimal(command.slice(2).trim());
        if (dec === null || Math.abs(dec) > 90) return "0";
        this.#pending.decDeg = dec;
        return "1";
      }
      case "MS": {
        const target = this.#target();
        if (!target) return onStep ? "9" : "1No target#";
        const code = model.goto(target);
        if (onStep) return String(code);
        return code === 0 ? "0" : "1Object Below Horizon#";
      }
      case "CM": {
        const target = this.#target();
        if (!target || model.slewing) return onStep ? "E1#" : "#";
        model.sync(target);
        return onStep ? "N/A#" : "M31 EX GAL MAG 3.5 SZ178.0'#";
      }
      case "Q":
        model.abort();
        return null;
      case "D":
        return model.slewing ? "\x7f#" : "#";
      case "Te":
        model.setTracking(this.#rate);
        return "1";
      case "Td":
        model.setTracking("off");
        return "1";
      case "AP":
        model.setTracking(this.#rate);
        return null;
      case "AL":
        model.setTracking("off");
        return null;
      case "TQ":
      case "TL":
      case "TS":
      case "TK": {
        this.#rate = ({ TQ: "sidereal", TL: "lunar", TS: "solar", TK: "king" } as const)[head];
        if (model.tracking !== "off") model.setTracking(this.#rate);
        return null;
      }
      case "hP":
        model.park();
        return onStep ? "1" : null;
      case "hR":
        model.unpark();
        return "1";
      case "Mg": {
        const direction = command.charAt(2) as "n" | "s" | "e" | "w";
        model.guide(direction, Number(command.slice(3)));
        return null;
      }
      default:
        return onStep ? "0" : null;
    }
  }

  #target(): Position | null {
    const { raHours, decDeg } = this.#pending;
    return raHours === undefined || decDeg === undefined ? null : { raHours, decDeg };
  }

  #statusFlags(): string {
    const model = this.model;
    const slewing = model.slewing;
    let flags = "";
    if (model.tracking === "off") flags += "n";
    if (!slewing) flags += "N";
    flags += model.parked ? "P" : model.parking ? "I" : "p";
    flags += "E"; // a German equatorial
    flags += model.pierSide === "east" ? "T" : "W";
    return `${flags}000#`;
  }
}

function formatRa(position: Position, high: boolean): string {
  const totalS = Math.round(position.raHours * 3600) % 86_400;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor(totalS / 60) % 60;
  if (!high) {
    const tenths = Math.floor((totalS % 60) / 6);
    return `${two(h)}:${two(m)}.${tenths}`;
  }
  return `${two(h)}:${two(m)}:${two(totalS % 60)}`;
}

function formatDec(decDeg: number, high: boolean, onStep: boolean): string {
  const sign = decDeg < 0 ? "-" : "+";
  const totalS = Math.round(Math.abs(decDeg) * 3600);
  const d = Math.floor(totalS / 3600);
  const m = Math.floor(totalS / 60) % 60;
  if (!high) return `${sign}${two(d)}*${two(m)}`;
  return `${sign}${two(d)}*${two(m)}${onStep ? ":" : "'"}${two(totalS % 60)}`;
}

/** `HH:MM:SS` or `sDD*MM:SS` → a number (hours or degrees). */
function parseSexagesimal(text: string): number | null {
  const match = /^([+-]?)(\d{1,3})[*:](\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const value = Number(match[2]) + Number(match[3]) / 60 + Number(match[4]) / 3600;
  return match[1] === "-" ? -value : value;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}
