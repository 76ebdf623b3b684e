/**
 * Incremental base64 decoding straight into a Uint8Array, for INDI BLOB bodies that arrive over
 * many socket reads and may be tens of megabytes: no intermediate string is ever built, line
 * breaks and other whitespace are skipped, and a quartet split across two reads is carried over.
 * The output grows by doubling when the declared size was missing or wrong.
 */

const INVALID = 255;
const PAD = 254;
const SKIP = 253;
const DECODE = (() => {
  const table = new Uint8Array(256).fill(INVALID);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table["=".charCodeAt(0)] = PAD;
  for (const c of [9, 10, 13, 32]) table[c] = SKIP;
  return table;
})();

export class Base64Sink {
  #out: Uint8Array;
  #length = 0;
  /** Up to three pending 6-bit values of an unfinished quartet. */
  #quartet = new Uint8Array(4);
  #held = 0;
  #padded = false;

  /** `expectedBytes` pre-sizes the output (INDI's `size` attribute); 0 when unknown. */
  constructor(expectedBytes = 0) {
    this.#out = new Uint8Array(Math.max(16, expectedBytes));
  }

  /** Decodes the base64 characters in `chunk`; throws on a byte outside the alphabet. */
  push(chunk: Uint8Array): void {
    const q = this.#quartet;
    let held = this.#held;
    // Whitespace makes the exact output unknown; grow only when a quartet would not fit.
    let out = this.#out;
    let length = this.#length;
    for (let i = 0; i < chunk.length; i++) {
      const value = DECODE[chunk[i]!]!;
      if (value < 64) {
        if (this.#padded) throw new Error("base64: data after padding");
        q[held++] = value;
        if (held === 4) {
          if (length + 3 > out.length) {
            this.#length = length;
            this.#reserve(3);
            out = this.#out;
          }
          out[length++] = (q[0]! << 2) | (q[1]! >> 4);
          out[length++] = ((q[1]! & 15) << 4) | (q[2]! >> 2);
          out[length++] = ((q[2]! & 3) << 6) | q[3]!;
          held = 0;
        }
      } else if (value === SKIP) {
        continue;
      } else if (value === PAD) {
        // "xx==" or "xxx=": flush the partial quartet once, ignore further '='.
        if (!this.#padded) {
          this.#length = length;
          this.#reserve(2);
          out = this.#out;
          if (held === 2) out[length++] = (q[0]! << 2) | (q[1]! >> 4);
          else if (held === 3) {
            out[length++] = (q[0]! << 2) | (q[1]! >> 4);
            out[length++] = ((q[1]! & 15) << 4) | (q[2]! >> 2);
          } else if (held !== 0) throw new Error("base64: misplaced padding");
          held = 0;
          this.#padded = true;
        }
      } else {
        throw new Error(`base64: invalid byte 0x${chunk[i]!.toString(16)}`);
      }
    }
    this.#held = held;
    this.#length = length;
  }

  /** The decoded bytes; throws when the text ended inside a quartet without padding. */
  finish(): Uint8Array {
    const q = this.#quartet;
    if (this.#held === 1) throw new Error("base64: truncated input");
    // Unpadded input ("xx" / "xxx") is legal in practice; decode the tail as if padded.
    if (this.#held >= 2) {
      this.#reserve(2);
      this.#out[this.#length++] = (q[0]! << 2) | (q[1]! >> 4);
      if (this.#held === 3) this.#out[this.#length++] = ((q[1]! & 15) << 4) | (q[2]! >> 2);
      this.#held = 0;
    }
    return this.#out.subarray(0, this.#length);
  }

  get decodedBytes(): number {
    return this.#length;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#out.length) return;
    const grown = new Uint8Array(Math.max(needed, this.#out.length * 2));
    grown.set(this.#out.subarray(0, this.#length));
    this.#out = grown;
  }
}
