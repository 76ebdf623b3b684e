/**
 * The one-hour soak of issue 14 (A.9): a real `openskylab serve` child on its simulators, started
 * as `deno task start` starts it (its V8 flags and malloc settings), takes exposures back to back,
 * plate-solves every fifth frame with the box's own solver, answers status reads, and sees
 * WebSocket clients connect, listen and leave — while its resident memory is sampled from /proc
 * every 5 s. Reported (figures in _soak_summary.ts): frames and solves, RSS at the start (idle),
 * after warm-up, at the end and at its peak, the slope after warm-up and over the last half (MB per
 * hour; flat is near 0), the V8 heap and external memory at the end, the box's CPU seconds per
 * frame and the host's load average (the machine may be shared). `SOAK_MINUTES` shortens it
 * (default 60); `SOAK_SAMPLES=file.csv` keeps every sample. Run alone with
 * `SOAK_MINUTES=10 npx -y deno@2.9.6 run -A tests/bench/soak_bench.ts`.
 */
import { join } from "node:path";
import { freePort, report, waitHealthy } from "./_util.ts";
import { type RssSample, summarizeSoak } from "./_soak_summary.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SAMPLE_EVERY_MS = 5_000;
/** USER_HZ of /proc/<pid>/stat: 100 on every Linux we run on (x86-64 and arm64). */
const CLOCK_TICKS_PER_S = 100;

/**
 * The V8 flags and environment (`NAME=value` before `deno`, the malloc settings the release's
 * launcher also sets) that `deno task start` runs the box with. `SOAK_MALLOC_ARENA_MAX` overrides
 * the arena count; any `MALLOC_*` variable of the bench's own environment reaches the box too.
 */
export function startTask(task: string): { flags: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const word of task.split(/\s+/)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(word);
    if (!assignment) break;
    env[assignment[1]!] = assignment[2]!;
  }
  const arenas = Deno.env.get("SOAK_MALLOC_ARENA_MAX");
  if (arenas) env.MALLOC_ARENA_MAX = arenas;
  return { flags: task.match(/--v8-flags=\S+/g) ?? [], env };
}

function startTaskOfConfig(): { flags: string[]; env: Record<string, string> } {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  return startTask(String(config.tasks?.start ?? ""));
}

/** The 1-minute load average of the machine (the soak shares it; a busy host slows the frames). */
function loadAverage(): number {
  return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
}

/**
 * CPU seconds the box itself has used (user + system, from /proc/<pid>/stat; the solver's child
 * processes are not counted): per frame, a figure a busy host changes far less than wall time.
 */
function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

function rssMb(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** The malloc settings the box ran with, for the bench line ("default" when none). */
function mallocEnv(env: Record<string, string>): string {
  const settings = Object.entries({ ...Deno.env.toObject(), ...env })
    .filter(([name]) => name.startsWith("MALLOC_") || name === "GLIBC_TUNABLES")
    .map(([name, value]) => `${name}=${value}`);
  return settings.length > 0 ? settings.sort().join(",") : "default";
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
  const start = startTaskOfConfig();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...start.flags,
      join(ROOT, "main.ts"),
      "serve",
      "--port",
      String(port),
      "--data-dir",
      join(dir, "data"),
      "--config",
      join(dir, "config.toml"),
    ],
    env: start.env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, 60_000);
    await new Promise((r) => setTimeout(r, 5_000));
    const startMb = rssMb(child.pid);
    const startCpuS = cpuSeconds(child.pid);
    const t0 = performance.now();
    const endMs = t0 + minutes * 60_000;
    const samples: RssSample[] = [];
    // SOAK_SAMPLES names a CSV file that gets every sample as it is taken (minute, RSS, load, and
    // each minute the V8 heap and external memory), to see where the memory goes.
    const csvPath = Deno.env.get("SOAK_SAMPLES");
    if (csvPath) Deno.writeTextFileSync(csvPath, "minutes,rss_mb,load1,heap_used_mb,external_mb\n");
    let ticks = 0;
    const sampler = setInterval(async () => {
      const sample = {
        minutes: (performance.now() - t0) / 60_000,
        mb: rssMb(child.pid),
        load: loadAverage(),
      };
      samples.push(sample);
      if (!csvPath) return;
      let heap = "";
      if (ticks++ % 12 === 0) {
        const memory = await api(url, "GET", "/telemetry").then((t) => t.process).catch(() => null);
        if (memory) {
          heap = `${(memory.heap_used_bytes / 2 ** 20).toFixed(1)},${
            (memory.external_bytes / 2 ** 20).toFixed(1)
          }`;
        }
      }
      Deno.writeTextFileSync(
        csvPath,
        `${sample.minutes.toFixed(2)},${sample.mb.toFixed(1)},${sample.load},${heap || ","}\n`,
        { append: true },
      );
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
    const figures = summarizeSoak(samples, minutes);
    const cpuPerFrameS = (cpuSeconds(child.pid) - startCpuS) / frames;
    report("soak (exposures, solves, WS clients coming and going)", {
      minutes,
      frames,
      solves,
      solve_failures: solveFailures,
      ws_visits: visits,
      rss_start_mb: startMb,
      rss_after_warmup_mb: figures.rssAfterWarmUpMb,
      rss_end_mb: figures.rssEndMb,
      rss_peak_mb: figures.rssPeakMb,
      slope_after_warmup_mb_per_h: figures.slopeAfterWarmUpMbPerH,
      slope_last_half_mb_per_h: figures.slopeLastHalfMbPerH,
      heap_used_mb: memory.heap_used_bytes / 2 ** 20,
      heap_total_mb: memory.heap_total_bytes / 2 ** 20,
      external_mb: memory.external_bytes / 2 ** 20,
      box_cpu_s_per_frame: cpuPerFrameS,
      load_avg_mean: figures.loadMean,
      load_avg_end: loadAverage(),
      malloc: mallocEnv(start.env),
    });
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) await soakBench();
