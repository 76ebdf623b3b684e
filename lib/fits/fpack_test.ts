/**
 * Tile-compressed FITS against the reference implementation: we write plain FITS, compress it
 * with cfitsio's own `fpack` (Debian package libcfitsio-bin, installed by .ci/run), and require
 * our decoder to give exactly the original pixels (integers, lossless) or exactly what cfitsio's
 * `funpack` gives (quantised floats, where dithering makes the values depend on the algorithm).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeFits, encodeFitsImage, type FitsImageData } from "./mod.ts";
import type { FitsEncodeOptions } from "./write_image.ts";

function hasTool(name: string): boolean {
  try {
    new Deno.Command(name, { args: ["-V"], stdout: "null", stderr: "null" }).outputSync();
    return true;
  } catch {
    return false;
  }
}

const FPACK = hasTool("fpack") && hasTool("funpack");
if (!FPACK) {
  console.warn(
    "fits_fpack_test: fpack/funpack not found (apt-get install libcfitsio-bin); skipped",
  );
}

async function run(cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** fpack `fitsBytes` with `flags`; returns the .fz bytes and funpack's plain FITS of them. */
async function roundTrip(fitsBytes: Uint8Array, flags: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-fpack-" });
  try {
    const plain = join(dir, "in.fits");
    const packed = join(dir, "in.fits.fz");
    const unpacked = join(dir, "out.fits");
    await Deno.writeFile(plain, fitsBytes);
    await run("fpack", [...flags, "-O", packed, plain]);
    await run("funpack", ["-O", unpacked, packed]);
    return { fz: await Deno.readFile(packed), funpacked: await Deno.readFile(unpacked) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A deterministic mix of what frames hold: smooth sky, noise, flat runs and full-range spikes. */
function samples(n: number, seed: number, min: number, max: number): number[] {
  let state = seed >>> 0;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, (_, i) => {
    const region = Math.floor(i / 700) % 4;
    if (region === 0) return Math.round(min + (max - min) * random()); // high entropy
    if (region === 1) return Math.round(min + (max - min) / 3); // flat: zero-difference blocks
    const sky = min + (max - min) * (0.2 + 0.1 * Math.sin(i / 50)) + 40 * random();
    return Math.min(max, Math.max(min, Math.round(sky)));
  });
}

const LONG_OBJECT = "A very long object name that needs CONTINUE cards: " + "NGC 7000 ".repeat(12);
const CARDS = [
  { key: "OBJECT", value: LONG_OBJECT, comment: "long string" },
  { key: "EXPTIME", value: 30, real: true, comment: "seconds" },
];

interface Case {
  name: string;
  image: FitsImageData;
  opts: FitsEncodeOptions;
  flags: string[];
  /** Compare with funpack's output instead of the input (lossy float quantisation). */
  lossy?: boolean;
}

const W = 150;
const H = 97;
const N = W * H;
const cases: Case[] = [
  {
    name: "unsigned 16-bit, row tiles",
    image: { pixels: Uint16Array.from(samples(N, 1, 0, 65535)), widthPx: W, heightPx: H },
    opts: {},
    flags: [],
  },
  {
    name: "signed 16-bit, 2-D tiles with partial edges",
    image: { pixels: Int16Array.from(samples(N, 2, -32768, 32767)), widthPx: W, heightPx: H },
    opts: {},
    flags: ["-t", "64,40"],
  },
  {
    name: "8-bit",
    image: { pixels: Uint8Array.from(samples(N, 3, 0, 255)), widthPx: W, heightPx: H },
    opts: {},
    flags: [],
  },
  {
    name: "signed 32-bit",
    image: {
      pixels: Int32Array.from(samples(N, 4, -2147483648, 2147483647)),
      widthPx: W,
      heightPx: H,
    },
    opts: {},
    flags: [],
  },
  {
    name: "unsigned 32-bit (BZERO 2^31)",
    image: { pixels: Uint32Array.from(samples(N, 5, 0, 4294967295)), widthPx: W, heightPx: H },
    opts: {},
    flags: [],
  },
  {
    name: "RGB cube, 16-bit",
    image: {
      pixels: Uint16Array.from(samples(N * 3, 6, 0, 65535)),
      widthPx: W,
      heightPx: H,
      planes: 3,
    },
    opts: {},
    flags: [],
  },
  {
    name: "16-bit as one whole-image tile",
    image: { pixels: Uint16Array.from(samples(N, 7, 0, 4095)), widthPx: W, heightPx: H },
    opts: {},
    flags: ["-w"],
  },
  {
    name: "16-bit GZIP_1",
    image: { pixels: Uint16Array.from(samples(N, 8, 0, 65535)), widthPx: W, heightPx: H },
    opts: {},
    flags: ["-g"],
  },
  {
    name: "16-bit GZIP_2",
    image: { pixels: Uint16Array.from(samples(N, 9, 0, 65535)), widthPx: W, heightPx: H },
    opts: {},
    flags: ["-g2"],
  },
];

function floatImage(seed: number, withBlanks: boolean, withZeros: boolean): FitsImageData {
  const pixels = Float32Array.from(samples(N, seed, 0, 60000), (v) => v / 7.3);
  for (let i = 0; i < N; i += 97) {
    if (withBlanks) pixels[i] = NaN;
    if (withZeros) pixels[i + 1] = 0;
  }
  return { pixels, widthPx: W, heightPx: H };
}
cases.push(
  {
    name: "float32 quantised, SUBTRACTIVE_DITHER_1, NaN blanks",
    image: floatImage(10, true, false),
    opts: {},
    flags: ["-q", "4"],
    lossy: true,
  },
  {
    name: "float32 quantised, SUBTRACTIVE_DITHER_2 (exact zeros)",
    image: floatImage(11, false, true),
    opts: {},
    flags: ["-qz", "4"],
    lossy: true,
  },
  {
    name: "float32 quantised without dither",
    image: floatImage(12, false, false),
    opts: {},
    flags: ["-q0", "4"],
    lossy: true,
  },
  {
    name: "float32 lossless GZIP",
    image: floatImage(13, true, false),
    opts: {},
    flags: ["-g", "-q", "0"],
  },
  {
    name: "float64 quantised",
    image: {
      ...floatImage(14, false, false),
      pixels: Float64Array.from(floatImage(14, false, false).pixels as Float32Array),
    },
    opts: {},
    flags: ["-q", "8"],
    lossy: true,
  },
);

function sameValues(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(a === e || (Number.isNaN(a) && Number.isNaN(e)))) {
      assert.fail(`${what}: pixel ${i} is ${a}, expected ${e}`);
    }
  }
}

for (const c of cases) {
  Deno.test({
    name: `fpack → our decoder: ${c.name}`,
    ignore: !FPACK,
    async fn() {
      const plain = encodeFitsImage(c.image, { ...c.opts, cards: CARDS });
      const { fz, funpacked } = await roundTrip(plain, c.flags);
      const ours = decodeFits(fz);
      assert.equal(ours.hduIndex, 1, "the image is in the extension after an empty primary");
      assert.ok(ours.compression !== null, "read as a tile-compressed image");
      const reference = decodeFits(funpacked);
      assert.deepEqual([ours.widthPx, ours.heightPx, ours.planes], [W, H, c.image.planes ?? 1]);
      assert.equal(ours.bitpix, reference.bitpix);
      assert.equal(ours.pixels.constructor, reference.pixels.constructor);
      sameValues(ours.pixels, c.lossy ? reference.pixels : c.image.pixels, c.name);
      assert.equal(ours.header.get("OBJECT"), LONG_OBJECT.trimEnd());
      assert.equal(ours.header.get("EXPTIME"), 30);
      assert.ok(!ours.header.has("ZIMAGE") && !ours.header.has("TFORM1"), "container keys hidden");
    },
  });
}

Deno.test({
  name: "fpack output cut short or corrupted gives a clear error, never a crash",
  ignore: !FPACK,
  async fn() {
    const image = { pixels: Uint16Array.from(samples(N, 20, 0, 65535)), widthPx: W, heightPx: H };
    const { fz } = await roundTrip(encodeFitsImage(image), []);
    const heapStart = 2880 * 2;
    for (const cut of [fz.length - 2880, heapStart + 100, 2880 + 500]) {
      assert.throws(() => decodeFits(fz.subarray(0, cut)), /truncated|ends early|no END|outside/);
    }
    let state = 99;
    for (let round = 0; round < 200; round++) {
      const bad = fz.slice();
      for (let k = 0; k < 20; k++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        const at = heapStart + (state % (fz.length - heapStart));
        bad[at] = state >>> 24;
      }
      try {
        decodeFits(bad); // flipped data bits may still decode: only a crash or hang would fail
      } catch (err) {
        assert.ok(err instanceof Error && !(err instanceof TypeError), String(err));
        assert.match((err as Error).message, /FITS|Rice/);
      }
    }
  },
});
