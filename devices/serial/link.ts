/**
 * What every serial driver shares: its validated options, the port it opens on connect and closes
 * on disconnect, a status poll loop that stops with the port, and the translation of a lost port
 * into the contract's `onLost`. A request while disconnected is a 503, never a hang; a lost port
 * stops the poller and leaves reopening to the hub's reconnect (`open()` again).
 */
import type { Clock } from "../../lib/clock.ts";
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { DeviceKind } from "../device.ts";
import { type ReplyMatcher, SerialClosedError, SerialPort } from "./port.ts";
import { speedCode } from "./termios.ts";

export interface SerialOptions {
  /** Device path, e.g. /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0. */
  path: string;
  baud: number;
  /** How long one command may take to be answered. */
  timeoutMs: number;
  /** Status poll period. */
  pollMs: number;
}

/** Validates the options every serial driver takes; RangeError names the field. */
export function parseSerialOptions(
  options: Record<string, unknown>,
  defaults: { baud: number; pollMs?: number },
): SerialOptions {
  const { path, baud = defaults.baud, timeoutMs = 1000, pollMs = defaults.pollMs ?? 250 } = options;
  if (typeof path !== "string" || path.trim() === "") {
    throw new RangeError(`path must be the serial device path, got ${JSON.stringify(path)}`);
  }
  if (typeof baud !== "number") throw new RangeError(`baud must be a number, got ${baud}`);
  speedCode(baud); // throws a RangeError naming baud and the rates it accepts
  return {
    path,
    baud,
    timeoutMs: numberIn("timeoutMs", timeoutMs, 20, 30_000),
    pollMs: numberIn("pollMs", pollMs, 20, 10_000),
  };
}

export function numberIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a number within [${min}, ${max}], got ${value}`);
  }
  return value;
}

export class SerialLink {
  readonly options: SerialOptions;
  #kind: DeviceKind;
  #clock: Clock;
  #log: Logger;
  #port: SerialPort | null = null;
  #onLost: (reason: string) => void;
  #poller: { stop: AbortController; done: Promise<void> } | null = null;

  constructor(
    kind: DeviceKind,
    options: SerialOptions,
    ctx: { clock: Clock; log: Logger },
    onLost: (reason: string) => void,
  ) {
    this.#kind = kind;
    this.options = options;
    this.#clock = ctx.clock;
    this.#log = ctx.log;
    this.#onLost = onLost;
  }

  get isOpen(): boolean {
    return this.#port?.isOpen ?? false;
  }

  open(): void {
    if (this.isOpen) return;
    const port = SerialPort.open(this.options.path, this.options.baud);
    port.onLost((reason) => {
      if (this.#port !== port) return;
      this.#port = null;
      // The loop ends on its own once its current poll fails; a reconnect starts a new one.
      this.#poller?.stop.abort();
      this.#poller = null;
      this.#log.warn("serial port lost", { path: this.options.path, reason });
      this.#onLost(`${this.options.path} ${reason}`);
    });
    this.#port = port;
  }

  async close(): Promise<void> {
    await this.stopPolling();
    const port = this.#port;
    this.#port = null;
    await port?.close();
  }

  /** One command through the port's queue; 503 when the port is not open. */
  request(
    command: string,
    reply: ReplyMatcher,
    timeoutMs = this.options.timeoutMs,
  ): Promise<string> {
    const port = this.#port;
    if (!port || !port.isOpen) {
      return Promise.reject(new DeviceNotConnectedError(this.#kind));
    }
    return port.request(command, reply, timeoutMs);
  }

  /** Runs `poll` every pollMs until stopPolling/close or the port is lost; failures are logged. */
  startPolling(poll: () => Promise<void>): void {
    if (this.#poller) return;
    const stop = new AbortController();
    const done = (async () => {
      while (!stop.signal.aborted) {
        try {
          await poll();
        } catch (err) {
          // A lost port reports itself through onLost; anything else is one missed poll.
          if (!(err instanceof SerialClosedError) && !(err instanceof DeviceNotConnectedError)) {
            this.#log.warn("status poll failed", { path: this.options.path, err: String(err) });
          }
        }
        await this.#clock.sleep(this.options.pollMs, stop.signal).catch(() => {});
      }
    })();
    this.#poller = { stop, done };
  }

  async stopPolling(): Promise<void> {
    const poller = this.#poller;
    this.#poller = null;
    if (!poller) return;
    poller.stop.abort();
    await poller.done;
  }
}
