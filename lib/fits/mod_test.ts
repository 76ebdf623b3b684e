import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFitsFileDurably } from "../durable_write.ts";
import { BLOCK_BYTES, decodeFits, encodeFits, type FitsCard, formatCard } from "./mod.ts";

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function image(widthPx: number, heightPx: number) {
  const pixels = new Uint16Array(widthPx * heightPx);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 65536;
  pixels[0] = 0;
  pixels[1] = 65535;
  pixels[2] = 32768;
  pixels[3] = 32767;
  return { pixels, widthPx, heightPx };
}

/** Builds a raw FITS file from header records and a data buffer, both padded to blocks. */
function rawFits(records: string[], data: Uint8Array = new Uint8Array()): Uint8Array {
  const text = [...records, "END"].map((r) => r.padEnd(80)).join("");
  const headerBytes = Math.ceil(text.length / BLOCK_BYTES) * BLOCK_BYTES;
  const out = new Uint8Array(headerBytes + Math.ceil(data.length / BLOCK_BYTES) * BLOCK_BYTES);
  out.fill(0x20, 0, headerBytes);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  out.set(data, headerBytes);
  return out;
}

function card(key: string, value: string): string {
  return `${key.padEnd(8)}= ${value.padStart(20)}`;
}

Deno.test("FITS round trip keeps every pixel, including 0, 32767, 32768 and 65535", () => {
  const img = image(37, 23);
  const bytes = encodeFits(img, [{ key: "OBJECT", value: "M 42" }]);
  const decoded = decodeFits(bytes);
  assert.equal(decoded.bitpix, 16);
  assert.deepEqual([decoded.widthPx, decoded.heightPx, decoded.planes], [37, 23, 1]);
  assert.ok(decoded.pixels instanceof Uint16Array);
  assert.deepEqual(decoded.pixels, img.pixels);
  assert.equal(decoded.header.get("OBJECT"), "M 42");
  assert.equal(decoded.header.get("BZERO"), 32768);
  // A view at an odd 16-bit offset takes the byte-wise path and must agree with the word path.
  const shifted = new Uint16Array(img.pixels.length + 1);
  shifted.set(img.pixels, 1);
  const view = { ...img, pixels: shifted.subarray(1) };
  assert.deepEqual(encodeFits(view, [{ key: "OBJECT", value: "M 42" }]), bytes);
});

Deno.test("FITS file is whole 2880-byte blocks, header first in mandatory order", () => {
  const bytes = encodeFits(image(100, 50), [{ key: "EXPTIME", value: 2, real: true }]);
  assert.equal(bytes.length % BLOCK_BYTES, 0);
  // One header block (9 cards) and 10000 bytes of data → 4 data blocks.
  assert.equal(bytes.length, BLOCK_BYTES * 5);
  const keys = Array.from({ length: 8 }, (_, i) => ascii(bytes, i * 80, i * 80 + 8).trim());
  assert.deepEqual(keys, [
    "SIMPLE",
    "BITPIX",
    "NAXIS",
    "NAXIS1",
    "NAXIS2",
    "BZERO",
    "BSCALE",
    "EXPTIME",
  ]);
  assert.equal(ascii(bytes, 8 * 80, 8 * 80 + 3), "END");
  // Big-endian int16 of pixel − 32768: pixel 0 → 0x8000, pixel 65535 → 0x7fff.
  assert.deepEqual([...bytes.subarray(BLOCK_BYTES, BLOCK_BYTES + 4)], [0x80, 0x00, 0x7f, 0xff]);
  // Data padding is zeros, header padding blanks.
  assert.equal(bytes[bytes.length - 1], 0);
  assert.equal(bytes[BLOCK_BYTES - 1], 0x20);
});

Deno.test("FITS cards: fixed-format logicals, integers, reals and strings", () => {
  const one = (c: FitsCard) => {
    const records = formatCard(c);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.length, 80);
    return records[0]!;
  };
  assert.equal(one({ key: "SIMPLE", value: true }).slice(0, 30), `SIMPLE  = ${" ".repeat(19)}T`);
  assert.equal(one({ key: "FLAG", value: false })[29], "F");
  assert.equal(one({ key: "NAXIS1", value: 6000 }).slice(10, 30), "6000".padStart(20));
  assert.equal(one({ key: "EXPTIME", value: 300, real: true }).slice(10, 30), "300.0".padStart(20));
  assert.equal(one({ key: "CCD-TEMP", value: -9.95 }).slice(10, 30), "-9.95".padStart(20));
  assert.equal(one({ key: "TINY", value: 1e-12 }).slice(10, 30), "1.0E-12".padStart(20));
  assert.equal(
    one({ key: "HUGE", value: -1.2345678901234567e300 }).slice(10, 30),
    "-1.234567890123E+300",
  );
  assert.equal(
    one({ key: "AVOGADRO", value: 6.02214076e23 }).slice(10, 30),
    "6.02214076E+23".padStart(20),
  );
  // Strings: quote in column 11, at least 8 characters inside, embedded quotes doubled.
  assert.equal(one({ key: "FILTER", value: "Ha" }).slice(0, 20), "FILTER  = 'Ha      '");
  assert.equal(
    one({ key: "OBJECT", value: "Barnard's Loop" }).slice(10, 29),
    "'Barnard''s Loop'  ",
  );
  assert.equal(
    one({ key: "IMAGETYP", value: "Light Frame", comment: "type" }),
    "IMAGETYP= 'Light Frame'        / type".padEnd(80),
  );
  assert.equal(
    one({ key: "BLANKV", value: null, comment: "unknown" }).slice(0, 40),
    "BLANKV  = ".padEnd(30) + " / unknown",
  );
  // A long comment is cut at column 80, never the value.
  assert.equal(one({ key: "GAIN", value: 100, comment: "x".repeat(100) }).length, 80);
});

Deno.test("FITS header round trip keeps every value type and quotes", () => {
  const cards: FitsCard[] = [
    { key: "OBJECT", value: "Barnard's 'Loop'", comment: "with quotes" },
    { key: "EMPTY", value: "" },
    { key: "LEADING", value: "  two spaces" },
    { key: "FLAG", value: false },
    { key: "COUNT", value: -42 },
    { key: "RATIO", value: 0.1 },
    { key: "BIG", value: 6.02214076e23 },
    { key: "UNDEF", value: null },
    { key: "LONGNAME", value: "A".repeat(60) + "'" + "B".repeat(80), comment: "long" },
  ];
  const long = formatCard(cards.at(-1)!);
  assert.equal(long.length, 3, "a 141-character string spans three cards");
  assert.match(long[0]!, /^LONGNAME= 'A+''B+&'$/);
  assert.match(long[1]!, /^CONTINUE {2}'B+&'$/);
  const decoded = decodeFits(encodeFits(image(4, 4), cards));
  for (const c of cards) assert.deepEqual(decoded.header.get(c.key), c.value, c.key);
  assert.equal(decoded.cards.find((c) => c.key === "OBJECT")?.comment, "with quotes");
  assert.equal(decoded.cards.find((c) => c.key === "LONGNAME")?.comment, "long");
});

Deno.test("FITS keys and values are validated with clear errors", () => {
  const img = image(2, 2);
  assert.throws(() => encodeFits(img, [{ key: "exptime", value: 1 }]), /EXPTIME|invalid/i);
  assert.throws(() => encodeFits(img, [{ key: "TOOLONGKEY", value: 1 }]), /at most 8/);
  assert.throws(() => encodeFits(img, [{ key: "END", value: 1 }]), /reserved/);
  assert.throws(() => encodeFits(img, [{ key: "OBJECT", value: "café" }]), /printable ASCII/);
  assert.throws(() => encodeFits(img, [{ key: "X", value: Number.NaN }]), /cannot store/);
  assert.throws(() => encodeFits(img, [{ key: "NAXIS1", value: 3 }]), /disagrees/);
  assert.throws(() => encodeFits({ ...img, widthPx: 3 }, []), /expected 3×2/);
  // Matching structural cards are accepted and not duplicated.
  const bytes = encodeFits(img, [{ key: "BITPIX", value: 16 }, { key: "NAXIS1", value: 2 }]);
  assert.equal(decodeFits(bytes).cards.filter((c) => c.key === "BITPIX").length, 1);
});

Deno.test("FITS reader decodes BITPIX 8, 16, 32, -32 and -64 with BZERO/BSCALE", () => {
  const base = (bitpix: number, extra: string[] = []) => [
    card("SIMPLE", "T"),
    card("BITPIX", String(bitpix)),
    card("NAXIS", "2"),
    card("NAXIS1", "2"),
    card("NAXIS2", "1"),
    ...extra,
  ];
  const data = (bytesPerSample: number, write: (v: DataView) => void) => {
    const buffer = new Uint8Array(2 * bytesPerSample);
    write(new DataView(buffer.buffer));
    return buffer;
  };
  const u8 = decodeFits(rawFits(base(8), new Uint8Array([3, 250])));
  assert.deepEqual([...u8.pixels], [3, 250]);
  const i16 = decodeFits(rawFits(base(16), data(2, (v) => v.setInt16(2, -5))));
  assert.ok(i16.pixels instanceof Int16Array);
  assert.deepEqual([...i16.pixels], [0, -5]);
  const scaled = decodeFits(
    rawFits(
      base(16, [card("BZERO", "100.0"), card("BSCALE", "0.5")]),
      data(2, (v) => v.setInt16(0, 10)),
    ),
  );
  assert.deepEqual([...scaled.pixels], [105, 100]);
  const u32 = decodeFits(
    rawFits(base(32, [card("BZERO", "2147483648")]), data(4, (v) => v.setInt32(4, 2147483647))),
  );
  assert.ok(u32.pixels instanceof Uint32Array);
  assert.deepEqual([...u32.pixels], [2147483648, 4294967295]);
  const f32 = decodeFits(rawFits(base(-32), data(4, (v) => v.setFloat32(0, 1.5))));
  assert.ok(f32.pixels instanceof Float32Array);
  assert.deepEqual([...f32.pixels], [1.5, 0]);
  const f64 = decodeFits(rawFits(base(-64), data(8, (v) => v.setFloat64(8, -2.25e-3))));
  assert.deepEqual([...f64.pixels], [0, -2.25e-3]);
  assert.equal(f64.bitpix, -64);
});

Deno.test("FITS reader rejects malformed files with clear messages", () => {
  const good = [card("SIMPLE", "T"), card("BITPIX", "16"), card("NAXIS", "2")];
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(), /too short/],
    ["random bytes", new Uint8Array(2880).map((_, i) => (i * 31) % 256), /non-ASCII/],
    ["no END", new Uint8Array(2880).fill(0x20), /no END/],
    ["not SIMPLE", rawFits([card("XTENSION", "'IMAGE'"), ...good.slice(1)]), /SIMPLE/],
    ["bad BITPIX", rawFits([good[0]!, card("BITPIX", "12"), good[2]!]), /BITPIX 12/],
    ["missing NAXIS1", rawFits(good), /NAXIS1 is missing/],
    ["zero axis", rawFits([...good, card("NAXIS1", "0"), card("NAXIS2", "2")]), /positive/],
    ["4 axes", rawFits([...good.slice(0, 2), card("NAXIS", "4")]), /NAXIS 4/],
    ["unclosed string", rawFits([good[0]!, "OBJECT  = 'M 42"]), /closing quote/],
    ["bad keyword", rawFits([good[0]!, "obj     = 1"]), /invalid keyword/],
    [
      "truncated data",
      rawFits([...good, card("NAXIS1", "100"), card("NAXIS2", "100")]),
      /truncated: need 22880 bytes/,
    ],
    [
      "huge axes",
      rawFits([...good, card("NAXIS1", "1000000"), card("NAXIS2", "1000000")]),
      /too large/,
    ],
  ];
  for (const [name, bytes, pattern] of cases) {
    assert.throws(() => decodeFits(bytes), pattern, name);
  }
});

Deno.test("FITS encodes a 24-megapixel frame in whole blocks (its speed: tests/bench/fits_bench.ts)", () => {
  const pixels = new Uint16Array(6000 * 4000);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i & 0xffff;
  const bytes = encodeFits({ pixels, widthPx: 6000, heightPx: 4000 }, []);
  assert.equal(bytes.length % BLOCK_BYTES, 0);
  const back = decodeFits(bytes);
  assert.equal(back.pixels[123_456], 123_456 & 0xffff);
});

Deno.test("writeFitsFileDurably writes atomically and leaves no temporary behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-fits-" });
  try {
    const path = join(dir, "frame.fits");
    const first = encodeFits(image(8, 8), []);
    await writeFitsFileDurably(path, first);
    assert.deepEqual(await Deno.readFile(path), first);
    const second = encodeFits(image(16, 8), []);
    await writeFitsFileDurably(path, second);
    assert.deepEqual(await Deno.readFile(path), second);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["frame.fits"]);
    // A failing rename (target is a directory) rejects and cleans the temporary up.
    await Deno.mkdir(join(dir, "taken.fits"));
    await assert.rejects(() => writeFitsFileDurably(join(dir, "taken.fits"), first));
    const after = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(after, ["frame.fits", "taken.fits"]);
    await assert.rejects(() => writeFitsFileDurably(join(dir, "missing", "x.fits"), first));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("encodeFitsChunks yields exactly the bytes of encodeFits, through a durable write", async () => {
  const { encodeFitsChunks } = await import("./write.ts");
  const { writeFitsFileDurably } = await import("../durable_write.ts");
  const widthPx = 37;
  const heightPx = 23; // odd pixel count: the last chunk has an odd length and padding follows
  const pixels = new Uint16Array(widthPx * heightPx);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 65536;
  const image = { pixels, widthPx, heightPx };
  const cards = [{ key: "OBJECT", value: "chunks" }];
  const whole = encodeFits(image, cards);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/chunked.fits`;
    await writeFitsFileDurably(path, encodeFitsChunks(image, cards, 100));
    const written = await Deno.readFile(path);
    if (written.length !== whole.length || written.some((b, i) => b !== whole[i])) {
      throw new Error("chunked FITS differs from the whole-buffer encoding");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
