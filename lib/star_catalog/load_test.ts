/**
 * Building, caching and sharing the catalog. Each test works on its own temporary index
 * directory holding copies of the three smallest installed index files (17, 18, 19), so cache
 * staleness can be provoked by touching or growing a copy, and the memo (keyed by directory)
 * never hands one test another's catalog. Two tests take the full installed set, whichever
 * Debian packages it comes from (10–19 alone, with 09, with 07 and 08 too …): their expectations
 * are derived from the files found, never from one particular set.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { LogSink } from "../log.ts";
import { loadSkyCatalog } from "./catalog.ts";
import { CACHE_FILE_NAME } from "./cache_file.ts";
import { DUPLICATE_RADIUS_DEG } from "./dedupe.ts";
import { readIndexStars } from "./index_file.ts";
import { buildPackedStars } from "./build.ts";
import { buildOrLoadSkyCatalog, listIndexFiles } from "./load.ts";
import { UNITS_PER_DEG, visitCone } from "./packed.ts";

const INSTALLED = "/usr/share/astrometry";
const SMALL = ["17", "18", "19"].map((n) => `index-tycho2-${n}.littleendian.fits`);
const ignore = !SMALL.every((name) => {
  try {
    return Deno.statSync(join(INSTALLED, name)).isFile;
  } catch {
    return false;
  }
});

async function scratch(): Promise<
  { indexDir: string; cacheDir: string; dispose(): Promise<void> }
> {
  const root = await Deno.makeTempDir({ prefix: "sky-catalog-" });
  const indexDir = join(root, "index");
  await Deno.mkdir(indexDir);
  for (const name of SMALL) await Deno.copyFile(join(INSTALLED, name), join(indexDir, name));
  // Not an index file: must be ignored.
  await Deno.writeTextFile(join(indexDir, "index-4107.fits.txt"), "noise");
  return {
    indexDir,
    cacheDir: join(root, "cache"),
    dispose: () => Deno.remove(root, { recursive: true }),
  };
}

function capture() {
  const sink = new LogSink({ consoleLevel: "silent" });
  return {
    log: sink.logger("sky_catalog"),
    messages: (level: "info" | "warn") =>
      sink.query({ minLevel: level }).filter((e) => e.level === level).map((e) => e.message),
  };
}

const fromCache = (messages: string[]) => messages.some((m) => m.includes("loaded from cache"));
const built = (messages: string[]) => messages.some((m) => m.includes("built from index files"));

Deno.test({
  name: "buildOrLoadSkyCatalog: writes the cache, reuses it, rebuilds when a source changes",
  ignore,
  async fn() {
    const dir = await scratch();
    try {
      const first = capture();
      const a = await buildOrLoadSkyCatalog({ ...dir, log: first.log });
      assert.ok(a && built(first.messages("info")));
      assert.match(a.source, /^Tycho-2 from 3 astrometry\.net index files \([\d ]+ stars\)$/);
      const cachePath = join(dir.cacheDir, CACHE_FILE_NAME);
      assert.ok((await Deno.stat(cachePath)).size > a.starCount * 10);
      const leftovers = [...Deno.readDirSync(dir.cacheDir)].map((e) => e.name);
      assert.deepEqual(leftovers, [CACHE_FILE_NAME], "no temporary file is left behind");

      const second = capture();
      const b = await buildOrLoadSkyCatalog({ ...dir, log: second.log });
      assert.ok(b && fromCache(second.messages("info")) && !built(second.messages("info")));
      assert.equal(b.starCount, a.starCount);
      assert.deepEqual(b.cone(100, -40, 20), a.cone(100, -40, 20));
      assert.deepEqual(second.messages("warn"), []);

      // A newer mtime alone makes the cache stale.
      const target = join(dir.indexDir, SMALL[1]!);
      await Deno.utime(target, new Date(), new Date(Date.now() + 5000));
      const third = capture();
      const c = await buildOrLoadSkyCatalog({ ...dir, log: third.log });
      assert.ok(c && built(third.messages("info")));
      assert.match(third.messages("warn").join(), /stale or corrupt/);
      const fourth = capture();
      await buildOrLoadSkyCatalog({ ...dir, log: fourth.log });
      assert.ok(fromCache(fourth.messages("info")), "the rebuilt cache is current again");

      // So does a different size (blank FITS padding keeps the file readable).
      const file = await Deno.open(target, { append: true });
      await file.write(new Uint8Array(2880));
      file.close();
      const fifth = capture();
      const d = await buildOrLoadSkyCatalog({ ...dir, log: fifth.log });
      assert.ok(d && built(fifth.messages("info")));
      assert.equal(d.starCount, a.starCount);
    } finally {
      await dir.dispose();
    }
  },
});

Deno.test({
  name: "buildOrLoadSkyCatalog: a corrupt or truncated cache is rebuilt with a warning",
  ignore,
  async fn() {
    const dir = await scratch();
    try {
      const a = await buildOrLoadSkyCatalog(dir);
      assert.ok(a);
      const cachePath = join(dir.cacheDir, CACHE_FILE_NAME);
      const good = await Deno.readFile(cachePath);
      const flipped = good.slice();
      flipped[flipped.length - 100]! ^= 0x40;
      const damaged: Array<[string, Uint8Array]> = [
        ["one flipped bit", flipped],
        ["truncated", good.subarray(0, good.length - 1000)],
        ["header only", good.subarray(0, 200)],
        ["garbage", new TextEncoder().encode("hello")],
        ["empty", new Uint8Array(0)],
      ];
      for (const [label, bytes] of damaged) {
        await Deno.writeFile(cachePath, bytes);
        const run = capture();
        const b = await buildOrLoadSkyCatalog({ ...dir, log: run.log });
        assert.ok(b && built(run.messages("info")), `${label}: rebuilt`);
        assert.match(run.messages("warn").join(), /stale or corrupt/, `${label}: warned`);
        assert.equal(b.starCount, a.starCount, label);
        assert.deepEqual(await Deno.readFile(cachePath), good, `${label}: cache rewritten`);
      }
    } finally {
      await dir.dispose();
    }
  },
});

Deno.test("loadSkyCatalog: a missing or empty directory gives null, not an error", async () => {
  const root = await Deno.makeTempDir({ prefix: "sky-catalog-" });
  try {
    assert.equal(await loadSkyCatalog({ indexDir: join(root, "absent"), cacheDir: null }), null);
    assert.equal(await loadSkyCatalog({ indexDir: root, cacheDir: null }), null);
    await Deno.writeTextFile(join(root, "plain"), "x");
    assert.equal(await loadSkyCatalog({ indexDir: join(root, "plain"), cacheDir: null }), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: "loadSkyCatalog: a truncated index file is an Error naming it; the failure is not memoised",
  ignore,
  async fn() {
    const dir = await scratch();
    try {
      const victim = join(dir.indexDir, SMALL[2]!);
      const bytes = await Deno.readFile(victim);
      await Deno.writeFile(victim, bytes.subarray(0, Math.floor(bytes.length / 2)));
      await assert.rejects(
        loadSkyCatalog({ ...dir }),
        (err: Error) => err.message.includes(victim),
      );
      await Deno.writeFile(victim, bytes);
      const catalog = await loadSkyCatalog({ ...dir });
      assert.ok(catalog && catalog.starCount > 0);
    } finally {
      await dir.dispose();
    }
  },
});

Deno.test({
  name: "loadSkyCatalog: concurrent callers of one index directory share one build",
  ignore,
  async fn() {
    const dir = await scratch();
    try {
      const run = capture();
      const first = loadSkyCatalog({ ...dir, log: run.log });
      const second = loadSkyCatalog({ indexDir: `${dir.indexDir}/./`, cacheDir: null });
      assert.equal(first, second, "the same promise");
      const [a, b] = await Promise.all([first, second]);
      assert.ok(a && a === b);
      assert.equal(run.messages("info").filter((m) => m.includes("built")).length, 1);
      assert.equal(await loadSkyCatalog({ ...dir }), a, "and later callers too");
    } finally {
      await dir.dispose();
    }
  },
});

const installedSources = await listIndexFiles(INSTALLED);

Deno.test({
  name: "loadSkyCatalog: the installed index set merges to one copy of each star",
  ignore: installedSources === null,
  async fn() {
    const catalog = await loadSkyCatalog({ indexDir: INSTALLED, cacheDir: null });
    assert.ok(catalog);
    const files = installedSources!;
    assert.match(catalog.source, new RegExp(`from ${files.length} astrometry`));
    // The merge holds at least every star of the densest file and at most every star of all.
    const counts = await Promise.all(
      files.map(async (f) =>
        readIndexStars(await Deno.readFile(join(INSTALLED, f.name)), f.name).count
      ),
    );
    const densest = Math.max(...counts);
    const sum = counts.reduce((a, b) => a + b, 0);
    assert.ok(
      catalog.starCount >= densest && catalog.starCount <= sum,
      `${catalog.starCount} stars from files of ${counts.join(", ")}`,
    );
    // Betelgeuse (query-starkd: RA 88.7929°, Dec 7.40704°, VT 0.769) is bright enough for every
    // Tycho-2 index scale, so it is in each installed file, and must come out once.
    const near = catalog.cone(88.7929, 7.4071, 10 / 3600);
    assert.equal(near.length, 1);
    assert.equal(near[0]!.magV, 0.769);
    // How fast a cone is, is the sky_catalog bench's business, not a test's.
    for (let i = 0; i < 100; i++) catalog.cone(i * 3.6, -80 + i * 1.6, 2);
  },
});

Deno.test({
  name: "buildPackedStars: the merge loses no star of any file and leaves no pair within 1″",
  ignore: installedSources === null,
  async fn() {
    const sources = installedSources!;
    const { stars, readCount, removedCount } = await buildPackedStars(INSTALLED, sources);
    assert.equal(stars.raUnits.length, readCount - removedCount);
    for (let i = 0; i < stars.raUnits.length; i++) {
      let near = 0;
      visitCone(
        stars,
        stars.raUnits[i]! / UNITS_PER_DEG,
        stars.decUnits[i]! / UNITS_PER_DEG,
        DUPLICATE_RADIUS_DEG,
        () => near++,
      );
      if (near !== 1) assert.fail(`star ${i} has ${near - 1} neighbours within 1″`);
    }
    // Every star of a sparse file is in the merge, to the packing's precision, same magnitude:
    // the smallest installed file that is not the sparsest (which the other tests use).
    const bySize = [...sources].sort((a, b) => a.sizeBytes - b.sizeBytes);
    const name = bySize[Math.min(bySize.length - 1, 3)]!.name;
    const file = readIndexStars(await Deno.readFile(join(INSTALLED, name)), name);
    for (let i = 0; i < file.count; i++) {
      const mags: number[] = [];
      visitCone(
        stars,
        file.raDeg[i]!,
        file.decDeg[i]!,
        0.001 / 3600,
        (j) => mags.push(stars.magMilli[j]!),
      );
      if (mags.length !== 1 || mags[0] !== Math.round(file.magV[i]! * 1000)) {
        assert.fail(`${name} star ${i} found ${mags.length} times, magnitudes ${mags}`);
      }
    }
  },
});
