import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { synthesizeFrame } from "../../devices/sim/sky.ts";
import { renderPreviewJpeg, renderPreviewRgba } from "./preview.ts";
import {
  applyStretch,
  autoStretchParams,
  histogram16,
  histogramStats,
  mtf,
  stretchLut,
} from "./stretch.ts";

function dark(widthPx: number, heightPx: number, bayerPattern: "RGGB" | null = null) {
  return synthesizeFrame(
    { widthPx, heightPx, bayerPattern, seed: 7 },
    {
      frameType: "dark",
      exposureS: 60,
      gain: 100,
      offset: 50,
      binning: 1,
      sensorTempC: 0,
      noiseSeed: 1,
    },
  );
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

Deno.test("histogram median and MAD match a sort", () => {
  const pixels = new Uint16Array([10, 12, 11, 100, 9, 10, 13, 10, 8]);
  const stats = histogramStats(histogram16(pixels));
  assert.equal(stats.medianAdu, medianOf([...pixels]));
  assert.equal(stats.madAdu, medianOf([...pixels].map((v) => Math.abs(v - stats.medianAdu))));
  assert.equal(stats.count, 9);
});

Deno.test("the midtones transfer function fixes 0, 1 and maps m to 0.5", () => {
  assert.equal(mtf(0.2, 0), 0);
  assert.equal(mtf(0.2, 1), 1);
  assert.equal(mtf(0.2, 0.2), 0.5);
  assert.ok(mtf(0.1, 0.05) > 0.05, "a low midtones balance brightens");
});

Deno.test("auto-stretch puts a dark frame's median at the 0.25 target", () => {
  const frame = dark(600, 400);
  const stats = histogramStats(histogram16(frame.pixels));
  const params = autoStretchParams(stats);
  const stretched = applyStretch(params, stats.medianAdu / 65535);
  assert.ok(Math.abs(stretched - 0.25) < 1e-9, `median → ${stretched}`);
  // Shadows clip 2.8 normalised MADs below the median.
  const expectedShadows = (stats.medianAdu - 2.8 * 1.4826 * stats.madAdu) / 65535;
  assert.ok(Math.abs(params.shadows - expectedShadows) < 1e-12);
  const lut = stretchLut(params);
  assert.ok(Math.abs(lut[stats.medianAdu]! - 64) <= 1, `LUT median ${lut[stats.medianAdu]}`);
  assert.equal(lut[0], 0);
  assert.equal(lut[65535], 255);
});

Deno.test("a mono preview JPEG decodes to the fitted size with the background near 25 %", () => {
  const frame = dark(3000, 2000);
  const bytes = renderPreviewJpeg({ ...frame, bayerPattern: null });
  const decoded = jpeg.decode(bytes, { useTArray: true });
  // 3000 px → factor ceil(3000 / 1280) = 3 → 1000 × 666.
  assert.deepEqual([decoded.width, decoded.height], [1000, 666]);
  const greys: number[] = [];
  for (let i = 0; i < decoded.data.length; i += 4 * 97) greys.push(decoded.data[i]!);
  const median = medianOf(greys);
  // Averaging 3×3 narrows the noise, the stretch still lands the median near 64.
  assert.ok(Math.abs(median - 64) <= 12, `median grey ${median}`);
});

Deno.test("a colour preview uses 2×2 superpixels and balances the channels", () => {
  const frame = dark(640, 480, "RGGB");
  const image = renderPreviewRgba({ ...frame, bayerPattern: "RGGB" }, { maxSizePx: 1280 });
  assert.deepEqual([image.widthPx, image.heightPx], [320, 240]);
  const channelMedians = [0, 1, 2].map((c) => {
    const values: number[] = [];
    for (let i = c; i < image.rgba.length; i += 4) values.push(image.rgba[i]!);
    return medianOf(values);
  });
  for (const m of channelMedians) assert.ok(Math.abs(m - 64) <= 12, `channels ${channelMedians}`);
  const bytes = renderPreviewJpeg({ ...frame, bayerPattern: "RGGB" }, { maxSizePx: 100 });
  const decoded = jpeg.decode(bytes, { useTArray: true });
  // 320 × 240 superpixels, factor ceil(320 / 100) = 4 → 80 × 60.
  assert.deepEqual([decoded.width, decoded.height], [80, 60]);
});

Deno.test("colour channels map from the Bayer sites", () => {
  // Noisy grey background; in one 8×8-pixel patch only the (0, 0) sites are bright.
  const pixels = new Uint16Array(64 * 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const patch = x < 8 && y < 8 && (y & 1) === 0 && (x & 1) === 0;
      pixels[y * 64 + x] = (patch ? 30000 : 1000) + ((x * 7 + y * 13) % 50);
    }
  }
  const at = (pattern: "RGGB" | "BGGR", c: number) => {
    const image = renderPreviewRgba({ pixels, widthPx: 64, heightPx: 64, bayerPattern: pattern });
    assert.deepEqual([image.widthPx, image.heightPx], [32, 32]);
    return image.rgba[c]!; // the top-left superpixel
  };
  assert.ok(at("RGGB", 0) > 250, "RGGB: the (0, 0) site is red");
  assert.ok(at("RGGB", 2) < 200, "RGGB: blue stays background");
  assert.ok(at("BGGR", 2) > 250, "BGGR: the (0, 0) site is blue");
  assert.ok(at("BGGR", 0) < 200, "BGGR: red stays background");
});

Deno.test("preview rejects inconsistent input", () => {
  assert.throws(
    () =>
      renderPreviewJpeg({
        pixels: new Uint16Array(5),
        widthPx: 2,
        heightPx: 2,
        bayerPattern: null,
      }),
    /5 samples/,
  );
  assert.throws(
    () =>
      renderPreviewJpeg(
        { pixels: new Uint16Array(4), widthPx: 2, heightPx: 2, bayerPattern: null },
        {
          quality: 0,
        },
      ),
    /quality/,
  );
});
