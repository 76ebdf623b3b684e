/**
 * Preview budget on a 24-megapixel 16-bit one-shot-colour frame (target < 300 ms from raw
 * mosaic to JPEG): the fast path the phone gets (superpixel debayer fused with the downscale,
 * stretch through lookup tables, JPEG), its parts, the same through the worker pool (what
 * `/camera/frame/latest?format=jpeg` pays, frame copy included), and the quality path
 * (full-resolution bilinear debayer, then downscale, stretch and JPEG) for comparison.
 */
import { debayerBilinear } from "../../core/imaging/debayer.ts";
import { renderPreviewJpeg, renderPreviewRgba } from "../../core/imaging/preview.ts";
import { renderRgbPreviewJpeg } from "../../core/imaging/preview_rgb.ts";
import { WorkerPool } from "../../core/imaging/worker_pool.ts";
import { report } from "./_util.ts";

const WIDTH_PX = 6000;
const HEIGHT_PX = 4000;
const ROUNDS = 5;

/** Sky of ~1200 ADU with noise, a gradient and a few thousand stars, on an RGGB mosaic. */
function frame(): Uint16Array {
  const pixels = new Uint16Array(WIDTH_PX * HEIGHT_PX);
  let state = 1;
  for (let y = 0; y < HEIGHT_PX; y++) {
    for (let x = 0; x < WIDTH_PX; x++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const site = (y & 1) * 2 + (x & 1);
      const sky = [900, 1400, 1400, 700][site]! + x * 0.02;
      pixels[y * WIDTH_PX + x] = sky + (state >>> 26);
    }
  }
  for (let s = 0; s < 3000; s++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const cx = 3 + (state % (WIDTH_PX - 6));
    const cy = 3 + ((state >>> 8) % (HEIGHT_PX - 6));
    for (let dy = -2; dy <= 2; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        pixels[(cy + dy) * WIDTH_PX + cx + dx] = 20000 * Math.exp(-(dx * dx + dy * dy) / 2);
      }
    }
  }
  return pixels;
}

async function median(fn: () => unknown | Promise<unknown>, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export async function previewBench(): Promise<void> {
  const pixels = frame();
  const raw = { pixels, widthPx: WIDTH_PX, heightPx: HEIGHT_PX, bayerPattern: "RGGB" as const };
  const options = { maxSizePx: 1280 };
  let jpegBytes = 0;
  const fastMs = await median(() => (jpegBytes = renderPreviewJpeg(raw, options).length));
  const rgbaMs = await median(() => renderPreviewRgba(raw, options));
  const pool = new WorkerPool({ size: 1 });
  let poolMs: number;
  try {
    await pool.run("previewJpeg", { frame: raw, options }); // start the worker outside the timing
    poolMs = await median(() => pool.run("previewJpeg", { frame: raw, options }));
  } finally {
    pool.close();
  }
  const mono = { widthPx: WIDTH_PX, heightPx: HEIGHT_PX, pixels: Float32Array.from(pixels) };
  let debayerMs = 0;
  const qualityMs = await median(() => {
    const t = performance.now();
    const rgb = debayerBilinear(mono, "RGGB");
    debayerMs = performance.now() - t;
    return renderRgbPreviewJpeg(rgb, options);
  }, 3);
  report("preview 24 MP RGGB → 1280 px JPEG", {
    fast_ms: fastMs,
    fast_debayer_stretch_ms: rgbaMs,
    fast_jpeg_ms: fastMs - rgbaMs,
    in_worker_pool_ms: poolMs,
    quality_bilinear_ms: qualityMs,
    quality_debayer_only_ms: debayerMs,
    jpeg_kb: jpegBytes / 1024,
    target_ms: 300,
  });
}

if (import.meta.main) await previewBench();
