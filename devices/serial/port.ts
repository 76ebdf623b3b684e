/**
 * One open serial port: raw 8N1 at a baud rate, bytes in and out as latin1 strings (every
 * protocol we speak is ASCII plus a few binary bytes), and `request()` — write a command, read
 * until the reply is complete or a deadline passes — run one at a time through a queue, because a
 * tty carries one conversation and a second command written mid-reply would scramble both. Input
 * left over from an earlier, timed-out or garbled exchange is discarded before each command so a
 * late reply can never be taken for the next one's. An unplugged adapter (EIO/ENXIO, or POLLHUP
 * when the far end vanishes) closes the port and fires `onLost` once; reopening is the driver's
 * reconnect.
 */
import { DeviceTimeoutError } from "../../lib/errors.ts";
import {
  acquireLibc,
  configureRaw,
  cString,
  ERRNO,
  errno,
  type Libc,
  O_NOCTTY,
  O_NONBLOCK,
  O_RDWR,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  releaseLibc,
  TCIOFLUSH,
} from "./termios.ts";

/** Given what has arrived so far, the length of a complete reply, or -1 while incomplete. */
export type ReplyMatcher = (received: string) => number;

/** A reply that ends with `terminator` (the terminator is part of the reply). */
export function untilTerminator(terminator: string): ReplyMatcher {
  return (received) => {
    const at = received.indexOf(terminator);
    return at < 0 ? -1 : at + terminator.length;
  };
}

/** A reply of exactly `count` bytes. */
export function exactBytes(count: number): ReplyMatcher {
  return (received) => received.length >= count ? count : -1;
}

/** The command has no reply. */
export const NO_REPLY: ReplyMatcher = () => 0;

/** The device did not complete its reply in time (a 504 the hub's guard turns into an alert). */
export class SerialTimeoutError extends DeviceTimeoutError {
  constructor(path: string, command: string, timeoutMs: number, partial: string) {
    super(`${path} ${printable(command)}`, timeoutMs);
    this.name = "SerialTimeoutError";
    if (partial.length > 0) this.message += ` (partial reply ${printable(partial)})`;
  }
}

/** The port is closed or was lost (unplugged, far end gone). */
export class SerialClosedError extends Error {
  constructor(path: string, reason: string) {
    super(`serial port ${path} ${reason}`);
    this.name = "SerialClosedError";
  }
}

/** Quotes a string with control and high bytes escaped, for error messages. */
export function printable(text: string): string {
  const shown = text.length > 40 ? text.slice(0, 40) + "…" : text;
  return JSON.stringify(shown.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`))
    .replaceAll("\\\\x", "\\x");
}

/** Longest single wait inside poll(): bounds how long close() waits for a read to notice. */
const POLL_SLICE_MS = 25;

export class SerialPort {
  readonly path: string;
  #libc: Libc;
  #fd: number;
  #received = "";
  #closed = false;
  #lostReason: string | null = null;
  #lostListeners = new Set<(reason: string) => void>();
  #queue: Promise<unknown> = Promise.resolve();
  #busy: Promise<unknown> = Promise.resolve();
  #pollfd = new Uint8Array(8);
  #chunk = new Uint8Array(4096);

  private constructor(path: string, libc: Libc, fd: number) {
    this.path = path;
    this.#libc = libc;
    this.#fd = fd;
  }

  /** Opens `path` raw 8N1 at `baud`. Throws with the errno meaning when it cannot. */
  static open(path: string, baud: number): SerialPort {
    const libc = acquireLibc();
    const fd = libc.open(cString(path), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      const code = errno(libc);
      releaseLibc();
      throw new Error(`cannot open serial port ${path}: ${describeErrno(code)}`);
    }
    try {
      configureRaw(libc, fd, baud);
      libc.tcflush(fd, TCIOFLUSH);
    } catch (err) {
      libc.close(fd);
      releaseLibc();
      throw new Error(`cannot configure ${path}: ${(err as Error).message}`);
    }
    return new SerialPort(path, libc, fd);
  }

  get isOpen(): boolean {
    return !this.#closed;
  }

  /** Fires once when the port is lost without close() having been called. */
  onLost(listener: (reason: string) => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /**
   * Queues `command`, writes it after discarding stale input, and resolves with the reply once
   * `reply` says it is complete. Rejects with SerialTimeoutError after `timeoutMs`, or
   * SerialClosedError when the port is closed or lost meanwhile.
   */
  request(command: string, reply: ReplyMatcher, timeoutMs: number): Promise<string> {
    const run = this.#queue.then(() => this.#exchange(command, reply, timeoutMs));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Writes `text` outside the queue (device simulators answer with it). */
  async write(text: string): Promise<void> {
    const bytes = latin1Bytes(text);
    let sent = 0;
    while (sent < bytes.length) {
      this.#assertOpen();
      const n = Number(
        this.#libc.write(this.#fd, bytes.subarray(sent), BigInt(bytes.length - sent)),
      );
      if (n >= 0) {
        sent += n;
        continue;
      }
      const code = errno(this.#libc);
      if (code === ERRNO.EAGAIN || code === ERRNO.EINTR) {
        await this.#wait(POLLOUT, POLL_SLICE_MS);
        continue;
      }
      this.#lose(`write failed: ${describeErrno(code)}`);
      this.#assertOpen();
    }
  }

  /** Whatever arrives within `timeoutMs` (empty when nothing did); for simulators and probes. */
  readSome(timeoutMs: number): Promise<string> {
    const work = this.#readSome(timeoutMs);
    this.#busy = work.catch(() => {});
    return work;
  }

  async #readSome(timeoutMs: number): Promise<string> {
    // I/O deadlines run on the monotonic clock: setting the box's time must not cut them short.
    const deadlineMs = performance.now() + timeoutMs;
    while (this.#received.length === 0) {
      this.#assertOpen();
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) return "";
      await this.#fill(Math.min(leftMs, POLL_SLICE_MS));
    }
    const out = this.#received;
    this.#received = "";
    return out;
  }

  /** Closes the port; waits for a read in progress to notice. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#busy.catch(() => {});
    this.#release();
  }

  async #exchange(command: string, reply: ReplyMatcher, timeoutMs: number): Promise<string> {
    const work = this.#exchangeNow(command, reply, timeoutMs);
    this.#busy = work.catch(() => {});
    return await work;
  }

  async #exchangeNow(command: string, reply: ReplyMatcher, timeoutMs: number): Promise<string> {
    this.#assertOpen();
    this.#discardInput();
    await this.write(command);
    const deadlineMs = performance.now() + timeoutMs;
    while (true) {
      const length = reply(this.#received);
      if (length >= 0) {
        const answer = this.#received.slice(0, length);
        this.#received = this.#received.slice(length);
        return answer;
      }
      const leftMs = deadlineMs - performance.now();
      if (leftMs <= 0) {
        const partial = this.#received;
        this.#received = "";
        throw new SerialTimeoutError(this.path, command, timeoutMs, partial);
      }
      await this.#fill(Math.min(leftMs, POLL_SLICE_MS));
      this.#assertOpen();
    }
  }

  /** Drops buffered and pending input: a late or garbled reply must not answer the next command. */
  #discardInput(): void {
    this.#received = "";
    while (this.#readNow() > 0) this.#received = "";
  }

  /** Waits up to `sliceMs` for input, then reads what is there. */
  async #fill(sliceMs: number): Promise<void> {
    if (this.#readNow() > 0) return;
    const revents = await this.#wait(POLLIN, sliceMs);
    if (this.#closed || revents === 0) return;
    if (this.#readNow() > 0) return;
    // Readable yet nothing to read is end-of-file: on a tty, the far end has hung up.
    if (revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
      this.#lose("hung up (device unplugged or the far end closed)");
    }
  }

  /** One non-blocking read(); returns the byte count (0 when nothing was waiting). */
  #readNow(): number {
    if (this.#closed) return 0;
    const n = Number(this.#libc.read(this.#fd, this.#chunk, BigInt(this.#chunk.length)));
    if (n > 0) {
      this.#received += latin1String(this.#chunk.subarray(0, n));
      return n;
    }
    if (n === 0) return 0;
    const code = errno(this.#libc);
    if (code === ERRNO.EAGAIN || code === ERRNO.EINTR) return 0;
    this.#lose(`read failed: ${describeErrno(code)}`);
    return 0;
  }

  async #wait(events: number, timeoutMs: number): Promise<number> {
    const view = new DataView(this.#pollfd.buffer);
    view.setInt32(0, this.#fd, true);
    view.setInt16(4, events, true);
    view.setInt16(6, 0, true);
    const ready = await this.#libc.poll(this.#pollfd, 1n, Math.max(0, Math.ceil(timeoutMs)));
    return ready > 0 ? view.getInt16(6, true) : 0;
  }

  #assertOpen(): void {
    if (this.#lostReason !== null) throw new SerialClosedError(this.path, this.#lostReason);
    if (this.#closed) throw new SerialClosedError(this.path, "is closed");
  }

  #lose(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lostReason = reason;
    this.#release();
    for (const listener of [...this.#lostListeners]) listener(reason);
  }

  #release(): void {
    if (this.#fd < 0) return;
    this.#libc.close(this.#fd);
    this.#fd = -1;
    releaseLibc();
  }
}

function describeErrno(code: number): string {
  const names: Record<number, string> = {
    [ERRNO.ENOENT]: "no such device (ENOENT)",
    [ERRNO.EIO]: "I/O error (EIO)",
    [ERRNO.ENXIO]: "device gone (ENXIO)",
    [ERRNO.EACCES]: "permission denied (EACCES; is the user in the dialout group?)",
    [ERRNO.EBUSY]: "port busy (EBUSY)",
    [ERRNO.ENODEV]: "no such device (ENODEV)",
    [ERRNO.EBADF]: "bad file descriptor (EBADF)",
  };
  return names[code] ?? `errno ${code}`;
}

export function latin1Bytes(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function latin1String(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += String.fromCharCode(byte);
  return out;
}
