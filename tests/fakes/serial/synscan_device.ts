/**
 * A simulated SkyWatcher SynScan or Celestron NexStar hand controller on a pty: single-letter
 * commands with fixed-length arguments, positions as hex fractions of a turn (SynScan sends the
 * 24-bit value shifted left a byte, as the real controller does; NexStar all 32 bits), a goto
 * that runs at the model's slew rate, `L`, `M`, `t`/`T`, `V`, `Kx`. It never refuses a low goto,
 * like the real controllers. The epoch is each controller's own: a NexStar reads and takes
 * positions of date (JNow), a SynScan J2000 (INDI's synscandriver precesses what `e` returns), so
 * the SynScan flavour converts between its sky of date and the wire with the test reference.
 */
import type { Site } from "../../../devices/device.ts";
import { referenceJ2000, referenceJNow } from "../../_jnow_reference.ts";
import { FakeSerialDevice, type Parsed } from "./_device.ts";
import { MountModel, type Position } from "./_mount_model.ts";

/** Argument length of each letter that takes one. */
const ARGUMENT_BYTES: Record<string, number> = { K: 1, T: 1, r: 17, s: 17, R: 9, S: 9 };

export class SynScanDevice extends FakeSerialDevice {
  readonly model: MountModel;
  readonly flavour: "synscan" | "nexstar";

  constructor(flavour: "synscan" | "nexstar", site: Site, slewRateDegPerS = 60) {
    super();
    this.flavour = flavour;
    this.model = new MountModel(site, slewRateDegPerS);
  }

  protected parse(buffer: string): Parsed | null {
    const letter = buffer.charAt(0);
    const argumentBytes = ARGUMENT_BYTES[letter] ?? 0;
    if (buffer.length < 1 + argumentBytes) return null;
    const argument = buffer.slice(1, 1 + argumentBytes);
    return { consumed: 1 + argumentBytes, reply: this.#answer(letter, argument) };
  }

  #answer(letter: string, argument: string): string | null {
    const model = this.model;
    switch (letter) {
      case "K":
        return `${argument}#`;
      case "V":
        return this.flavour === "synscan" ? "042A07#" : "\x04\x0a#";
      case "e":
        model.update();
        return this.#formatPosition(this.#toWire(model.position), 32);
      case "E":
        model.update();
        return this.#formatPosition(this.#toWire(model.position), 16);
      case "r":
      case "R":
      case "s":
      case "S": {
        const sent = parsePosition(argument);
        if (!sent) return null; // a real controller ignores a malformed argument
        const target = this.#fromWire(sent);
        if (letter.toLowerCase() === "r") model.goto(target);
        else model.sync(target);
        return "#";
      }
      case "L":
        return model.slewing ? "1#" : "0#";
      case "M":
        model.abort();
        return "#";
      case "t":
        return `${String.fromCharCode(model.tracking === "off" ? 0 : 2)}#`;
      case "T":
        model.setTracking(argument.charCodeAt(0) === 0 ? "off" : "sidereal");
        return "#";
      case "J":
        return "\x01#";
      default:
        return null; // unknown letters get no answer
    }
  }

  /** The sky of date as this controller reports it. */
  #toWire(position: Position): Position {
    return this.flavour === "synscan" ? referenceJ2000(position, Date.now()) : position;
  }

  #fromWire(position: Position): Position {
    return this.flavour === "synscan" ? referenceJNow(position, Date.now()) : position;
  }

  #formatPosition(position: Position, bits: 16 | 32): string {
    const dec = position.decDeg < 0 ? position.decDeg + 360 : position.decDeg;
    const shift = this.flavour === "synscan" && bits === 32;
    const hex = (fraction: number) => {
      const scaled = shift
        ? Math.round(fraction * 2 ** 24) % 2 ** 24 * 256
        : Math.round(fraction * 2 ** bits) % 2 ** bits;
      return scaled.toString(16).toUpperCase().padStart(bits / 4, "0");
    };
    return `${hex(position.raHours / 24)},${hex(dec / 360)}#`;
  }
}

function parsePosition(argument: string): Position | null {
  const [ra, dec] = argument.split(",");
  if (!ra || !dec || ra.length !== dec.length || !/^[0-9A-F]+$/i.test(ra + dec)) return null;
  const scale = 2 ** (ra.length * 4);
  let decDeg = parseInt(dec, 16) / scale * 360;
  if (decDeg > 180) decDeg -= 360;
  return { raHours: parseInt(ra, 16) / scale * 24, decDeg };
}
