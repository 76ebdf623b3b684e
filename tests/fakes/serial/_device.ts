/**
 * The skeleton every serial device simulator shares: it opens the device end of a socat pty pair
 * with our own SerialPort, reads bytes as they come, lets the protocol subclass cut complete
 * commands off the front of its buffer and answer them, and applies the injected fault to each
 * answer — "silent" (no answer at all), "garbage" (an answer of the right length and terminator
 * but nonsense inside), "partial" (the first half, never finished). A pulled cable is the pair's
 * `stop()`, not a fault here.
 */
import { SerialPort } from "../../../devices/serial/port.ts";

export type SerialFault = "none" | "silent" | "garbage" | "partial";

export interface Parsed {
  /** Bytes of the buffer this command used. */
  consumed: number;
  /** The answer to write, or null for a command without one. */
  reply: string | null;
}

export abstract class FakeSerialDevice {
  fault: SerialFault = "none";
  /** Every command seen, for assertions. */
  readonly commands: string[] = [];
  #port: SerialPort | null = null;
  #loop: Promise<void> | null = null;
  #buffer = "";

  /** Cuts one command off the front of `buffer`, or returns null while it is incomplete. */
  protected abstract parse(buffer: string): Parsed | null;

  async attach(path: string, baud = 9600): Promise<void> {
    if (this.#port) return;
    const port = SerialPort.open(path, baud);
    this.#port = port;
    this.#buffer = "";
    this.#loop = this.#run(port);
    await Promise.resolve();
  }

  async detach(): Promise<void> {
    const port = this.#port;
    this.#port = null;
    await port?.close();
    await this.#loop;
    this.#loop = null;
  }

  async #run(port: SerialPort): Promise<void> {
    while (this.#port === port && port.isOpen) {
      let chunk: string;
      try {
        chunk = await port.readSome(50);
      } catch {
        return; // the pair was stopped or the port closed
      }
      this.#buffer += chunk;
      while (this.#buffer.length > 0) {
        const parsed = this.parse(this.#buffer);
        if (!parsed) break;
        this.commands.push(this.#buffer.slice(0, parsed.consumed));
        this.#buffer = this.#buffer.slice(parsed.consumed);
        const answer = parsed.reply === null ? null : this.#withFault(parsed.reply);
        if (answer) await port.write(answer).catch(() => {});
      }
    }
  }

  #withFault(reply: string): string | null {
    switch (this.fault) {
      case "none":
        return reply;
      case "silent":
        return null;
      case "partial":
        return reply.slice(0, Math.max(1, Math.floor(reply.length / 2)));
      case "garbage": {
        const last = reply.slice(-1);
        return "@".repeat(Math.max(1, reply.length - 1)) + (last === "#" ? "#" : "");
      }
    }
  }
}
