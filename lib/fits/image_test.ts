import assert from "node:assert/strict";
import { decodeFits, encodeFitsImage, type FitsCard, fitsHdus } from "./mod.ts";
import { BLOCK_BYTES } from "./header.ts";
import { parkMillerSeed } from "./dither.ts";
import { riceDecode } from "./rice.ts";

const W = 7;
const H = 5;

Deno.test("encodeFitsImage round-trips every BITPIX with its natural BZERO", () => {
  const n = W * H;
  const cases = [
    { pixels: Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256), bitpix: 8 },
    { pixels: Int16Array.from({ length: n }, (_, i) => (i * 4099) % 65536 - 32768), bitpix: 16 },
    { pixels: Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536), bitpix: 16 },
    { pixels: Int32Array.from({ length: n }, (_, i) => (i * 122949823) | 0), bitpix: 32 },
    { pixels: Uint32Array.from({ length: n }, (_, i) => (i * 122949823) >>> 0), bitpix: 32 },
    { pixels: Float32Array.from({ length: n }, (_, i) => i / 3 - 2), bitpix: -32 },
    { pixels: Float64Array.from({ length: n }, (_, i) => Math.PI * i - 1e-9), bitpix: -64 },
  ];
  for (const c of cases) {
    const bytes = encodeFitsImage({ pixels: c.pixels, widthPx: W, heightPx: H });
    assert.equal(bytes.length % BLOCK_BYTES, 0);
    const decoded = decodeFits(bytes);
    assert.equal(decoded.bitpix, c.bitpix, c.pixels.constructor.name);
    assert.equal(decoded.pixels.constructor, c.pixels.constructor, c.pixels.constructor.name);
    assert.deepEqual([...decoded.pixels], [...c.pixels], c.pixels.constructor.name);
  }
});

Deno.test("decodeFits float32: the same physical values as the exact decode, as a Float32Array", () => {
  const n = W * H;
  const cases = [
    { pixels: Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256) },
    { pixels: Int16Array.from({ length: n }, (_, i) => (i * 4099) % 65536 - 32768) },
    { pixels: Uint16Array.from({ length: n }, (_, i) => (i * 4099) % 65536) },
    { pixels: Int32Array.from({ length: n }, (_, i) => (i * 4099) - 70000) },
    { pixels: Float32Array.from({ length: n }, (_, i) => i / 3 - 2) },
    { pixels: Float64Array.from([100, 100.5, 101, 132.5]), bitpix: 16 as const, bscale: 0.5 },
  ];
  for (const c of cases) {
    const bytes = encodeFitsImage(
      {
        pixels: c.pixels,
        widthPx: c.pixels.length === n ? W : 2,
        heightPx: c.pixels.length === n ? H : 2,
      },
      c.bscale ? { bitpix: c.bitpix, bzero: 100, bscale: c.bscale } : {},
    );
    const exact = decodeFits(bytes);
    const fast = decodeFits(bytes, { float32: true });
    assert.ok(fast.pixels instanceof Float32Array, c.pixels.constructor.name);
    assert.deepEqual(
      [...fast.pixels],
      [...Float32Array.from(exact.pixels)],
      c.pixels.constructor.name,
    );
    assert.equal(fast.bitpix, exact.bitpix);
  }
});

Deno.test("encodeFitsImage scales with BZERO/BSCALE and refuses values that do not fit", () => {
  const pixels = Float64Array.from([100, 100.5, 101, 132.5]);
  const bytes = encodeFitsImage({ pixels, widthPx: 2, heightPx: 2 }, {
    bitpix: 16,
    bzero: 100,
    bscale: 0.5,
  });
  const decoded = decodeFits(bytes);
  assert.equal(decoded.header.get("BSCALE"), 0.5);
  assert.deepEqual([...decoded.pixels], [100, 100.5, 101, 132.5]);
  assert.throws(
    () =>
      encodeFitsImage({ pixels: Float32Array.from([256]), widthPx: 1, heightPx: 1 }, { bitpix: 8 }),
    /pixel 0 = 256 does not fit BITPIX 8/,
  );
  assert.throws(
    () =>
      encodeFitsImage({ pixels: new Uint16Array(4), widthPx: 2, heightPx: 2 }, {
        cards: [{ key: "NAXIS", value: 2 }],
      }),
    /NAXIS is written from the data/,
  );
  assert.throws(
    () => encodeFitsImage({ pixels: new Uint16Array(5), widthPx: 2, heightPx: 2 }),
    /5 samples/,
  );
});

Deno.test("a three-plane colour cube round-trips with NAXIS3 = 3", () => {
  const plane = W * H;
  const pixels = Uint16Array.from(
    { length: 3 * plane },
    (_, i) => (Math.floor(i / plane) + 1) * 1000 + (i % plane),
  );
  const decoded = decodeFits(encodeFitsImage({ pixels, widthPx: W, heightPx: H, planes: 3 }));
  assert.equal(decoded.header.get("NAXIS"), 3);
  assert.equal(decoded.planes, 3);
  assert.deepEqual(decoded.pixels, pixels);
  assert.equal(decoded.pixels[plane], 2000, "the G plane follows the whole R plane");
});

Deno.test("header cards round-trip: long strings on CONTINUE, comments, quotes, commentary", () => {
  const long = "Sh2-155 Cave Nebula, mosaic panel 3 of 4 — no, ASCII only: " + "x'y ".repeat(30);
  const cards: FitsCard[] = [
    { key: "OBJECT", value: long.replace("—", "-"), comment: "target as the user typed it" },
    { key: "OBSERVER", value: "O'Brien", comment: "quote doubled inside" },
    { key: "EXPTIME", value: 120, real: true, comment: "[s] exposure" },
    { key: "CCD-TEMP", value: -10.5 },
    { key: "ROWORDER", value: "TOP-DOWN" },
    { key: "COMMENT", value: "  free text keeps its leading blanks" },
    { key: "HISTORY", value: "calibrated: dark 2025-01-01" },
    { key: "FLIPPED", value: false, comment: "meridian" },
  ];
  const decoded = decodeFits(
    encodeFitsImage({ pixels: new Uint16Array(4), widthPx: 2, heightPx: 2 }, { cards }),
  );
  const byKey = (key: string) => decoded.cards.find((c) => c.key === key)!;
  // Trailing blanks of a FITS string are not significant (§4.2.1.1).
  assert.equal(byKey("OBJECT").value, (cards[0]!.value as string).trimEnd());
  assert.equal(byKey("OBJECT").comment, "target as the user typed it");
  assert.equal(byKey("OBSERVER").value, "O'Brien");
  assert.equal(byKey("OBSERVER").comment, "quote doubled inside");
  assert.equal(byKey("EXPTIME").value, 120);
  assert.equal(byKey("EXPTIME").comment, "[s] exposure");
  assert.equal(byKey("CCD-TEMP").value, -10.5);
  assert.equal(byKey("COMMENT").value, "  free text keeps its leading blanks");
  assert.equal(byKey("HISTORY").value, "calibrated: dark 2025-01-01");
  assert.equal(byKey("FLIPPED").value, false);
});

/** Hand-built HDUs: a header of records and a data unit, each padded to whole blocks. */
function hdu(records: string[], data = new Uint8Array()): Uint8Array {
  const text = [...records, "END"].map((r) => r.padEnd(80)).join("");
  const headerBytes = Math.ceil(text.length / BLOCK_BYTES) * BLOCK_BYTES;
  const out = new Uint8Array(headerBytes + Math.ceil(data.length / BLOCK_BYTES) * BLOCK_BYTES);
  out.fill(0x20, 0, headerBytes);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  out.set(data, headerBytes);
  return out;
}
const kv = (key: string, value: string) => `${key.padEnd(8)}= ${value.padStart(20)}`;
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

Deno.test("the reader skips an empty primary and a table to the first IMAGE extension", () => {
  const primary = hdu([kv("SIMPLE", "T"), kv("BITPIX", "8"), kv("NAXIS", "0"), kv("EXTEND", "T")]);
  const table = hdu(
    [
      kv("XTENSION", "'BINTABLE'"),
      kv("BITPIX", "8"),
      kv("NAXIS", "2"),
      kv("NAXIS1", "4"),
      kv("NAXIS2", "1000"),
      kv("PCOUNT", "100"),
      kv("GCOUNT", "1"),
      kv("TFIELDS", "1"),
      kv("TFORM1", "'1J'"),
    ],
    new Uint8Array(4100),
  );
  const data = new Uint8Array(12);
  new DataView(data.buffer).setInt16(0, -7);
  new DataView(data.buffer).setInt16(10, 1234);
  const image = hdu(
    [
      kv("XTENSION", "'IMAGE'"),
      kv("BITPIX", "16"),
      kv("NAXIS", "2"),
      kv("NAXIS1", "3"),
      kv("NAXIS2", "2"),
      kv("PCOUNT", "0"),
      kv("GCOUNT", "1"),
      kv("EXTNAME", "'SCI'"),
    ],
    data,
  );
  const file = concat(primary, table, image);
  assert.deepEqual([...fitsHdus(file)].map((h) => h.kind), ["PRIMARY", "BINTABLE", "IMAGE"]);
  const decoded = decodeFits(file);
  assert.equal(decoded.hduIndex, 2);
  assert.equal(decoded.header.get("EXTNAME"), "SCI");
  assert.deepEqual([...decoded.pixels], [-7, 0, 0, 0, 0, 1234]);
  assert.throws(
    () => decodeFits(concat(primary, table)),
    /holds no image \(HDUs: PRIMARY, BINTABLE\)/,
  );
  assert.throws(
    () =>
      decodeFits(
        concat(
          primary,
          hdu([
            kv("XTENSION", "'IMAGE'"),
            kv("BITPIX", "16"),
            kv("NAXIS", "2"),
            kv("NAXIS1", "300"),
            kv("NAXIS2", "300"),
          ]),
        ),
      ),
    /truncated/,
  );
  assert.throws(() => decodeFits(concat(primary, hdu([kv("BITPIX", "16")]))), /HDU 2 .*XTENSION/);
});

Deno.test("Rice decoding: hand-coded blocks of each kind, and clear errors on bad streams", () => {
  // BYTEPIX 1 (3-bit codes), BLOCKSIZE 4. First value 10; block 1: code 0 (all zero
  // differences); block 2: fs = 1, differences +1, −1, +2, 0 → mapped 2, 1, 4, 0 → unary high
  // part and one low bit each: "01 0", "1 1", "001 0", "1 0".
  const bits = "000" + "010" + "010" + "11" + "0010" + "10";
  const padded = bits.padEnd(Math.ceil(bits.length / 8) * 8, "0");
  const body = Array.from(
    { length: padded.length / 8 },
    (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2),
  );
  const stream = Uint8Array.from([10, ...body]);
  assert.deepEqual([...riceDecode(stream, 8, 1, 4)], [10, 10, 10, 10, 11, 10, 12, 12]);
  // Raw block (code 111 = fsMax + 1 for 1-byte pixels): mapped differences in 8 bits each,
  // 0 then 112 (= +56); 200 + 56 wraps to 0 at the 8-bit pixel width.
  const rawBits = "111" + "00000000" + "01110000" + "00000";
  const raw = Uint8Array.from([
    200,
    ...[0, 8, 16].map((i) => parseInt(rawBits.slice(i, i + 8), 2)),
  ]);
  assert.deepEqual([...riceDecode(raw, 2, 1, 32)], [200, 0]);
  assert.throws(() => riceDecode(Uint8Array.from([10, 0b01000000]), 8, 1, 4), /ends early/);
  assert.throws(() => riceDecode(new Uint8Array(1), 4, 2, 32), /shorter than its first pixel/);
  assert.throws(() => riceDecode(new Uint8Array(8), 4, 3, 32), /BYTEPIX must be 1, 2 or 4/);
});

Deno.test("the dither table uses the standard's Park–Miller generator (check value 1043618065)", () => {
  assert.equal(parkMillerSeed(10_000), 1043618065);
});

Deno.test("malformed files: truncation at any point and random bytes give an Error, never a crash", () => {
  const good = encodeFitsImage(
    { pixels: Uint16Array.from({ length: 64 * 64 }, (_, i) => i), widthPx: 64, heightPx: 64 },
    { cards: [{ key: "OBJECT", value: "x".repeat(150) }] },
  );
  // Cuts inside the header or the data (a file missing only its final padding is still whole).
  const dataEnd = BLOCK_BYTES + 64 * 64 * 2;
  for (let cut = 0; cut < dataEnd; cut += 317) {
    assert.throws(
      () => decodeFits(good.subarray(0, cut)),
      (err: unknown) =>
        err instanceof Error && !(err instanceof TypeError) && /FITS/.test(err.message),
    );
  }
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let round = 0; round < 300; round++) {
    const bad = good.slice();
    // Corrupt header bytes with printable characters, so parsing goes deeper than "non-ASCII".
    for (let k = 0; k < 3; k++) bad[next() % 800] = 32 + (next() % 95);
    try {
      decodeFits(bad);
    } catch (err) {
      assert.ok(err instanceof Error && !(err instanceof TypeError), `round ${round}: ${err}`);
      assert.match(err.message, /FITS/);
    }
    const random = Uint8Array.from({ length: 2880 * 2 }, () => next() & 0xff);
    assert.throws(() => decodeFits(random), /FITS/);
  }
});
