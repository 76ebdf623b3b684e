/**
 * Rice decompression of one tile, as the FITS tiled-image convention defines RICE_1 (Pence,
 * Seaman & White 2009; FITS Standard 4.0 §10.4.1) and fpack and INDI cameras write it. The
 * tile's first pixel is stored raw in BYTEPIX big-endian bytes; then every pixel is the
 * difference from the previous one (the first from itself), mapped to unsigned (0, −1, 1, −2 … → 0, 1, 2, 3 …) and coded
 * in blocks of BLOCKSIZE pixels. Each block starts with a code of FSBITS bits holding fs + 1:
 * 0 means every difference in the block is zero; the largest value means the differences are
 * stored raw in 8 × BYTEPIX bits; otherwise each difference is split into a unary high part
 * (that many zero bits, then a one) and fs low bits. Bits are read most significant first.
 * Arithmetic wraps at the pixel width, as it does in the C encoder.
 */

/** Per BYTEPIX: bits of the block code, and the code that marks a raw (high-entropy) block. */
const CODES: Record<number, { fsBits: number; fsMax: number }> = {
  1: { fsBits: 3, fsMax: 6 },
  2: { fsBits: 4, fsMax: 14 },
  4: { fsBits: 5, fsMax: 25 },
};

export type RiceOutput = Uint8Array | Int16Array | Int32Array;

/**
 * Decodes `count` pixels of BYTEPIX 1, 2 or 4 bytes from `input`. Returns the stored values
 * (unsigned for 1 byte, two's complement for 2 and 4, as FITS stores BITPIX 8/16/32). Throws
 * Error when the stream ends early or holds an impossible code.
 */
export function riceDecode(
  input: Uint8Array,
  count: number,
  bytePix: number,
  blockSize: number,
): RiceOutput {
  const code = CODES[bytePix];
  if (!code) throw new Error(`Rice BYTEPIX must be 1, 2 or 4, got ${bytePix}`);
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 1 << 16) {
    throw new Error(`Rice BLOCKSIZE must be a positive integer, got ${blockSize}`);
  }
  const out = bytePix === 1
    ? new Uint8Array(count)
    : bytePix === 2
    ? new Int16Array(count)
    : new Int32Array(count);
  if (count === 0) return out;
  if (input.length < bytePix) throw new Error("Rice tile is shorter than its first pixel");
  const { fsBits, fsMax } = code;
  const rawBits = bytePix * 8;
  const length = input.length;
  let pos = 0;
  let first = 0;
  for (; pos < bytePix; pos++) first = first * 256 + input[pos]!;
  // The raw first value only seeds the differences: the coded blocks cover every pixel, the
  // first one included (its difference is 0). The typed array wraps it to the stored width.
  out[0] = first;
  let last = out[0]!;

  // Bit reader state: `bits` holds the `nbits` (< 8 between reads) not yet consumed bits.
  let bits = 0;
  let nbits = 0;
  const ended = () => new Error(`Rice data ends early: ${length} bytes for ${count} pixels`);
  /** Reads n ≤ 25 bits: at most 7 left over plus 3 new bytes stay within 32 bits. */
  const read = (n: number): number => {
    while (nbits < n) {
      if (pos >= length) throw ended();
      bits = ((bits << 8) | input[pos++]!) >>> 0;
      nbits += 8;
    }
    nbits -= n;
    const value = (bits >>> nbits) & ((1 << n) - 1);
    bits &= (1 << nbits) - 1;
    return value;
  };

  for (let i = 0; i < count;) {
    const fs = read(fsBits) - 1;
    const end = Math.min(i + blockSize, count);
    if (fs < 0) {
      // A block of zero differences: the pixel value repeats.
      for (; i < end; i++) out[i] = last;
      continue;
    }
    if (fs > fsMax) throw new Error(`Rice block code ${fs + 1} exceeds ${fsMax + 1}`);
    for (; i < end; i++) {
      let mapped: number;
      if (fs === fsMax) {
        mapped = rawBits > 24 ? read(16) * 65536 + read(rawBits - 16) : read(rawBits);
      } else {
        // Unary part: count zero bits up to the terminating one.
        let zeros = 0;
        while (bits === 0) {
          zeros += nbits;
          if (pos >= length) throw ended();
          bits = input[pos++]!;
          nbits = 8;
        }
        const top = 31 - Math.clz32(bits);
        zeros += nbits - 1 - top;
        nbits = top;
        bits &= (1 << top) - 1;
        mapped = zeros * 2 ** fs + (fs > 0 ? read(fs) : 0);
      }
      // Undo the zig-zag mapping: even → +m/2, odd → −(m + 1)/2.
      const half = Math.floor(mapped / 2);
      const diff = mapped % 2 === 0 ? half : -half - 1;
      out[i] = last + diff;
      last = out[i]!;
    }
  }
  return out;
}
