/**
 * The one-hour soak of issue 14 (A.9): a real `openskylab serve` child on its simulators takes
 * exposures back to back, plate-solves every fifth frame with the box's own solver, answers status
 * reads, and sees WebSocket clients connect, listen and leave — while its resident memory is
 * sampled from /proc. Reported: idle RSS, RSS at the end of the warm-up (the first sixth), at the
 * end, the peak, and the slope of a least-squares line through the samples after warm-up (MB per
 * hour; flat is near 0). `SOAK_MINUTES` shortens it (default 60): run alone with
 * `SOAK_MINUTES=10 npx -y deno@2.9.6 run -A tests/bench/soak_bench.ts`.
 */
import { join } from "node:path";
import { freePort, report, waitHealthy } from "./_util.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SAMPLE_EVERY_MS = 5_000;

/** The V8 flags and malloc arenas `deno task start` runs the box with (SOAK_MALLOC_ARENA_MAX overrides). */
function startTask(): { flags: string[]; env: Record<string, string> } {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const task = String(config.tasks?.start ?? "");
  const arenas = Deno.env.get("SOAK_MALLOC_ARENA_MAX") ?? /MALLOC_ARENA_MAX=(\d+)/.exec(task)?.[1];
  return {
    flags: task.match(/--v8-flags=\S+/g) ?? [],
    env: arenas ? { MALLOC_ARENA_MAX: arenas } : {},
  };
}

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** Least-squares slope of `ys` over `xs`. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Connects a WebSocket client, lets it hear events for `listenMs`, and closes it. */
async function visit(url: string, listenMs: number): Promise<number> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws`);
  let heard = 0;
  ws.onmessage = () => heard++;
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("ws failed"));
  });
  await new Promise((r) => setTimeout(r, listenMs));
  const closed = new Promise((r) => ws.onclose = r);
  ws.close();
  await closed;
  return heard;
}

async function api(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Waits until the frame is saved and listed (the camera is free again by then). */
async function untilSaved(url: string, frameId: string): Promise<{ path: string }> {
  for (let i = 0; i < 1200; i++) {
    const res = await fetch(`${url}/api/v1/frames/${frameId}`);
    if (res.ok) return await res.json();
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`frame ${frameId} was not saved within 2 min`);
}

export async function soakBench(): Promise<void> {
  const minutes = Number(Deno.env.get("SOAK_MINUTES") ?? 60);
  const dir = await Deno.makeTempDir({ prefix: "openskylab-soak-" });
  const port = freePort();
  await Deno.writeTextFile(join(dir, "config.toml"), `[alpaca]\nport = ${freePort()}\n`);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...startTask().flags,
      join(ROOT, "main.ts"),
      "serve",
      "--port",
      String(port),
      "--data-dir",
      join(dir, "data"),
      "--config",
      join(dir, "config.toml"),
    ],
    env: startTask().env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, 60_000);
    await new Promise((r) => setTimeout(r, 5_000));
    const idleMb = rssMb(child.pid);
    const t0 = performance.now();
    const endMs = t0 + minutes * 60_000;
    const samples: { minutes: number; mb: number }[] = [];
    const sampler = setInterval(() => {
      samples.push({ minutes: (performance.now() - t0) / 60_000, mb: rssMb(child.pid) });
    }, SAMPLE_EVERY_MS);
    let frames = 0;
    let solves = 0;
    let solveFailures = 0;
    let visits = 0;
    const kept: string[] = [];
    try {
      while (performance.now() < endMs) {
        const { frame_id } = await api(url, "POST", "/camera/expose", {
          duration: 1,
          object: "soak",
        });
        // Two clients come and go while the frame is taken; status is read as a phone would.
        const clients = [visit(url, 800), visit(url, 1500)];
        await api(url, "GET", "/mount/status");
        const frame = await untilSaved(url, frame_id);
        await Promise.all(clients);
        visits += clients.length;
        frames++;
        if (frames % 5 === 0) {
          const { id } = await api(url, "POST", "/solver/solve", { image_path: frame.path });
          for (let i = 0; i < 600; i++) {
            const result = await api(url, "GET", `/solver/result/${id}`);
            if (result.status !== "pending") {
              if (result.status === "solved") solves++;
              else solveFailures++;
              break;
            }
            await new Promise((r) => setTimeout(r, 200));
          }
        }
        // Keep the disk bounded over an hour (the soak measures memory, not storage): the files
        // of all but the last few frames are removed behind the box's back.
        kept.push(join(dir, "data", frame.path));
        while (kept.length > 10) await Deno.remove(kept.shift()!).catch(() => {});
      }
    } finally {
      clearInterval(sampler);
    }
    // Where the memory is, from the box's own telemetry (V8 heap, buffers outside it).
    const memory = (await api(url, "GET", "/telemetry")).process;
    const warmUp = minutes / 6;
    const after = samples.filter((s) => s.minutes >= warmUp);
    const atWarmUp = after[0]?.mb ?? NaN;
    report("soak (exposures, solves, WS clients coming and going)", {
      minutes,
      frames,
      solves,
      solve_failures: solveFailures,
      ws_visits: visits,
      idle_rss_mb: idleMb,
      rss_after_warmup_mb: atWarmUp,
      rss_end_mb: samples.at(-1)?.mb ?? NaN,
      rss_peak_mb: Math.max(...samples.map((s) => s.mb)),
      heap_used_mb: memory.heap_used_bytes / 2 ** 20,
      heap_total_mb: memory.heap_total_bytes / 2 ** 20,
      external_mb: memory.external_bytes / 2 ** 20,
      slope_after_warmup_mb_per_h: slope(after.map((s) => s.minutes), after.map((s) => s.mb)) *
        60,
    });
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await soakBench();
