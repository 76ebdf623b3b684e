/**
 * `openskylab analyze FILE.fits [--json] [--stars] [--pixel-scale ARCSEC]`: runs the star
 * analysis on any FITS file and prints the frame's figures as a table (or JSON), and with
 * `--stars` the star list. The pixel scale comes from the flag, else from the header (FOCALLEN
 * with XPIXSZ, which our frames write binning included); the Bayer pattern from BAYERPAT; the
 * e⁻/ADU gain from EGAIN when present. A 3-plane colour cube is analysed as its mean.
 */
import { type DecodedFits, decodeFits } from "../lib/fits/mod.ts";
import type { MonoImage } from "../core/imaging/image.ts";
import { analyzeFrame } from "../core/imaging/stars/analyze.ts";
import type { FrameAnalysis } from "../core/imaging/stars/types.ts";
import { BAYER_PATTERNS, type BayerPattern } from "../devices/camera.ts";

const USAGE = "usage: openskylab analyze FILE.fits [--json] [--stars] [--pixel-scale ARCSEC]";

export async function analyzeCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    console.error(`openskylab analyze: ${parsed}\n${USAGE}`);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(parsed.file);
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound ? "no such file" : (err as Error).message;
    console.error(`openskylab analyze: cannot read ${parsed.file}: ${reason}`);
    return 1;
  }
  let fits: DecodedFits;
  try {
    fits = decodeFits(bytes, { float32: true });
  } catch (err) {
    console.error(
      `openskylab analyze: ${parsed.file} is not a readable FITS image: ${(err as Error).message}`,
    );
    return 1;
  }
  const image = toMono(fits);
  const result = analyzeFrame(image, {
    pixelScaleArcsec: parsed.pixelScaleArcsec ?? headerPixelScale(fits),
    gainEPerAdu: positive(fits.header.get("EGAIN")),
    maxStars: parsed.stars ? 100_000 : 2000,
  });
  if (parsed.json) {
    const { stars, ...figures } = result;
    console.log(JSON.stringify(parsed.stars ? { ...figures, stars } : figures, null, 2));
  } else {
    console.log(table(parsed.file, result));
    if (parsed.stars) console.log(starTable(result));
  }
  return 0;
}

interface Parsed {
  file: string;
  json: boolean;
  stars: boolean;
  pixelScaleArcsec: number | null;
}

function parseArgs(args: string[]): Parsed | string {
  const out: Parsed = { file: "", json: false, stars: false, pixelScaleArcsec: null };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--json") out.json = true;
    else if (arg === "--stars") out.stars = true;
    else if (arg === "--pixel-scale" || arg.startsWith("--pixel-scale=")) {
      const raw = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[++i];
      const value = Number(raw);
      if (raw === undefined || !(value > 0) || !Number.isFinite(value)) {
        return `--pixel-scale needs a positive number of arcsec per pixel, got ${
          JSON.stringify(raw ?? null)
        }`;
      }
      out.pixelScaleArcsec = value;
    } else if (arg.startsWith("-")) return `unknown option "${arg}"`;
    else if (out.file) return `one file at a time (got "${out.file}" and "${arg}")`;
    else out.file = arg;
  }
  return out.file ? out : "no FITS file given";
}

function toMono(fits: DecodedFits): MonoImage {
  const n = fits.widthPx * fits.heightPx;
  const src = fits.pixels;
  // Decoded as float32 already: a single plane is used as it is.
  const pixels = fits.planes === 1 && src instanceof Float32Array ? src : new Float32Array(n);
  if (fits.planes === 1) {
    if (pixels !== src) pixels.set(src.subarray(0, n));
  } else {
    for (let p = 0; p < fits.planes; p++) {
      for (let i = 0; i < n; i++) pixels[i]! += src[p * n + i]! / fits.planes;
    }
  }
  const pattern = fits.header.get("BAYERPAT");
  const bayerPattern = fits.planes === 1 && BAYER_PATTERNS.includes(pattern as BayerPattern)
    ? pattern as BayerPattern
    : null;
  return { widthPx: fits.widthPx, heightPx: fits.heightPx, pixels, bayerPattern };
}

/** 206.265 × pixel µm / focal length mm, from the header when both are there. */
function headerPixelScale(fits: DecodedFits): number | null {
  const pixelUm = positive(fits.header.get("XPIXSZ"));
  const focalMm = positive(fits.header.get("FOCALLEN"));
  return pixelUm !== null && focalMm !== null ? (206.265 * pixelUm) / focalMm : null;
}

function positive(value: unknown): number | null {
  return typeof value === "number" && value > 0 && Number.isFinite(value) ? value : null;
}

function table(file: string, r: FrameAnalysis): string {
  const px = (v: number | null, arcsec: number | null) =>
    v === null ? "—" : `${v.toFixed(2)} px${arcsec === null ? "" : ` (${arcsec.toFixed(2)}″)`}`;
  const rows: [string, string][] = [
    ["file", file],
    ["size", `${r.widthPx} × ${r.heightPx} px`],
    ["stars", String(r.starCount)],
    ["median HFR", px(r.medianHfrPx, r.medianHfrArcsec)],
    ["median FWHM", px(r.medianFwhmPx, r.medianFwhmArcsec)],
    ["eccentricity", r.medianEccentricity === null ? "—" : r.medianEccentricity.toFixed(2)],
    ["background", `${r.backgroundAdu.toFixed(1)} ADU`],
    ["noise", `${r.noiseAdu.toFixed(2)} ADU`],
    [
      "rejected",
      `${r.rejected.hotPixels} hot pixels, ${r.rejected.cosmicRays} cosmic rays, ${r.rejected.saturated} saturated, ${r.rejected.edge} at the edge`,
    ],
    ["time", `${r.elapsedMs.toFixed(0)} ms`],
  ];
  return rows.map(([k, v]) => `${k.padEnd(13)} ${v}`).join("\n");
}

function starTable(r: FrameAnalysis): string {
  const head = ["x", "y", "flux", "peak", "snr", "hfr", "fwhm", "ecc"].map((h) => h.padStart(10));
  const lines = r.stars.map((s) =>
    [s.x, s.y, s.flux, s.peak, s.snr, s.hfrPx, s.fwhmPx, s.eccentricity]
      .map((v, i) => v.toFixed(i < 2 || i > 4 ? 2 : 0).padStart(10)).join("")
  );
  return ["", head.join(""), ...lines].join("\n");
}
