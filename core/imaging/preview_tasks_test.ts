import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { encodeFits, encodeFitsImage } from "../../lib/fits/mod.ts";
import { histogram } from "./histogram.ts";
import { fitsPreviewTask, frameHistogramTask, previewJpegTask } from "./preview_tasks.ts";

function rawFrame(widthPx: number, heightPx: number): Uint16Array {
  return Uint16Array.from({ length: widthPx * heightPx }, (_, i) => 1000 + ((i * 7919) % 300));
}

Deno.test("a FITS file read back gives the same histogram as the frame in memory", () => {
  const pixels = rawFrame(64, 48);
  const fits = encodeFits({ pixels, widthPx: 64, heightPx: 48 }, [
    { key: "BAYERPAT", value: "GBRG" },
  ]);
  const fromFile = frameHistogramTask({ fits, bins: 32 });
  const inMemory = histogram({ pixels, widthPx: 64, heightPx: 48, bayerPattern: "GBRG" }, 32);
  assert.deepEqual(fromFile, inMemory);
  assert.deepEqual(fromFile.channels.map((c) => c.channel), ["R", "G", "B"]);
  assert.throws(() => frameHistogramTask({ bins: 8 }), /needs a frame or a FITS file/);
});

Deno.test("JPEG previews of a raw frame, a Bayer FITS and a float RGB cube", () => {
  const pixels = rawFrame(640, 480);
  const size = (bytes: Uint8Array) => {
    const d = jpeg.decode(bytes, { useTArray: true });
    return [d.width, d.height];
  };
  const fromMemory = previewJpegTask({
    frame: { pixels, widthPx: 640, heightPx: 480, bayerPattern: "RGGB" },
    options: { maxSizePx: 160 },
  });
  assert.equal(fromMemory.byteOffset, 0);
  assert.equal(fromMemory.byteLength, fromMemory.buffer.byteLength, "owns its buffer");
  assert.deepEqual(size(fromMemory), [160, 120]);
  const bayer = encodeFits({ pixels, widthPx: 640, heightPx: 480 }, [
    { key: "BAYERPAT", value: "RGGB" },
  ]);
  assert.deepEqual(size(fitsPreviewTask({ fits: bayer, options: { maxSizePx: 160 } })), [160, 120]);
  // A stack saved as normalised floats 0..1 in three planes.
  const plane = 200 * 100;
  const cube = Float32Array.from({ length: 3 * plane }, (_, i) => 0.02 + (i % 97) / 5000);
  const rgb = encodeFitsImage({ pixels: cube, widthPx: 200, heightPx: 100, planes: 3 });
  const out = jpeg.decode(fitsPreviewTask({ fits: rgb, options: { maxSizePx: 100 } }), {
    useTArray: true,
  });
  assert.deepEqual([out.width, out.height], [100, 50]);
  const greys: number[] = [];
  for (let i = 0; i < out.data.length; i += 4) greys.push(out.data[i]!);
  greys.sort((a, b) => a - b);
  const median = greys[greys.length >> 1]!;
  // Auto-stretched: the background lands near 25 % grey rather than black.
  assert.ok(median > 30 && median < 110, `median grey ${median}`);
});
