/**
 * Live-stacking benchmarks of issue 3. In-process, on a 24-megapixel (6000 × 4000) mono frame:
 * the per-frame cost of register (star lists of ~1500 stars) + warp (bilinear, a similarity) +
 * accumulate (kappa-sigma), target < 1.5 s, and the peak RSS while doing it. Then, against a real
 * `openskylab serve` child on loopback with the simulated camera at 24 MP, a live stack runs
 * (1 s lights back to back, stacked in the worker pool) while GET /mount/status is sampled at
 * 100 requests/s: its p99 latency, target < 50 ms — and the same without stacking as a baseline,
 * since the simulated camera itself renders its 24 MP frames on the event loop.
 */
import { join } from "node:path";
import {
  frameStarList,
  jitter,
  randomStars,
  renderField,
  seededRandom,
} from "../../core/imaging/register/_synthetic.ts";
import { registerStars } from "../../core/imaging/register/register.ts";
import { similarity } from "../../core/imaging/register/transform.ts";
import { createAccumulatorState, StackAccumulator } from "../../core/imaging/stack/accumulator.ts";
import { warpPlane } from "../../core/imaging/warp.ts";
import { freePort, percentile, report, waitHealthy } from "./_util.ts";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { encodeFits } from "../../lib/fits/mod.ts";
import { LogSink } from "../../lib/log.ts";

const W = 6000;
const H = 4000;
const ROOT = new URL("../../", import.meta.url).pathname;

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function perFrame(): void {
  let peakRss = Deno.memoryUsage().rss;
  const sample = () => (peakRss = Math.max(peakRss, Deno.memoryUsage().rss));
  const random = seededRandom(42);
  const refStars = randomStars(1600, W, H, random);
  const image = renderField(refStars, {
    widthPx: W,
    heightPx: H,
    sigmaPx: 1.5,
    skyAdu: 800,
    noiseAdu: 15,
  }, random);
  sample();
  const stack = new StackAccumulator(createAccumulatorState(W, H, 1));
  stack.add([image], 15);
  sample();
  const times = { register: [] as number[], warp: [] as number[], accumulate: [] as number[] };
  for (let k = 0; k < 4; k++) {
    // Dither-sized moves about the centre, as between frames of a night.
    const truth = similarity(1, 0.05 * k, 3.7 * k - 5, -2.3 * k + 4);
    const frameStars = frameStarList(refStars, {
      truth,
      widthPx: W,
      heightPx: H,
      noisePx: 0.05,
      missing: 0.1,
      outliers: 0.2,
      random,
    });
    let t = performance.now();
    const reg = registerStars(frameStars, jitter(refStars, 0.05, random));
    times.register.push(performance.now() - t);
    if (reg.transform === null) throw new Error(`bench registration failed: ${reg.reason}`);
    t = performance.now();
    const warped = warpPlane(image, W, H, reg.transform);
    times.warp.push(performance.now() - t);
    sample();
    t = performance.now();
    stack.add([warped], 15);
    times.accumulate.push(performance.now() - t);
    sample();
  }
  const total = times.register.map((r, i) => r + times.warp[i]! + times.accumulate[i]!);
  report("livestack per frame, 24 MP mono (register + warp + accumulate)", {
    register_ms: mean(times.register),
    warp_ms: mean(times.warp),
    accumulate_ms: mean(times.accumulate),
    total_ms: mean(total),
    max_total_ms: Math.max(...total),
    target_ms: 1500,
  });
  report("livestack peak RSS, 24 MP mono in-process", { mb: peakRss / 2 ** 20 });
}

async function apiLatency(stacking: boolean): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-bench-livestack-" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(ROOT, "main.ts"),
      "serve",
      "--port",
      String(port),
      "--data-dir",
      join(dir, "data"),
      "--config",
      join(dir, "config.toml"),
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  try {
    await waitHealthy(url, 20_000);
    const active = (await call("GET", "/profiles/active")).body;
    await call("PUT", `/profiles/${active.id}`, {
      ...active,
      devices: {
        ...active.devices,
        camera: { driver: "sim", options: { widthPx: W, heightPx: H, readoutMs: 100 } },
      },
    });
    if (stacking) await call("POST", "/camera/livestack/start");
    let running = true;
    let exposures = 0;
    const shooter = (async () => {
      while (running) {
        const r = await call("POST", "/camera/expose", { duration: 1, frame_type: "light" });
        if (r.status === 202) exposures++;
        await new Promise((res) => setTimeout(res, 200));
      }
    })();
    // Let the first frame land so stacking is under way, then sample for 20 s.
    await new Promise((r) => setTimeout(r, 4000));
    const latencies: number[] = [];
    let errors = 0;
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) {
      const wait = t0 + i * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      inflight.push(
        fetch(`${url}/api/v1/mount/status`).then(async (res) => {
          await res.arrayBuffer();
          if (!res.ok) errors++;
          latencies.push(performance.now() - sent);
        }, () => void errors++),
      );
    }
    await Promise.all(inflight);
    running = false;
    await shooter;
    const status = (await call("GET", "/camera/livestack")).body;
    latencies.sort((a, b) => a - b);
    report(
      `GET /mount/status @100 req/s, 24 MP lights ${
        stacking ? "live stacked" : "not stacked (baseline)"
      }`,
      {
        requests: latencies.length,
        p50_ms: percentile(latencies, 50),
        p99_ms: percentile(latencies, 99),
        max_ms: latencies.at(-1) ?? NaN,
        errors,
        exposures,
        stacked: status.frames_stacked,
        rejected: status.frames_rejected,
        last_frame_ms: status.last_frame?.elapsed_ms ?? NaN,
        target_p99_ms: stacking ? 50 : "-",
      },
    );
    const kb = Number(
      /VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${child.pid}/status`))?.[1],
    );
    report(`server peak RSS (VmHWM), 24 MP lights${stacking ? ", live stacked" : ""}`, {
      mb: kb / 1024,
    });
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The stacking alone, without the simulator rendering frames on the event loop: an in-process
 * server is handed `camera.frame_ready` events for a 24 MP FITS file already on disk (as the
 * exposure service would publish them), and GET /mount/status is sampled at 100 requests/s until
 * every frame is stacked.
 */
async function apiLatencyInjected(frames: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-bench-inject-" });
  const logs = new LogSink({ consoleLevel: "silent" });
  const config = await loadConfig(join(dir, "config.toml"), logs.logger("config"));
  const server = await startServer({
    config,
    port: 0,
    hostname: "127.0.0.1",
    dataDir: join(dir, "data"),
    logs,
  });
  try {
    const random = seededRandom(7);
    const field = renderField(randomStars(1600, W, H, random), {
      widthPx: W,
      heightPx: H,
      sigmaPx: 1.5,
      skyAdu: 800,
      noiseAdu: 15,
    }, random);
    const pixels = new Uint16Array(field.length);
    for (let i = 0; i < field.length; i++) pixels[i] = Math.max(0, Math.min(65535, field[i]!));
    await Deno.mkdir(join(dir, "data", "frames"), { recursive: true });
    await Deno.writeFile(
      join(dir, "data", "frames", "bench.fits"),
      encodeFits({ pixels, widthPx: W, heightPx: H }, []),
    );
    const svc = server.services.livestack;
    svc.start();
    const latencies: number[] = [];
    const t0 = performance.now();
    for (let k = 0; k < frames; k++) {
      server.services.bus.publish("camera.frame_ready", {
        id: `bench-${k}`,
        frame_number: k + 1,
        path: "frames/bench.fits",
        frame_type: "light",
        duration_s: 60,
        gain: 100,
        offset: 10,
        binning: 1,
        width: W,
        height: H,
        filter: null,
        object: null,
        started_at: new Date().toISOString(),
        sensor_temp_c: null,
        bytes: 0,
        hfr: null,
        fwhm: null,
        stars: null,
        eccentricity: null,
        wcs: null,
      });
    }
    let done = false;
    const finished = svc.idle().then(() => void (done = true));
    for (let i = 0; !done; i++) {
      const wait = t0 + i * 10 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      const res = await fetch(`${server.url}/api/v1/mount/status`);
      await res.arrayBuffer();
      latencies.push(performance.now() - sent);
    }
    await finished;
    const wallMs = performance.now() - t0;
    const status = svc.status();
    latencies.sort((a, b) => a - b);
    report("GET /mount/status @100 req/s while stacking injected 24 MP frames (worker pool)", {
      requests: latencies.length,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      max_ms: latencies.at(-1) ?? NaN,
      stacked: status.frames_stacked,
      per_frame_wall_ms: wallMs / frames,
      target_p99_ms: 50,
    });
    report("livestack peak RSS (in-process server, 24 MP)", {
      mb: Deno.memoryUsage().rss / 2 ** 20,
    });
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

export async function livestackBench(): Promise<void> {
  perFrame();
  await apiLatencyInjected(4);
  // The baseline separates what live stacking costs the API from what taking the frames does.
  await apiLatency(false);
  await apiLatency(true);
}

if (import.meta.main) await livestackBench();
