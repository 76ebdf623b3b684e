/**
 * Star analysis of a 24-megapixel 16-bit frame against Debian's `source-extractor` on the same
 * FITS file in the same run. The field is rendered with known truth (tests/fixtures/starfield.ts:
 * Gaussian PSF of FWHM 3.5 px, gradient, vignetting, hot pixels, cosmic rays, saturated stars,
 * close pairs); both catalogues are matched to it (nearest within 1.5 px) for recall over the
 * unsaturated stars of SNR ≥ 10 and precision over everything reported. The detection settings
 * are made equal: SExtractor gets our 5×5 binomial kernel, our minimum area (3 px), 64-px
 * background mesh with a 3×3 filter, and DETECT_THRESH 5 × 70/256 = 1.37 — SExtractor's
 * threshold is in sigmas of the unfiltered noise, ours of the filtered (σ × 70/256); see
 * _source_extractor.ts. When `source-extractor` is not installed the bench says so and prints our
 * figures alone.
 */
import { join } from "node:path";
import { encodeFits } from "../../lib/fits/mod.ts";
import { decodeFits } from "../../lib/fits/mod.ts";
import { analyzeFrame } from "../../core/imaging/stars/analyze.ts";
import { renderStarfield, type TruthStar } from "../fixtures/starfield.ts";
import { report } from "./_util.ts";
import { timeSourceExtractor, writeSourceExtractorConfig } from "./_source_extractor.ts";

const WIDTH_PX = 6000;
const HEIGHT_PX = 4000;
const ROUNDS = 3;
const MATCH_PX = 1.5;

interface Detection {
  x: number;
  y: number;
}

interface SexDetection extends Detection {
  fwhmPx: number;
  flags: number;
}

export async function starsBench(): Promise<void> {
  const field = renderStarfield({
    widthPx: WIDTH_PX,
    heightPx: HEIGHT_PX,
    seed: 2024,
    starCount: 4000,
    fluxRangeAdu: [150, 300_000],
    closePairs: 100,
    saturatedStars: 20,
    hotPixels: 3000,
    cosmicRays: 300,
    skyAdu: 800,
    gradient: 0.8,
    gradientAngleDeg: 30,
    vignetting: 0.3,
    gainEPerAdu: 1,
  });
  const dir = await Deno.makeTempDir({ prefix: "openskylab-stars-bench-" });
  try {
    const file = join(dir, "field.fits");
    await Deno.writeFile(file, encodeFits({ ...field.image, pixels: field.pixels16 }, []));
    const options = { gainEPerAdu: 1, maxStars: 1_000_000 };
    const times: number[] = [];
    let ours = analyzeFrame(field.image, options);
    for (let round = 0; round < ROUNDS; round++) {
      ours = analyzeFrame(field.image, options);
      times.push(ours.elapsedMs);
    }
    const t = performance.now();
    const fits = decodeFits(await Deno.readFile(file));
    analyzeFrame(
      { widthPx: fits.widthPx, heightPx: fits.heightPx, pixels: Float32Array.from(fits.pixels) },
      options,
    );
    const withReadMs = performance.now() - t;
    const oursMs = median(times);
    const oursScore = score(field.stars, ours.stars.map((s) => ({ x: s.x, y: s.y })));
    report("star analysis 24 MP (ours)", {
      ms: oursMs,
      read_decode_analyse_ms: withReadMs,
      stars: ours.starCount,
      recall_snr10: oursScore.recall,
      precision: oursScore.precision,
      median_hfr_px: ours.medianHfrPx ?? NaN,
      truth_hfr_px: field.hfrPx,
    });
    const sex = await runSourceExtractor(dir, file);
    if (typeof sex === "string") {
      report("star analysis 24 MP (source-extractor)", { skipped: sex });
      return;
    }
    const sexScore = score(field.stars, sex.detections);
    // SExtractor rejects no hot pixels or cosmic rays by itself; the usual after-cut (FWHM of at
    // least 1.5 px, not flagged saturated or truncated) gives it a fairer precision.
    const cut = sex.detections.filter((d) => d.fwhmPx >= 1.5 && (d.flags & 12) === 0);
    const cutScore = score(field.stars, cut);
    report("star analysis 24 MP (source-extractor)", {
      ms: sex.ms,
      stars: sex.detections.length,
      recall_snr10: sexScore.recall,
      precision: sexScore.precision,
      precision_after_cut: cutScore.precision,
      recall_after_cut: cutScore.recall,
      median_flux_radius_px: sex.medianFluxRadiusPx,
    });
    report("star analysis 24 MP (ratio)", {
      source_extractor_over_ours: sex.ms / oursMs,
      source_extractor_over_ours_with_read: sex.ms / withReadMs,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function runSourceExtractor(
  dir: string,
  file: string,
): Promise<{ ms: number; detections: SexDetection[]; medianFluxRadiusPx: number } | string> {
  await writeSourceExtractorConfig(dir);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ms = await timeSourceExtractor(dir, file);
    if (typeof ms === "string") return ms;
    times.push(ms);
  }
  const detections: SexDetection[] = [];
  const radii: number[] = [];
  for (const line of (await Deno.readTextFile(join(dir, "field.cat"))).split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    const [x, y, , fluxRadius, fwhmPx, flags] = line.trim().split(/\s+/).map(Number);
    // SExtractor counts pixels from 1; the truth and our analyser from 0.
    detections.push({ x: x! - 1, y: y! - 1, fwhmPx: fwhmPx!, flags: flags! });
    radii.push(fluxRadius!);
  }
  return { ms: median(times), detections, medianFluxRadiusPx: median(radii) };
}

/** Recall over unsaturated truth stars of SNR ≥ 10; precision over every detection. */
function score(truth: TruthStar[], found: Detection[]): { recall: number; precision: number } {
  const cell = 8;
  const grid = new Map<number, number[]>();
  const key = (gx: number, gy: number) => gy * 100_000 + gx;
  truth.forEach((t, i) => {
    const k = key(Math.floor(t.x / cell), Math.floor(t.y / cell));
    grid.set(k, [...(grid.get(k) ?? []), i]);
  });
  const hit = new Set<number>();
  let matched = 0;
  for (const d of found) {
    let best = -1, bestD2 = MATCH_PX * MATCH_PX;
    const gx = Math.floor(d.x / cell), gy = Math.floor(d.y / cell);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const i of grid.get(key(gx + dx, gy + dy)) ?? []) {
          const d2 = (truth[i]!.x - d.x) ** 2 + (truth[i]!.y - d.y) ** 2;
          if (d2 < bestD2) [best, bestD2] = [i, d2];
        }
      }
    }
    if (best >= 0) {
      matched++;
      hit.add(best);
    }
  }
  const wanted = truth.flatMap((t, i) => t.snr >= 10 && !t.saturated ? [i] : []);
  return {
    recall: wanted.filter((i) => hit.has(i)).length / wanted.length,
    precision: found.length === 0 ? 1 : matched / found.length,
  };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (import.meta.main) await starsBench();
