/** Band reads agree with decoding the whole file, for camera (16-bit) and master (float) files. */
import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { decodeFits, encodeFits } from "../../lib/fits/mod.ts";
import { encodeFitsImage } from "../../lib/fits/write_image.ts";
import { FitsBandReader } from "./band_reader.ts";

const W = 37;
const H = 23;

async function bandsEqualWhole(path: string): Promise<void> {
  const whole = decodeFits(await Deno.readFile(path));
  const reader = await FitsBandReader.open(path);
  try {
    assertEquals([reader.widthPx, reader.heightPx], [W, H]);
    const band = new Float32Array(5 * W);
    for (let row = 0; row < H; row += 5) {
      const rows = Math.min(5, H - row);
      await reader.readRows(row, rows, band);
      for (let i = 0; i < rows * W; i++) {
        assertEquals(band[i], Math.fround(Number(whole.pixels[row * W + i])));
      }
    }
  } finally {
    reader.close();
  }
}

Deno.test("band reader: 16-bit unsigned and 32-bit float files, band by band", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl-band-" });
  try {
    const u16 = Uint16Array.from({ length: W * H }, (_, i) => (i * 2654435761) % 65536);
    await Deno.writeFile(
      join(dir, "a.fits"),
      encodeFits({ pixels: u16, widthPx: W, heightPx: H }, []),
    );
    await bandsEqualWhole(join(dir, "a.fits"));
    const f32 = Float32Array.from({ length: W * H }, (_, i) => Math.sin(i) * 1e3 - 0.125);
    const long = "x".repeat(150); // CONTINUE cards must not confuse the header reader
    await Deno.writeFile(
      join(dir, "b.fits"),
      encodeFitsImage({ pixels: f32, widthPx: W, heightPx: H }, {
        bitpix: -32,
        cards: [{ key: "HISTORY", value: "a note" }, { key: "NOTE", value: long }],
      }),
    );
    await bandsEqualWhole(join(dir, "b.fits"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("band reader: a truncated or non-FITS file is a clear error, and the file is closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl-band-" });
  try {
    const bytes = encodeFits({ pixels: new Uint16Array(W * H), widthPx: W, heightPx: H }, []);
    await Deno.writeFile(join(dir, "short.fits"), bytes.subarray(0, bytes.length - 2880));
    await Deno.writeFile(join(dir, "text.fits"), new TextEncoder().encode("hello\n".repeat(1000)));
    for (
      const [name, pattern] of [["short.fits", /truncated/], [
        "text.fits",
        /not ASCII|SIMPLE/,
      ]] as const
    ) {
      const err = await FitsBandReader.open(join(dir, name)).then(() => null, (e) => e);
      assert(err instanceof Error, name);
      assertMatch(err.message, pattern);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
