/**
 * Reads a tar archive from a stream, entry by entry, without unpacking it anywhere: the update's
 * verifier decides about each file (is it named by a signed MANIFEST? does it hash right?) as it
 * arrives, so a tampered release is refused at its first bad file instead of after unpacking the
 * whole tarball. It reads what GNU tar writes (the release build's `tar --sort=name`): ustar
 * headers, GNU long names (`L`) and pax headers (`x`, `g`). Every entry keeps its type, so the
 * caller can refuse links and devices; a bad header checksum or an archive cut short throws.
 */

export interface TarEntry {
  /** The path as the archive names it (a folder keeps its trailing "/"). */
  path: string;
  /** "file", "dir", or the raw type flag of anything else (e.g. "2" for a symlink). */
  type: string;
  mode: number;
  sizeBytes: number;
  /** The entry's bytes in pieces; what the caller leaves unread is skipped. */
  body(): AsyncGenerator<Uint8Array>;
}

/** A malformed or truncated archive. */
export class TarFormatError extends Error {
  override name = "TarFormatError";
}

const BLOCK = 512;

/**
 * The entries of the tar archive `stream` carries, in order, up to its end-of-archive block; what
 * follows it (the zero padding to a full record) stays in the stream for the caller, which is
 * cancelled on an error.
 */
export async function* readTar(stream: ReadableStream<Uint8Array>): AsyncGenerator<TarEntry> {
  const input = new ByteInput(stream.getReader());
  let longName: string | null = null;
  let paxPath: string | null = null;
  let paxSize: number | null = null;
  let ended = false;
  try {
    while (true) {
      const header = await input.exact(BLOCK);
      if (header === null) throw new TarFormatError("the archive ends without its end block");
      if (header.every((b) => b === 0)) {
        ended = true;
        return;
      }
      checkSum(header);
      const type = String.fromCharCode(header[156]!);
      const rawSize = octal(header, 124, 12, "size");
      if (type === "L" || type === "x" || type === "g") {
        if (rawSize > 1024 * 1024) throw new TarFormatError(`a ${type} header of ${rawSize} bytes`);
        const data = await input.exact(Math.ceil(rawSize / BLOCK) * BLOCK);
        if (data === null) throw new TarFormatError("the archive is cut short");
        const text = new TextDecoder().decode(data.subarray(0, rawSize));
        if (type === "L") longName = text.replace(/\0.*$/s, "");
        if (type === "x") ({ path: paxPath, size: paxSize } = parsePax(text));
        continue;
      }
      const size = paxSize ?? rawSize;
      const padded = Math.ceil(size / BLOCK) * BLOCK;
      const magic = new TextDecoder().decode(header.subarray(257, 263));
      const prefix = magic === "ustar\0" ? cString(header, 345, 155) : "";
      const path = paxPath ?? longName ??
        (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
      longName = paxPath = paxSize = null;
      let left = size;
      const entry: TarEntry = {
        path,
        type: type === "0" || type === "\0" ? "file" : type === "5" ? "dir" : type,
        mode: octal(header, 100, 8, "mode"),
        sizeBytes: size,
        async *body() {
          while (left > 0) {
            const chunk = await input.some(left);
            if (chunk === null) throw new TarFormatError(`${path} is cut short`);
            left -= chunk.length;
            yield chunk;
          }
        },
      };
      yield entry;
      // Whatever the caller did not read, then the padding to the next block.
      while (left > 0) {
        const chunk = await input.some(left);
        if (chunk === null) throw new TarFormatError(`${path} is cut short`);
        left -= chunk.length;
      }
      if (padded > size && await input.exact(padded - size) === null) {
        throw new TarFormatError("the archive is cut short");
      }
    }
  } finally {
    if (ended) input.release();
    else await input.cancel();
  }
}

function checkSum(header: Uint8Array) {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  const stored = octal(header, 148, 8, "checksum");
  if (stored !== sum) throw new TarFormatError("a header's checksum does not match: not a tar");
}

function octal(header: Uint8Array, at: number, length: number, what: string): number {
  if (header[at]! & 0x80) throw new TarFormatError(`a ${what} too large for a release`);
  const text = cString(header, at, length).trim();
  if (!/^[0-7]*$/.test(text)) {
    throw new TarFormatError(`a header's ${what} is not octal: not a tar`);
  }
  return text === "" ? 0 : parseInt(text, 8);
}

function cString(bytes: Uint8Array, at: number, length: number): string {
  const field = bytes.subarray(at, at + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}

/** `len key=value\n` records; only the path and size matter here. */
function parsePax(text: string): { path: string | null; size: number | null } {
  let path: string | null = null;
  let size: number | null = null;
  for (const record of text.split("\n")) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
    if (match?.[1] === "path") path = match[2]!;
    if (match?.[1] === "size") size = Number(match[2]);
  }
  if (size !== null && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new TarFormatError(`a pax size that is not a byte count: ${size}`);
  }
  return { path, size };
}

/** Exact-length reads (headers) and pass-through pieces (file bodies) over a stream reader. */
class ByteInput {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #chunk: Uint8Array = new Uint8Array(0);
  #at = 0;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  /** Up to `max` bytes (at least one), or null at the end of the stream. */
  async some(max: number): Promise<Uint8Array | null> {
    if (this.#at >= this.#chunk.length) {
      const { value, done } = await this.#reader.read();
      if (done) return null;
      this.#chunk = value;
      this.#at = 0;
    }
    const piece = this.#chunk.subarray(this.#at, this.#at + max);
    this.#at += piece.length;
    return piece;
  }

  /** Exactly `length` bytes, or null when the stream ends first. */
  async exact(length: number): Promise<Uint8Array | null> {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const piece = await this.some(length - filled);
      if (piece === null) return null;
      out.set(piece, filled);
      filled += piece.length;
    }
    return out;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
  }

  /** Hands the stream back; bytes of a chunk already read are dropped (padding, here). */
  release(): void {
    this.#reader.releaseLock();
  }
}
