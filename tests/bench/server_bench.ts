/**
 * Control-plane benchmarks of issue 2, against a real `openskylab serve` child process on
 * loopback: cold start to healthy, idle RSS, GET /mount/status latency under an open-loop load of
 * 500 requests/s, and mount.status fan-out to 50 WebSocket clients at 10 Hz with drops counted.
 * Issue 14 A.5 adds the same latency while the simulated camera exposes in a loop (its frames are
 * drawn off the event loop), measured beside a minimal Hono app (minimal_hono.ts) answering the
 * same path in its own process under the same load, in the same run: both p99s and their ratio.
 */
import { join } from "node:path";
import { freePort, percentile, report, waitHealthy } from "./_util.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** The V8 flags `deno task start` runs the box with, so the benchmark measures the same process. */
function startTaskV8Flags(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  return String(config.tasks?.start ?? "").match(/--v8-flags=\S+/g) ?? [];
}

async function startChild(dir: string) {
  const port = freePort();
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...startTaskV8Flags(),
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
  await waitHealthy(url, 20_000);
  return { child, url, port, startMs: performance.now() - started };
}

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function statusLatency(url: string, ratePerS: number, durationS: number) {
  return await getLatency(`${url}/api/v1/mount/status`, ratePerS, durationS);
}

async function getLatency(target: string, ratePerS: number, durationS: number) {
  const latencies: number[] = [];
  let errors = 0;
  const intervalMs = 1000 / ratePerS;
  const total = ratePerS * durationS;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // Open loop: requests leave on schedule whether or not earlier ones have answered.
    const due = t0 + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    inflight.push(
      fetch(target).then(async (res) => {
        await res.arrayBuffer();
        if (!res.ok) errors++;
        latencies.push(performance.now() - sent);
      }, () => {
        errors++;
      }),
    );
  }
  await Promise.all(inflight);
  const achieved = total / ((performance.now() - t0) / 1000);
  latencies.sort((a, b) => a - b);
  return { latencies, errors, achieved };
}

async function fanOut(url: string, clients: number, durationS: number) {
  // A long slow slew keeps the mount feed at its 10 Hz rate for the whole window.
  await (await fetch(`${url}/api/v1/mount/unpark`, { method: "POST" })).body?.cancel();
  const status = await (await fetch(`${url}/api/v1/mount/status`)).json();
  await (await fetch(`${url}/api/v1/mount/goto`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ra: (status.lst + 3) % 24, dec: 80 }),
  })).body?.cancel();
  const sockets: WebSocket[] = [];
  const seqs: number[][] = [];
  for (let i = 0; i < clients; i++) {
    const ws = new WebSocket(`${url.replace("http", "ws")}/ws?topics=mount.status`);
    const seen: number[] = [];
    ws.onmessage = (m) => seen.push(JSON.parse(m.data).ts);
    seqs.push(seen);
    sockets.push(ws);
    await new Promise((r) => (ws.onopen = r));
  }
  const start = Date.now();
  await new Promise((r) => setTimeout(r, durationS * 1000));
  const end = Date.now();
  for (const ws of sockets) ws.close();
  // Every client should have seen exactly the same event timestamps inside the window.
  const windows = seqs.map((s) => s.filter((ts) => ts >= start + 200 && ts <= end - 200));
  const union = new Set(windows.flat());
  const expected = union.size;
  const received = windows.map((w) => new Set(w).size);
  const dropped = received.reduce((sum, n) => sum + (expected - n), 0);
  const rateHz = expected / (durationS - 0.4);
  return { expected, minReceived: Math.min(...received), dropped, rateHz };
}

/**
 * Keeps the camera exposing back to back (short lights, each drawn at the profile's full 4144 ×
 * 2822) until `stop` aborts; resolves with the number of frames that became ready.
 */
async function exposureLoop(
  url: string,
  stop: AbortSignal,
  counter: { ready: number },
): Promise<number> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws?topics=camera.frame_ready`);
  let ready = 0;
  let wake = () => {};
  ws.onmessage = () => {
    ready++;
    counter.ready = ready;
    wake();
  };
  await new Promise((r) => (ws.onopen = r));
  try {
    while (!stop.aborted) {
      const res = await fetch(`${url}/api/v1/camera/expose`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ duration: 0.2 }),
      });
      await res.body?.cancel();
      if (res.status !== 202) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const before = ready;
      // The next frame, or a bounded wait (an exposure may be refused or fail).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        wake = () => {
          if (ready > before) {
            clearTimeout(timer);
            resolve();
          }
        };
        stop.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  } finally {
    ws.close();
  }
  return ready;
}

async function startMinimalHono(): Promise<{ child: Deno.ChildProcess; url: string }> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "tests/bench/minimal_hono.ts"), String(port)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, 20_000);
  return { child, url };
}

/** GET /mount/status at 500 req/s while exposing, and a minimal Hono app under the same load. */
async function latencyWhileExposing(url: string): Promise<void> {
  const stop = new AbortController();
  const counter = { ready: 0 };
  const loop = exposureLoop(url, stop.signal, counter);
  // The first light loads the star catalogue: let the loop reach its steady state.
  const warmUntil = Date.now() + 120_000;
  while (counter.ready < 2 && Date.now() < warmUntil) await new Promise((r) => setTimeout(r, 100));
  const before = counter.ready;
  const box = await statusLatency(url, 500, 6);
  const frames = counter.ready - before;
  stop.abort();
  await loop;
  const hono = await startMinimalHono();
  let base: Awaited<ReturnType<typeof getLatency>>;
  try {
    await getLatency(`${hono.url}/api/v1/mount/status`, 100, 1); // warm-up
    base = await getLatency(`${hono.url}/api/v1/mount/status`, 500, 6);
  } finally {
    hono.child.kill("SIGTERM");
    await hono.child.status;
  }
  const boxP99 = percentile(box.latencies, 99);
  const baseP99 = percentile(base.latencies, 99);
  report("GET /mount/status @500 req/s while exposing in a loop", {
    requests: box.latencies.length,
    achieved_rps: box.achieved,
    frames_during_run: frames,
    p50_ms: percentile(box.latencies, 50),
    p99_ms: boxP99,
    max_ms: box.latencies.at(-1) ?? NaN,
    errors: box.errors,
    target_p99_ms: 20,
  });
  report("minimal Hono app @500 req/s (same harness, same run)", {
    requests: base.latencies.length,
    p50_ms: percentile(base.latencies, 50),
    p99_ms: baseP99,
    max_ms: base.latencies.at(-1) ?? NaN,
    errors: base.errors,
    ratio_p99: boxP99 / baseP99,
  });
}

export async function serverBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-bench-" });
  const { child, url, startMs } = await startChild(dir);
  try {
    await new Promise((r) => setTimeout(r, 3000));
    report("cold start to healthy", { ms: startMs, target_ms: 1500 });
    report("idle RSS", { mb: rssMb(child.pid), target_mb: 120 });
    await statusLatency(url, 100, 1); // warm-up
    const { latencies, errors, achieved } = await statusLatency(url, 500, 6);
    report("GET /mount/status @500 req/s", {
      requests: latencies.length,
      achieved_rps: achieved,
      p50_ms: percentile(latencies, 50),
      p99_ms: percentile(latencies, 99),
      max_ms: latencies.at(-1) ?? NaN,
      errors,
      target_p99_ms: 5,
    });
    await latencyWhileExposing(url);
    const fan = await fanOut(url, 50, 5);
    report("mount.status fan-out to 50 WS clients", {
      events_per_client: fan.expected,
      rate_hz: fan.rateHz,
      min_received: fan.minReceived,
      dropped: fan.dropped,
    });
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    report("SIGTERM shutdown", { exit_code: status.code });
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await serverBench();
