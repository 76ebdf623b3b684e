import assert from "node:assert/strict";
import { BAYER_PATTERNS, type BayerPattern } from "../../devices/camera.ts";
import { bayerSites, debayerBilinear, debayerSuperpixel } from "./debayer.ts";
import { histogram } from "./histogram.ts";
import type { MonoImage, RgbImage } from "./image.ts";
import { colourStretchParams } from "./stretch.ts";

/** A 4 × 3 chart of 16 × 16-pixel patches, each a flat colour in ADU (a Macbeth-like set). */
const PATCH_PX = 16;
const CHART: [number, number, number][] = [
  [11500, 8200, 6800],
  [50000, 37000, 31000],
  [24000, 31000, 40000],
  [22000, 27000, 11000],
  [33000, 33000, 52000],
  [26000, 48000, 43000],
  [55000, 30000, 5000],
  [16000, 19000, 47000],
  [50000, 15000, 18000],
  [3000, 60000, 2000],
  [100, 200, 65535],
  [40000, 40000, 40000],
];
const COLS = 4;
const ROWS = 3;

function patchAt(x: number, y: number): [number, number, number] {
  return CHART[Math.floor(y / PATCH_PX) * COLS + Math.floor(x / PATCH_PX)]!;
}

/** What a colour camera with `pattern` records of the chart: one channel per pixel. */
function mosaic(pattern: BayerPattern): MonoImage {
  const widthPx = COLS * PATCH_PX;
  const heightPx = ROWS * PATCH_PX;
  const sites = bayerSites(pattern);
  const pixels = new Float32Array(widthPx * heightPx);
  for (let y = 0; y < heightPx; y++) {
    for (let x = 0; x < widthPx; x++) {
      pixels[y * widthPx + x] = patchAt(x, y)[sites[(y & 1) * 2 + (x & 1)]!]!;
    }
  }
  return { widthPx, heightPx, pixels, bayerPattern: pattern };
}

function rgbAt(image: RgbImage, x: number, y: number): number[] {
  const i = y * image.widthPx + x;
  return [image.r[i]!, image.g[i]!, image.b[i]!];
}

for (const pattern of BAYER_PATTERNS) {
  Deno.test(`bilinear debayer of ${pattern} recovers every chart patch exactly inside it`, () => {
    const rgb = debayerBilinear(mosaic(pattern));
    assert.deepEqual([rgb.widthPx, rgb.heightPx], [COLS * PATCH_PX, ROWS * PATCH_PX]);
    let checked = 0;
    for (let y = 0; y < rgb.heightPx; y++) {
      for (let x = 0; x < rgb.widthPx; x++) {
        // Interpolation reaches one pixel: it is exact wherever the 3 × 3 neighbourhood is one
        // patch (mirrored borders included), and mixes colours only on patch boundaries.
        const inside = [-1, 1].every((d) => {
          const xi = Math.min(Math.max(x + d, 0), rgb.widthPx - 1);
          const yi = Math.min(Math.max(y + d, 0), rgb.heightPx - 1);
          return patchAt(xi, y) === patchAt(x, y) && patchAt(x, yi) === patchAt(x, y) &&
            patchAt(xi, yi) === patchAt(x, y);
        });
        if (!inside) continue;
        assert.deepEqual(rgbAt(rgb, x, y), patchAt(x, y), `${pattern} at (${x}, ${y})`);
        checked++;
      }
    }
    assert.equal(checked, CHART.length * 14 * 14 + 2 * (COLS + ROWS) * 14 + 4 + 2 * 0);
  });

  Deno.test(`superpixel debayer of ${pattern} gives each patch's colour at half size`, () => {
    const rgb = debayerSuperpixel(mosaic(pattern));
    assert.deepEqual([rgb.widthPx, rgb.heightPx], [COLS * PATCH_PX / 2, ROWS * PATCH_PX / 2]);
    for (let y = 0; y < rgb.heightPx; y++) {
      for (let x = 0; x < rgb.widthPx; x++) {
        assert.deepEqual(rgbAt(rgb, x, y), patchAt(2 * x, 2 * y), `${pattern} at (${x}, ${y})`);
      }
    }
  });
}

Deno.test("bilinear debayer interpolates a linear ramp exactly inside the frame", () => {
  // A plane a + bx + cy seen through any CFA: the mean of symmetric neighbours is exact.
  const widthPx = 20;
  const heightPx = 12;
  const value = (x: number, y: number) => 1000 + 37 * x + 11 * y;
  const pixels = Float32Array.from(
    { length: widthPx * heightPx },
    (_, i) => value(i % widthPx, Math.floor(i / widthPx)),
  );
  const rgb = debayerBilinear({ widthPx, heightPx, pixels, bayerPattern: "GRBG" });
  for (let y = 1; y < heightPx - 1; y++) {
    for (let x = 1; x < widthPx - 1; x++) {
      for (const plane of [rgb.r, rgb.g, rgb.b]) {
        assert.ok(Math.abs(plane[y * widthPx + x]! - value(x, y)) < 1e-3, `(${x}, ${y})`);
      }
    }
  }
});

Deno.test("debayer rejects a frame without a pattern, too small, or inconsistent", () => {
  const pixels = new Float32Array(16);
  assert.throws(
    () => debayerBilinear({ widthPx: 4, heightPx: 4, pixels }),
    /needs a Bayer pattern/,
  );
  assert.throws(
    () => debayerSuperpixel({ widthPx: 1, heightPx: 16, pixels, bayerPattern: "RGGB" }),
    /at least 2×2/,
  );
  assert.throws(
    () => debayerBilinear({ widthPx: 5, heightPx: 4, pixels, bayerPattern: "RGGB" }),
    /16 samples for 5×4/,
  );
  assert.throws(() => bayerSites("RGBG" as BayerPattern), /one of RGGB/);
});

Deno.test("histogram splits a raw colour frame by Bayer site and gives exact median and MAD", () => {
  const chart = mosaic("BGGR");
  const h = histogram(chart, 64);
  assert.deepEqual(h.channels.map((c) => c.channel), ["R", "G", "B"]);
  const n = chart.pixels.length;
  assert.deepEqual(h.channels.map((c) => c.count), [n / 4, n / 2, n / 4]);
  // Each patch contributes equally, so the medians are the chart's per-channel medians.
  for (const [c, channel] of h.channels.entries()) {
    const values = CHART.map((rgb) => rgb[c]!).sort((a, b) => a - b);
    const lowerMedian = values[Math.floor((values.length - 1) / 2)]!;
    const upperMedian = values[values.length / 2]!;
    assert.ok(channel.medianAdu >= lowerMedian && channel.medianAdu <= upperMedian);
    assert.equal(channel.counts.reduce((a, b) => a + b, 0), channel.count);
    assert.equal(channel.minAdu, values[0]);
    assert.equal(channel.maxAdu, values.at(-1));
  }
  const mono = histogram({ widthPx: 4, heightPx: 1, pixels: new Uint16Array([1, 3, 3, 65535]) }, 2);
  assert.equal(mono.channels[0]!.channel, "L");
  assert.deepEqual([...mono.channels[0]!.counts], [3, 1]);
  assert.equal(mono.channels[0]!.medianAdu, 3);
  // Deviations 0, 0, 2, 65532: with an even count the histogram median is the upper middle one.
  assert.equal(mono.channels[0]!.madAdu, 2);
  assert.throws(() => histogram(chart, 0), /bins must be an integer within 1..65536/);
});

Deno.test("colour balance: unlinked neutralises a cast, linked keeps the channel ratios", () => {
  const stats = [
    { medianAdu: 2000, madAdu: 50, count: 100 },
    { medianAdu: 4000, madAdu: 80, count: 100 },
    { medianAdu: 1000, madAdu: 30, count: 100 },
  ];
  const unlinked = colourStretchParams(stats, { balance: "unlinked" });
  assert.ok(unlinked[0]!.shadows !== unlinked[1]!.shadows, "each channel its own clip");
  const linked = colourStretchParams(stats, { balance: "linked" });
  assert.deepEqual(linked[0], linked[1]);
  assert.deepEqual(linked[1], linked[2]);
  assert.throws(() => colourStretchParams(stats, { balance: "auto" as "linked" }), /linked/);
});
