/**
 * HiPS and mosaic figures: ang2pix throughput of lib/healpix against healpy (Debian
 * python3-healpy, vectorised C++) on the same random points in the same run; a prefetch of a 3°
 * disc at orders 3–8 from a static HiPS tree on loopback (files/s, MB/s — the box's side of the
 * work, since loopback costs nearly nothing); the latency of tiles served from the cache and of
 * generated Tycho-2 catalogue tiles; and the time to compute a 10 × 10 mosaic with its fit.
 */
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { mosaicPanels } from "../../lib/astro/mosaic.ts";
import { ang2pix } from "../../lib/healpix/healpix.ts";
import { LogSink } from "../../lib/log.ts";
import { hipsUpstream } from "../integration/_hips_upstream.ts";
import { percentile, report } from "./_util.ts";

const POINTS = 1_000_000;
const ORDER = 10;

async function healpixBench(): Promise<void> {
  const ra = new Float64Array(POINTS), dec = new Float64Array(POINTS);
  let a = 12345;
  const random = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  for (let i = 0; i < POINTS; i++) {
    ra[i] = random() * 360;
    dec[i] = Math.asin(2 * random() - 1) * 180 / Math.PI;
  }
  let sum = 0;
  const started = performance.now();
  for (let i = 0; i < POINTS; i++) sum += ang2pix(ORDER, ra[i]!, dec[i]!);
  const oursMs = performance.now() - started;
  const script = `
import sys, time, numpy, healpy
n = ${POINTS}
rng = numpy.random.default_rng(1)
ra = rng.random(n) * 360
dec = numpy.degrees(numpy.arcsin(2 * rng.random(n) - 1))
t = time.perf_counter()
healpy.ang2pix(2**${ORDER}, ra, dec, nest=True, lonlat=True)
print((time.perf_counter() - t) * 1000)
`;
  const out = await new Deno.Command("/usr/bin/python3", { args: ["-c", script], stderr: "null" })
    .output().catch(() => null);
  const healpyMs = out?.success ? Number(new TextDecoder().decode(out.stdout)) : NaN;
  report("healpix", {
    ang2pix_points: POINTS,
    order: ORDER,
    ours_ns_per_point: oursMs * 1e6 / POINTS,
    healpy_ns_per_point: healpyMs * 1e6 / POINTS,
    ratio_ours_to_healpy: oursMs / healpyMs,
    checksum: sum % 1000,
  });
}

async function prefetchBench(): Promise<void> {
  const centre = { raDeg: 83.82, decDeg: -5.39 };
  await using upstream = await hipsUpstream({ centre, radiusDeg: 3, orders: [3, 4, 5, 6, 7, 8] });
  const dir = await Deno.makeTempDir({ prefix: "hips-bench-" });
  const logs = new LogSink({ consoleLevel: "silent" });
  await Deno.writeTextFile(
    join(dir, "config.toml"),
    `[hips]\nprefetch_max_files = 5000\n[[hips.surveys]]\nname = "test"\nurls = ["${upstream.url}"]\n`,
  );
  const box = await startServer({
    config: await loadConfig(join(dir, "config.toml"), logs.logger("config")),
    port: 0,
    hostname: "127.0.0.1",
    dataDir: join(dir, "data"),
    logs,
    alpacaPort: 0,
    alpacaDiscoveryPort: null,
  });
  try {
    const api = (path: string, init?: RequestInit) => fetch(`${box.url}/api/v1${path}`, init);
    const started = performance.now();
    const res = await api("/hips/prefetch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        survey: "test",
        ra: centre.raDeg / 15,
        dec: centre.decDeg,
        radius_deg: 3,
        max_order: 8,
      }),
    });
    const { id } = await res.json();
    let job;
    do {
      await new Promise((r) => setTimeout(r, 50));
      job = await (await api(`/hips/prefetch/${id}`)).json();
    } while (job.state === "queued" || job.state === "running");
    const seconds = (performance.now() - started) / 1000;
    if (job.state !== "completed") throw new Error(`prefetch ended ${job.state}: ${job.message}`);

    const paths = [...upstream.tiles.keys()];
    const cachedMs: number[] = [];
    for (const path of paths.slice(0, 500)) {
      const t0 = performance.now();
      const tile = await api(`/hips/test/${path}`);
      await tile.arrayBuffer();
      cachedMs.push(performance.now() - t0);
    }
    cachedMs.sort((a, b) => a - b);
    const tychoMs: number[] = [];
    await (await api("/hips/tycho2/properties")).text(); // builds the catalogue once
    for (let npix = 0; npix < 300; npix++) {
      const t0 = performance.now();
      await (await api(`/hips/tycho2/Norder4/Dir0/Npix${npix * 10}.tsv`)).text();
      tychoMs.push(performance.now() - t0);
    }
    tychoMs.sort((a, b) => a - b);
    report("hips", {
      prefetch_files: job.total,
      prefetch_mb: job.bytes / 1e6,
      prefetch_s: seconds,
      prefetch_files_per_s: job.total / seconds,
      prefetch_mb_per_s: job.bytes / 1e6 / seconds,
      cached_tile_ms_median: percentile(cachedMs, 50),
      cached_tile_ms_p99: percentile(cachedMs, 99),
      tycho2_tile_ms_median: percentile(tychoMs, 50),
      tycho2_tile_ms_p99: percentile(tychoMs, 99),
    });
  } finally {
    await box.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

function mosaicBench(): void {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    mosaicPanels({
      raHours: 0.71,
      decDeg: 41.27,
      rows: 10,
      cols: 10,
      overlap: 0.15,
      rotationDeg: 20,
      field: { widthDeg: 2.07, heightDeg: 1.41 },
    });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  report("mosaic", { panels: 100, compute_ms_median: percentile(times, 50) });
}

export async function hipsBench(): Promise<void> {
  await healpixBench();
  await prefetchBench();
  mosaicBench();
}

if (import.meta.main) await hipsBench();
