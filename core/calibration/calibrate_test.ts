/**
 * A synthetic world with known truth: a bias pattern, dark current with hot pixels, a vignetted
 * flat response and a sky with a gradient, plus Gaussian read noise (σ = 3 ADU). Raw frames are
 * written as 16-bit FITS like the camera's, masters are built from them in small bands (so the
 * band path is exercised), and calibrating a light must give back the true sky to within the
 * noise — with an exact dark and with a longer dark scaled through the bias.
 */
import { join } from "node:path";
import { assert, assertAlmostEquals, assertEquals, assertMatch } from "../../tests/_assert.ts";
import { AppError } from "../../lib/errors.ts";
import { decodeFits, encodeFits } from "../../lib/fits/mod.ts";
import type { FitsCard } from "../../lib/fits/header.ts";
import type { MonoImage } from "../imaging/image.ts";
import { buildMaster, type MasterSource } from "./build_master.ts";
import { calibrate } from "./calibrate.ts";

const W = 64;
const H = 48;
const N = W * H;
const READ_NOISE = 3;
const FRAMES = 15;

function rng(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const gauss = rng(42);
const bias = Float64Array.from({ length: N }, (_, i) => 500 + 20 * Math.sin(i % W / 5));
const darkPerS = Float64Array.from({ length: N }, (_, i) => (i % 97 === 0 ? 4 : 0.05));
const flatResponse = Float64Array.from({ length: N }, (_, i) => {
  const x = (i % W) / W - 0.5, y = Math.floor(i / W) / H - 0.5;
  return 1 - 0.8 * (x * x + y * y); // 0.6 in the corners, 1 at the centre
});
const sky = Float64Array.from({ length: N }, (_, i) => 300 + 2 * (i % W));

function frame(exposureS: number, signal: (i: number) => number): Uint16Array {
  return Uint16Array.from({ length: N }, (_, i) => {
    const v = bias[i]! + darkPerS[i]! * exposureS + signal(i) + READ_NOISE * gauss();
    return Math.max(0, Math.min(65535, Math.round(v)));
  });
}

function cards(exposureS: number, gain = 100): FitsCard[] {
  return [
    { key: "EXPTIME", value: exposureS, real: true },
    { key: "GAIN", value: gain },
    { key: "OFFSET", value: 50 },
    { key: "XBINNING", value: 1 },
    { key: "CCD-TEMP", value: -10, real: true },
    { key: "INSTRUME", value: "Synthetic camera" },
    { key: "FILTER", value: "L" },
  ];
}

async function writeRun(
  dir: string,
  name: string,
  exposureS: number,
  signal: (i: number) => number,
  count = FRAMES,
): Promise<MasterSource[]> {
  const sources: MasterSource[] = [];
  for (let k = 0; k < count; k++) {
    const path = join(dir, `${name}_${k}.fits`);
    const bytes = encodeFits(
      { pixels: frame(exposureS, signal), widthPx: W, heightPx: H },
      cards(exposureS),
    );
    await Deno.writeFile(path, bytes);
    sources.push({ label: `${name} ${k}`, path });
  }
  return sources;
}

async function readMaster(path: string): Promise<MonoImage> {
  const fits = decodeFits(await Deno.readFile(path));
  assertEquals(fits.bitpix, -32);
  assert(fits.pixels instanceof Float32Array);
  return { widthPx: fits.widthPx, heightPx: fits.heightPx, pixels: fits.pixels };
}

function residual(image: MonoImage): { meanAdu: number; rmsAdu: number } {
  let sum = 0, sum2 = 0;
  for (let i = 0; i < N; i++) {
    const d = image.pixels[i]! - sky[i]!;
    sum += d;
    sum2 += d * d;
  }
  return { meanAdu: sum / N, rmsAdu: Math.sqrt(sum2 / N) };
}

Deno.test("calibration recovers the true sky of a synthetic world to within the noise", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl-calib-" });
  try {
    const build = async (
      type: "bias" | "dark" | "flat" | "darkflat",
      sources: MasterSource[],
      flatCalibrator?: MonoImage,
    ) => {
      const outPath = join(dir, `master_${type}.fits`);
      const built = await buildMaster({
        type,
        sources,
        method: "median",
        kappa: 3,
        outPath,
        bandBudgetBytes: FRAMES * W * 4 * 5, // 5 rows a band: ten bands
        flatCalibrator: flatCalibrator
          ? { pixels: flatCalibrator.pixels, description: "dark-flat" }
          : null,
      });
      assertEquals(built.bandRows, 5);
      return { built, image: await readMaster(outPath) };
    };
    const biasM = await build("bias", await writeRun(dir, "bias", 0, () => 0));
    const dark300 = await build("dark", await writeRun(dir, "dark", 300, () => 0));
    const darkflat = await build("darkflat", await writeRun(dir, "darkflat", 2, () => 0));
    const flat = await build(
      "flat",
      await writeRun(dir, "flat", 2, (i) => 20000 * flatResponse[i]!),
      darkflat.image,
    );
    assertMatch(flat.built.notes ?? "", /corrected by dark-flat/);
    assertEquals(biasM.built.settings.camera, "Synthetic camera");
    assertAlmostEquals(biasM.built.settings.tempC!, -10, 1e-9);

    // The normalised flat has median 1 and follows the vignetting to within its noise.
    const sortedFlat = Float32Array.from(flat.image.pixels).sort();
    assertAlmostEquals(sortedFlat[N >> 1]!, 1, 1e-3);
    const responseMedian = Float64Array.from(flatResponse).sort()[N >> 1]!;
    let worstFlat = 0;
    for (let i = 0; i < N; i++) {
      worstFlat = Math.max(
        worstFlat,
        Math.abs(flat.image.pixels[i]! - flatResponse[i]! / responseMedian),
      );
    }
    assert(worstFlat < 2e-3, `flat differs from the true response by up to ${worstFlat}`);

    // Expected noise of a calibrated pixel: the light's read noise, the master's (≈ 1.25σ/√15)
    // and quantisation, divided by the flat (≥ 0.6); about 3.5 ADU RMS. Tolerance: 4.5 ADU RMS,
    // mean within 0.3 ADU. Uncalibrated, the same light is off by hundreds of ADU.
    const lightSignal = (i: number) => sky[i]! * flatResponse[i]! / responseMedian;
    for (
      const { exposureS, dark, scale } of [
        { exposureS: 300, dark: dark300.image, scale: null },
        { exposureS: 120, dark: dark300.image, scale: 120 / 300 },
      ]
    ) {
      const raw = frame(exposureS, lightSignal);
      const light: MonoImage = { widthPx: W, heightPx: H, pixels: Float32Array.from(raw) };
      const before = residual(light);
      assert(before.rmsAdu > 400, `uncalibrated RMS ${before.rmsAdu}`);
      const calibrated = calibrate(light, {
        bias: biasM.image,
        dark: { image: dark, scale },
        flat: flat.image,
      });
      const after = residual(calibrated);
      assert(after.rmsAdu < 4.5, `${exposureS} s: calibrated RMS ${after.rmsAdu.toFixed(2)} ADU`);
      assert(
        Math.abs(after.meanAdu) < 0.3,
        `${exposureS} s: calibrated mean ${after.meanAdu.toFixed(3)} ADU`,
      );
      // The hot pixels (4 ADU/s: 1200 ADU at 300 s) are gone too.
      for (let i = 0; i < N; i += 97) {
        assert(Math.abs(calibrated.pixels[i]! - sky[i]!) < 6 * 4.5, `hot pixel ${i} left`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a master refuses frames of different gain, naming both", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osl-calib-" });
  try {
    const a = join(dir, "a.fits"), b = join(dir, "b.fits");
    await Deno.writeFile(
      a,
      encodeFits({ pixels: frame(0, () => 0), widthPx: W, heightPx: H }, cards(0, 100)),
    );
    await Deno.writeFile(
      b,
      encodeFits({ pixels: frame(0, () => 0), widthPx: W, heightPx: H }, cards(0, 200)),
    );
    const error = await buildMaster({
      type: "bias",
      sources: [{ label: "frame A", path: a }, { label: "frame B", path: b }],
      method: "mean",
      kappa: 3,
      outPath: join(dir, "m.fits"),
    }).then(() => null, (err) => err);
    assert(error instanceof AppError && error.status === 400);
    assertMatch(error.message, /share gain: frame A has 100 but frame B has 200/);
    // Nothing was written.
    await Deno.stat(join(dir, "m.fits")).then(() => assert(false, "master written"), () => {});
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("calibrate: a scaled dark without a bias, or a size mismatch, is a RangeError", () => {
  const img = (w: number) => ({ widthPx: w, heightPx: 1, pixels: new Float32Array(w) });
  let thrown = 0;
  try {
    calibrate(img(2), { dark: { image: img(2), scale: 0.5 } });
  } catch (err) {
    thrown += err instanceof RangeError ? 1 : 0;
  }
  try {
    calibrate(img(2), { bias: img(3) });
  } catch (err) {
    thrown += err instanceof RangeError ? 1 : 0;
  }
  assertEquals(thrown, 2);
  // A dead flat pixel is left undivided rather than sent to infinity.
  const out = calibrate(
    { widthPx: 2, heightPx: 1, pixels: Float32Array.from([10, 10]) },
    { flat: { widthPx: 2, heightPx: 1, pixels: Float32Array.from([0, 0.5]) } },
  );
  assertEquals(Array.from(out.pixels), [10, 20]);
});
