/**
 * FITS write throughput for a 24-megapixel 16-bit frame: our encoder plus the durable write
 * (temp file, fsync, rename) against a plain write of the same number of bytes with the same
 * fsync, so the ratio measures our overhead rather than the disk.
 */
import { join } from "node:path";
import { writeFitsFileDurably } from "../../lib/durable_write.ts";
import { encodeFits, encodeFitsChunks } from "../../lib/fits/write.ts";
import { report } from "./_util.ts";

const WIDTH_PX = 6000;
const HEIGHT_PX = 4000;
const ROUNDS = 5;

export async function fitsBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-fits-bench-" });
  const pixels = new Uint16Array(WIDTH_PX * HEIGHT_PX);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 2654435761) >>> 20;
  const cards = [{ key: "EXPTIME", value: 60 }, { key: "OBJECT", value: "bench" }];
  const ours: number[] = [];
  const plain: number[] = [];
  const whole: number[] = [];
  let bytes = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const image = { pixels, widthPx: WIDTH_PX, heightPx: HEIGHT_PX };
      let t = performance.now();
      // The path every frame takes: chunks encoded while earlier ones are being written.
      await writeFitsFileDurably(join(dir, `ours-${round}.fits`), encodeFitsChunks(image, cards));
      ours.push(performance.now() - t);
      bytes = (await Deno.stat(join(dir, `ours-${round}.fits`))).size;

      t = performance.now();
      await writeFitsFileDurably(join(dir, `whole-${round}.fits`), encodeFits(image, cards));
      whole.push(performance.now() - t);
      await Deno.remove(join(dir, `whole-${round}.fits`));

      t = performance.now();
      const raw = new Uint8Array(pixels.buffer);
      const file = await Deno.open(join(dir, `plain-${round}.bin`), { write: true, create: true });
      await file.write(raw);
      await file.syncData();
      file.close();
      plain.push(performance.now() - t);
      await Deno.remove(join(dir, `ours-${round}.fits`));
      await Deno.remove(join(dir, `plain-${round}.bin`));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const oursMs = median(ours);
  const plainMs = median(plain);
  report("FITS write 24 MP 16-bit", {
    mb: bytes / 1e6,
    ours_ms: oursMs,
    ours_mb_s: bytes / 1e6 / (oursMs / 1000),
    encode_then_write_ms: median(whole),
    plain_write_ms: plainMs,
    plain_mb_s: pixels.byteLength / 1e6 / (plainMs / 1000),
    ratio_vs_plain: (bytes / oursMs) / (pixels.byteLength / plainMs),
    target_ratio: 0.8,
  });
}

if (import.meta.main) await fitsBench();
