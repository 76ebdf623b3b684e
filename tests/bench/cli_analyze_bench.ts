/**
 * `openskylab analyze` as a user runs it, the whole process (start, module loading, reading and
 * decoding the FITS, the star analysis, printing), against a whole `source-extractor` process on
 * the same 24-megapixel 16-bit file in the same run (issue 14 A.12: no slower than it). The field
 * is the stars bench's (4000 stars, hot pixels, cosmic rays, a gradient); source-extractor gets the
 * same detection settings (_source_extractor.ts). The two alternate, ROUNDS each after one warm-up
 * of each (Deno's transpile cache, the page cache), and the medians are compared. Without
 * `source-extractor` installed the bench says so and prints our figures alone.
 */
import { join } from "node:path";
import { encodeFits } from "../../lib/fits/mod.ts";
import { renderStarfield } from "../fixtures/starfield.ts";
import { timeSourceExtractor, writeSourceExtractorConfig } from "./_source_extractor.ts";
import { report } from "./_util.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const ROUNDS = 5;

async function timeAnalyze(file: string): Promise<{ ms: number; stars: number }> {
  const t = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    // As the README runs it.
    args: ["run", "-A", MAIN, "analyze", file, "--json"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t;
  if (!out.success) {
    throw new Error(`openskylab analyze failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  const figures = JSON.parse(new TextDecoder().decode(out.stdout)) as { starCount: number };
  return { ms, stars: figures.starCount };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function cliAnalyzeBench(): Promise<void> {
  const field = renderStarfield({
    widthPx: 6000,
    heightPx: 4000,
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
  const dir = await Deno.makeTempDir({ prefix: "openskylab-cli-analyze-bench-" });
  try {
    const file = join(dir, "field.fits");
    await Deno.writeFile(file, encodeFits({ ...field.image, pixels: field.pixels16 }, []));
    await writeSourceExtractorConfig(dir);
    const warm = await timeSourceExtractor(dir, file);
    let stars = (await timeAnalyze(file)).stars;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const run = await timeAnalyze(file);
      ours.push(run.ms);
      stars = run.stars;
      if (typeof warm === "number") {
        const ms = await timeSourceExtractor(dir, file);
        if (typeof ms === "number") theirs.push(ms);
      }
    }
    const oursMs = median(ours);
    if (typeof warm === "string" || theirs.length === 0) {
      report("cli analyze 24 MP, whole process", {
        analyze_ms: oursMs,
        stars,
        source_extractor: typeof warm === "string" ? `skipped: ${warm}` : "failed",
      });
      return;
    }
    const sexMs = median(theirs);
    report("cli analyze 24 MP, whole process", {
      analyze_ms: oursMs,
      analyze_min_ms: Math.min(...ours),
      source_extractor_ms: sexMs,
      source_extractor_min_ms: Math.min(...theirs),
      analyze_over_source_extractor: oursMs / sexMs,
      stars,
      rounds: ROUNDS,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await cliAnalyzeBench();
