/**
 * The catalog build on a worker thread: it gives exactly what the same build gives on the calling
 * thread, its failures arrive as Errors naming the cause, a deadline ends it, and above all the
 * caller's event loop keeps ticking while the full installed index set is built (the reason the
 * worker exists) — judged against the build itself, not a stopwatch: on the calling thread the
 * sort and merge are one synchronous stretch, half the build or more (the file reads are the
 * rest), so the longest gap between ticks would be that; off the loop no gap comes near a
 * quarter of the build, however busy the machine, since the build slows with it. Each test ends with the
 * worker terminated, which the sanitizers check.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildPackedStars } from "./build.ts";
import { buildPackedStarsOffLoop } from "./build_off_loop.ts";
import { buildOrLoadSkyCatalog, listIndexFiles } from "./load.ts";

const INSTALLED = "/usr/share/astrometry";
const installed = await listIndexFiles(INSTALLED);
const SMALL = ["17", "18", "19"].map((n) => `index-tycho2-${n}.littleendian.fits`);
const small = installed?.filter((source) => SMALL.includes(source.name)) ?? [];
const haveSmall = small.length === SMALL.length;
if (!installed || !haveSmall) {
  console.log(
    `build_off_loop_test: index-tycho2 tests skipped: ${
      installed ? "17, 18 or 19 is" : "no files are"
    } missing in ${INSTALLED} (Debian astrometry-data-tycho2-10-19-littleendian)`,
  );
}

Deno.test({
  name: "buildPackedStarsOffLoop: the worker's arrays equal the same build on this thread",
  ignore: !haveSmall,
  async fn() {
    const here = await buildPackedStars(INSTALLED, small);
    const there = await buildPackedStarsOffLoop(INSTALLED, small);
    assert.ok(here.stars.raUnits.length > 1000);
    assert.deepEqual(there, here);
  },
});

Deno.test({
  name: "buildPackedStarsOffLoop: a truncated index file rejects with an Error naming the file",
  ignore: !haveSmall,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "sky-catalog-worker-" });
    try {
      const name = SMALL[0]!;
      const bytes = await Deno.readFile(join(INSTALLED, name));
      await Deno.writeFile(join(dir, name), bytes.subarray(0, bytes.length >> 1));
      const sources = await listIndexFiles(dir);
      assert.ok(sources);
      await assert.rejects(
        buildPackedStarsOffLoop(dir, sources),
        (err: Error) => err.message.includes(join(dir, name)) && /truncated/.test(err.message),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("buildPackedStarsOffLoop: a missing file rejects with the worker's NotFound", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sky-catalog-worker-" });
  try {
    const sources = [{ name: "index-tycho2-99.fits", sizeBytes: 1, mtimeMs: 0 }];
    await assert.rejects(
      buildPackedStarsOffLoop(dir, sources),
      (err: Error) => err.name === "NotFound" && err.message.includes("index-tycho2-99.fits"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "buildPackedStarsOffLoop: a build past its deadline is given up and its worker ended",
  ignore: !installed,
  async fn() {
    await assert.rejects(
      buildPackedStarsOffLoop(INSTALLED, installed!, 1),
      /took longer than 1 ms/,
    );
  },
});

Deno.test({
  name: "buildOrLoadSkyCatalog: a 10 ms timer keeps ticking while the full set is built",
  ignore: !installed,
  async fn() {
    const cacheDir = await Deno.makeTempDir({ prefix: "sky-catalog-loop-" });
    let lastTickMs = performance.now();
    let maxGapMs = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const nowMs = performance.now();
      maxGapMs = Math.max(maxGapMs, nowMs - lastTickMs);
      lastTickMs = nowMs;
      ticks++;
    }, 10);
    try {
      const startedMs = performance.now();
      // With a cache directory, so the cache write on this thread is measured too.
      const catalog = await buildOrLoadSkyCatalog({ indexDir: INSTALLED, cacheDir });
      // The stretch after the last tick counts: a block at the very end never lets a tick run.
      maxGapMs = Math.max(maxGapMs, performance.now() - lastTickMs);
      const buildMs = performance.now() - startedMs;
      assert.ok(catalog && catalog.starCount > 0, `${catalog?.starCount} stars`);
      assert.ok(
        maxGapMs < buildMs / 4,
        `the loop stalled ${maxGapMs.toFixed(0)} ms of the ${buildMs.toFixed(0)} ms build`,
      );
      assert.ok(ticks >= 5, `${ticks} ticks in ${buildMs.toFixed(0)} ms`);
    } finally {
      clearInterval(timer);
      await Deno.remove(cacheDir, { recursive: true });
    }
  },
});
