/**
 * A simulated Moonlite focuser on a pty: a motor that runs at `speedStepsPerS` toward the target
 * set by `:SN` once `:FG#` arrives, stops on `:FQ#`, and a temperature probe; replies formatted
 * here rather than with the driver's codec.
 */
import { FakeSerialDevice, type Parsed } from "./_device.ts";

export class MoonliteDevice extends FakeSerialDevice {
  speedStepsPerS: number;
  temperatureC = 11.5;
  #position: number;
  #target: number;
  #moving = false;
  #lastMs = Date.now();

  constructor(startPosition = 5000, speedStepsPerS = 4000) {
    super();
    this.#position = startPosition;
    this.#target = startPosition;
    this.speedStepsPerS = speedStepsPerS;
  }

  get position(): number {
    this.#update();
    return this.#position;
  }

  protected parse(buffer: string): Parsed | null {
    if (!buffer.startsWith(":")) return { consumed: 1, reply: null };
    const end = buffer.indexOf("#");
    if (end < 0) return null;
    return { consumed: end + 1, reply: this.#answer(buffer.slice(1, end)) };
  }

  #answer(command: string): string | null {
    this.#update();
    const head = command.slice(0, 2);
    switch (head) {
      case "GP":
        return hex4(this.#position) + "#";
      case "GN":
        return hex4(this.#target) + "#";
      case "GI":
        return this.#moving ? "01#" : "00#";
      case "GT":
        return hex4((Math.round(this.temperatureC * 2) + 0x10000) % 0x10000) + "#";
      case "GV":
        return "10#";
      case "GH":
        return "00#";
      case "SN":
        this.#target = parseInt(command.slice(2), 16);
        return null;
      case "SP":
        this.#position = parseInt(command.slice(2), 16);
        return null;
      case "FG":
        this.#moving = this.#target !== this.#position;
        return null;
      case "FQ":
        this.#moving = false;
        return null;
      default:
        return null;
    }
  }

  #update(): void {
    const nowMs = Date.now();
    const steps = Math.floor((nowMs - this.#lastMs) / 1000 * this.speedStepsPerS);
    if (!this.#moving) {
      this.#lastMs = nowMs;
      return;
    }
    if (steps <= 0) return; // keep the fraction of a step for the next read
    this.#lastMs = nowMs;
    const gap = this.#target - this.#position;
    if (Math.abs(gap) <= steps) {
      this.#position = this.#target;
      this.#moving = false;
    } else {
      this.#position += Math.sign(gap) * steps;
    }
  }
}

function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, "0");
}
