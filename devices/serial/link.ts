/**
 * What every serial driver shares: the port it opens on connect and closes on disconnect, a
 * status poll loop that stops with the port, and the translation of a lost port
 * into the contract's `onLost`. A request while disconnected is a 503, never a hang; a lost port
 * stops the poller and leaves reopening to the hub's reconnect (`open()` again).
 */
import type { Clock } from "../../lib/clock.ts";
import { DeviceNotConnectedError } from "../../lib/errors.ts";
import type { Logger } from "../../lib/log.ts";
import type { DeviceKind } from "../device.ts";
import { type ReplyMatcher, SerialClosedError, SerialPort } from "./port.ts";
import type { SerialOptions } from "./options.ts";

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
