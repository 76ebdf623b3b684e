/**
 * Line framing for PHD2's event server: one JSON object per line. The server ends its lines with
 * CRLF (phd2.md, Transport); we split on LF and drop a trailing CR so either ending works. TCP
 * hands us arbitrary chunks, so a line may arrive in pieces or several lines in one read; the
 * framer keeps the unfinished tail between pushes. A line that grows past `maxLineBytes` (1 MB by
 * default: PHD2's largest message, a star image, is a few tens of kB) is a broken or hostile
 * peer, and pushing it throws instead of buffering without bound.
 */

/** 1 MB: far above anything PHD2 sends, low enough that a runaway peer cannot exhaust memory. */
export const MAX_LINE_BYTES = 1024 * 1024;
const LF = 0x0a;

export class LineTooLongError extends Error {
  constructor(lengthBytes: number, maxBytes: number) {
    super(`PHD2 sent a line of at least ${lengthBytes} bytes, over the ${maxBytes}-byte limit`);
    this.name = "LineTooLongError";
  }
}

export class LineFramer {
  readonly #maxLineBytes: number;
  readonly #decoder = new TextDecoder();
  /** Bytes of the line still being received; kept raw so a UTF-8 character split across reads decodes whole. */
  #tail: Uint8Array[] = [];
  #tailBytes = 0;

  constructor(maxLineBytes = MAX_LINE_BYTES) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Feeds one chunk; returns the complete, non-empty lines it finished, in order. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    while (start <= chunk.length) {
      const lf = chunk.indexOf(LF, start);
      if (lf < 0) break;
      const piece = chunk.subarray(start, lf);
      this.#checkLength(this.#tailBytes + piece.length);
      const line = this.#decode(piece);
      if (line !== "") lines.push(line);
      start = lf + 1;
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      this.#checkLength(this.#tailBytes + rest.length);
      // Copied: the caller reuses its read buffer.
      this.#tail.push(rest.slice());
      this.#tailBytes += rest.length;
    }
    return lines;
  }

  /** Bytes held for the unfinished line. */
  get pendingBytes(): number {
    return this.#tailBytes;
  }

  #checkLength(lengthBytes: number): void {
    if (lengthBytes > this.#maxLineBytes) {
      this.#tail = [];
      this.#tailBytes = 0;
      throw new LineTooLongError(lengthBytes, this.#maxLineBytes);
    }
  }

  #decode(last: Uint8Array): string {
    let bytes = last;
    if (this.#tailBytes > 0) {
      bytes = new Uint8Array(this.#tailBytes + last.length);
      let offset = 0;
      for (const part of this.#tail) {
        bytes.set(part, offset);
        offset += part.length;
      }
      bytes.set(last, offset);
      this.#tail = [];
      this.#tailBytes = 0;
    }
    const text = this.#decoder.decode(bytes);
    return text.endsWith("\r") ? text.slice(0, -1) : text;
  }
}
