/**
 * One TCP session with an indiserver (indi.md "Transport"): sends `getProperties`, feeds every
 * read through the incremental parser into the property cache, tells listeners what changed, and
 * writes `new*Vector` commands. A command marks its vector Busy in the cache at once (the driver
 * will answer with Ok or Alert); `command()` waits for that answer with a deadline, `waitFor()`
 * waits for any condition on a vector. When the socket ends without `close()`, every waiter is
 * rejected and `onClosed` says why, so the owning driver can report the loss.
 */
import { Emitter } from "../emitter.ts";
import {
  type IndiVector,
  PropertyCache,
  type PropertyChange,
  type PropertyState,
} from "./properties.ts";
import { escapeXml, IndiXmlStream } from "./xml_stream.ts";

/** The driver answered a command with Alert. */
export class IndiAlertError extends Error {
  constructor(device: string, property: string, message: string) {
    super(`INDI ${device} ${property} went Alert${message ? `: ${message}` : ""}`);
    this.name = "IndiAlertError";
  }
}

export type BlobMode = "Never" | "Also" | "Only";

interface Waiter {
  device: string;
  name: string;
  check: (vector: IndiVector | undefined) => boolean;
  reject: (reason: Error) => void;
}

const READ_BUFFER_BYTES = 1024 * 1024;

export class IndiClient {
  readonly cache = new PropertyCache();
  readonly #conn: Deno.TcpConn;
  readonly #where: string;
  readonly #changes = new Emitter<PropertyChange>();
  readonly #closedEmitter = new Emitter<string>();
  readonly #waiters = new Set<Waiter>();
  readonly #encoder = new TextEncoder();
  #writeChain: Promise<void> = Promise.resolve();
  #closing = false;
  #closedReason: string | null = null;
  #readLoop: Promise<void>;

  private constructor(conn: Deno.TcpConn, where: string) {
    this.#conn = conn;
    this.#where = where;
    this.#readLoop = this.#read();
  }

  /** Opens the socket; an abort while connecting closes whatever connected and rejects. */
  static async open(hostname: string, port: number, signal?: AbortSignal): Promise<IndiClient> {
    signal?.throwIfAborted();
    const connecting = Deno.connect({ hostname, port });
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const conn = await Promise.race([connecting, aborted]);
      return new IndiClient(conn, `${hostname}:${port}`);
    } catch (err) {
      connecting.then((conn) => conn.close(), () => {});
      if (signal?.aborted) throw err;
      throw new Error(`cannot reach indiserver at ${hostname}:${port}: ${errorText(err)}`);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  get where(): string {
    return this.#where;
  }

  get closed(): boolean {
    return this.#closing || this.#closedReason !== null;
  }

  onChange(listener: (change: PropertyChange) => void): () => void {
    return this.#changes.on(listener);
  }

  /** Fires once when the session ends without `close()`. */
  onClosed(listener: (reason: string) => void): () => void {
    return this.#closedEmitter.on(listener);
  }

  getProperties(device?: string, name?: string): Promise<void> {
    const attrs = attributes({ version: "1.7", device, name });
    return this.#write(`<getProperties ${attrs}/>\n`);
  }

  enableBlob(device: string, name: string | undefined, mode: BlobMode): Promise<void> {
    return this.#write(`<enableBLOB ${attributes({ device, name })}>${mode}</enableBLOB>\n`);
  }

  /** Sends new values of a number vector (only the members given). */
  sendNumbers(device: string, name: string, values: Record<string, number>): Promise<void> {
    const body = Object.entries(values).map(([member, value]) => {
      if (!Number.isFinite(value)) throw new RangeError(`${name}.${member} must be finite`);
      return `<oneNumber name="${escapeXml(member)}">${value}</oneNumber>`;
    });
    return this.#send("Number", device, name, body);
  }

  /** Sends switch states; for OneOfMany vectors name only the member to turn On. */
  sendSwitches(device: string, name: string, values: Record<string, boolean>): Promise<void> {
    const body = Object.entries(values).map(([member, on]) =>
      `<oneSwitch name="${escapeXml(member)}">${on ? "On" : "Off"}</oneSwitch>`
    );
    return this.#send("Switch", device, name, body);
  }

  sendTexts(device: string, name: string, values: Record<string, string>): Promise<void> {
    const body = Object.entries(values).map(([member, text]) =>
      `<oneText name="${escapeXml(member)}">${escapeXml(text)}</oneText>`
    );
    return this.#send("Text", device, name, body);
  }

  /**
   * Sends a command and resolves when the driver returns the vector to Ok (or Idle), rejecting
   * with IndiAlertError on Alert and with a timeout error after `timeoutMs`.
   */
  async command(
    send: () => Promise<void>,
    device: string,
    name: string,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<IndiVector> {
    await send();
    const vector = await this.waitFor(
      device,
      name,
      (v) => v.state !== "Busy",
      timeoutMs,
      `${device} ${name} to leave Busy`,
      signal,
    );
    if (vector.state === "Alert") throw new IndiAlertError(device, name, vector.message);
    return vector;
  }

  /**
   * Resolves with the vector once `check` holds (checked now and after every change of it);
   * rejects on timeout, abort, deletion of the vector, or the end of the session.
   */
  waitFor(
    device: string,
    name: string,
    check: (vector: IndiVector) => boolean,
    timeoutMs: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<IndiVector> {
    if (this.#closedReason !== null) return Promise.reject(new Error(this.#closedReason));
    const now = this.cache.get(device, name);
    if (now && check(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(waiter);
        outcome();
      };
      const waiter: Waiter = {
        device,
        name,
        check: (vector) => {
          if (vector && check(vector)) finish(() => resolve(vector));
          return false;
        },
        reject: (reason) => finish(() => reject(reason)),
      };
      const timer = setTimeout(
        () => waiter.reject(new Error(`INDI: timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      const onAbort = () => waiter.reject(signal!.reason);
      if (signal?.aborted) return waiter.reject(signal.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Ends the session on purpose: waiters fail, `onClosed` does not fire. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.#closing = true;
      this.#rejectWaiters("the INDI session was closed");
      try {
        this.#conn.close();
      } catch {
        // Closed by the reader already.
      }
    }
    await this.#readLoop;
  }

  #send(type: string, device: string, name: string, body: string[]): Promise<void> {
    const vector = this.cache.get(device, name);
    if (!vector) {
      return Promise.reject(new Error(`INDI ${device} has no property ${name}`));
    }
    if (vector.perm === "ro") {
      return Promise.reject(new Error(`INDI ${device} ${name} is read-only`));
    }
    // Busy until the driver answers (indi.md): a reader never mistakes the old Ok for the answer.
    vector.state = "Busy" as PropertyState;
    const tag = `new${type}Vector`;
    return this.#write(`<${tag} ${attributes({ device, name })}>${body.join("")}</${tag}>\n`);
  }

  #write(text: string): Promise<void> {
    if (this.closed) {
      return Promise.reject(new Error(this.#closedReason ?? "the INDI session was closed"));
    }
    const bytes = this.#encoder.encode(text);
    const next = this.#writeChain.then(async () => {
      let written = 0;
      while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
    });
    this.#writeChain = next.catch(() => {});
    return next;
  }

  async #read(): Promise<void> {
    const parser = new IndiXmlStream();
    const buffer = new Uint8Array(READ_BUFFER_BYTES);
    let reason = `indiserver at ${this.#where} closed the connection`;
    try {
      while (true) {
        const n = await this.#conn.read(buffer);
        if (n === null) break;
        for (const element of parser.push(buffer.subarray(0, n))) {
          const change = this.cache.apply(element);
          if (change) this.#dispatch(change);
        }
      }
    } catch (err) {
      reason = `INDI session with ${this.#where} failed: ${errorText(err)}`;
    }
    const unexpected = !this.#closing;
    this.#closedReason = this.#closing ? "the INDI session was closed" : reason;
    if (unexpected) {
      try {
        this.#conn.close();
      } catch {
        // Already closed.
      }
      this.#rejectWaiters(reason);
      this.#closedEmitter.emit(reason);
    }
  }

  #dispatch(change: PropertyChange): void {
    this.#changes.emit(change);
    if (change.kind === "message") return;
    const device = change.kind === "del" ? change.device : change.vector.device;
    for (const waiter of [...this.#waiters]) {
      if (waiter.device !== device) continue;
      if (change.kind === "del") {
        if (change.name === null || change.name === waiter.name) {
          waiter.reject(new Error(`INDI ${device} ${waiter.name} was deleted`));
        }
      } else if (change.vector.name === waiter.name) {
        waiter.check(change.vector);
      }
    }
  }

  #rejectWaiters(reason: string): void {
    for (const waiter of [...this.#waiters]) waiter.reject(new Error(reason));
  }
}

function attributes(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}="${escapeXml(v!)}"`)
    .join(" ");
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
