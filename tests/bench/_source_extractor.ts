/**
 * Debian's `source-extractor` set up as our star analysis detects (the benches compare against
 * it on the same file in the same run): our 5×5 binomial kernel, minimum area 3 px, a 64-px
 * background mesh with a 3×3 filter, and DETECT_THRESH 5 × 70/256 = 1.37 — SExtractor's threshold
 * is in sigmas of the unfiltered noise, ours of the filtered (σ × 70/256). NTHREADS 1, as our
 * analysis uses one thread. Catalogue columns: X, Y, FLUX_AUTO, FLUX_RADIUS, FWHM, FLAGS.
 */
import { join } from "node:path";

const CONFIG = `CATALOG_NAME field.cat
CATALOG_TYPE ASCII_HEAD
PARAMETERS_NAME field.param
DETECT_TYPE CCD
DETECT_MINAREA 3
DETECT_THRESH ${(5 * 70) / 256}
ANALYSIS_THRESH ${(5 * 70) / 256}
FILTER Y
FILTER_NAME binomial.conv
DEBLEND_NTHRESH 32
DEBLEND_MINCONT 0.005
CLEAN Y
CLEAN_PARAM 1.0
MASK_TYPE CORRECT
PHOT_FLUXFRAC 0.5
SATUR_LEVEL 65000
GAIN 1.0
PIXEL_SCALE 1.0
SEEING_FWHM 3.5
BACK_SIZE 64
BACK_FILTERSIZE 3
BACKPHOTO_TYPE GLOBAL
CHECKIMAGE_TYPE NONE
VERBOSE_TYPE QUIET
NTHREADS 1
`;
const PARAMS = "X_IMAGE\nY_IMAGE\nFLUX_AUTO\nFLUX_RADIUS\nFWHM_IMAGE\nFLAGS\n";
const KERNEL = `CONV NORM
# 5x5 binomial, the kernel of our detection pass
1 4 6 4 1
4 16 24 16 4
6 24 36 24 6
4 16 24 16 4
1 4 6 4 1
`;

/** Writes the configuration into `dir`; the catalogue will be `dir`/field.cat. */
export async function writeSourceExtractorConfig(dir: string): Promise<void> {
  await Deno.writeTextFile(join(dir, "field.sex"), CONFIG);
  await Deno.writeTextFile(join(dir, "field.param"), PARAMS);
  await Deno.writeTextFile(join(dir, "binomial.conv"), KERNEL);
}

/**
 * One whole `source-extractor FILE` process in `dir` (configured by writeSourceExtractorConfig):
 * its wall time, or a sentence saying why it could not run (not installed, failed).
 */
export async function timeSourceExtractor(dir: string, file: string): Promise<number | string> {
  const t = performance.now();
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("source-extractor", {
      args: [file, "-c", "field.sex"],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return "source-extractor is not installed (Debian: apt-get install -y source-extractor)";
    }
    throw err;
  }
  const ms = performance.now() - t;
  if (!out.success) {
    return `source-extractor failed: ${new TextDecoder().decode(out.stderr).slice(0, 200)}`;
  }
  return ms;
}
