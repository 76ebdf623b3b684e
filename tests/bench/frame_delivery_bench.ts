/**
 * Frame delivery, issue 14 A.3 and A.4, on the box's own default profile (the Simulators: a
 * 4144 × 2822 sensor showing the true sky), in-process over a temporary data dir:
 *
 * - `end of readout → camera.frame_ready`: from the moment the simulated camera hands its frame
 *   over (its status goes back to idle) to the event saying the FITS file is durable and recorded.
 *   Target under 100 ms; the star analysis must not be in this path.
 * - `idle → accepted`: once the frame is listed and `/camera/status` says idle, how long
 *   `POST /camera/expose` still answers 409 (the status and the acceptance disagreeing). Target 0.
 *
 * Printed, never gated. `deno run -A tests/bench/frame_delivery_bench.ts`.
 */
import { join } from "node:path";
import { startServer } from "../../cli/server.ts";
import { loadConfig } from "../../core/config.ts";
import { LogSink } from "../../lib/log.ts";
import { percentile, report } from "./_util.ts";

const FRAMES = 8;
const EXPOSURE_S = 0.5;

export async function frameDeliveryBench(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "openskylab-bench-frames-" });
  const logs = new LogSink({ consoleLevel: "silent" });
  const config = await loadConfig(join(dir, "config.toml"), logs.logger("config"));
  const server = await startServer({
    config,
    port: 0,
    hostname: "127.0.0.1",
    dataDir: join(dir, "data"),
    logs,
    alpacaPort: 0,
    alpacaDiscoveryPort: null,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === "" ? {} : JSON.parse(text) };
  };
  const { hub, bus } = server.services;
  // When the camera hands its frame over: its exposure state leaves "downloading" for "idle".
  let readoutEndMs = NaN;
  let lastState = "idle";
  const unwatch = hub.onStatus((kind, device) => {
    if (kind !== "camera") return;
    const state = (device as { status(): { exposure: { state: string } } }).status().exposure.state;
    if (state === "idle" && lastState !== "idle") readoutEndMs = performance.now();
    lastState = state;
  });
  const readyAt = new Map<string, number>();
  const unsubscribe = bus.subscribe((event) => {
    if (event.type === "camera.frame_ready") {
      readyAt.set((event.data as { id: string }).id, performance.now());
    }
  });
  const overheads: number[] = [];
  const refusals: number[] = [];
  try {
    // A first light loads the star catalogue (seconds, once); it is not measured.
    await takeFrame(api, readyAt);
    for (let i = 0; i < FRAMES; i++) {
      readoutEndMs = NaN;
      const id = await takeFrame(api, readyAt);
      overheads.push(readyAt.get(id)! - readoutEndMs);
    }
    for (let i = 0; i < FRAMES; i++) {
      const started = await api("POST", "/camera/expose", { duration: EXPOSURE_S });
      if (started.status !== 202) throw new Error(`expose answered ${started.status}`);
      refusals.push(await refusedAfterIdle(api, started.body.frame_id as string));
      // The exposure accepted last is not needed: abort it and let the box settle.
      await api("POST", "/camera/abort");
      while ((await api("GET", "/camera/status")).body.exposure.state !== "idle") await sleep(20);
      await sleep(3000);
    }
  } finally {
    unwatch();
    unsubscribe();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
  overheads.sort((a, b) => a - b);
  refusals.sort((a, b) => a - b);
  report("end of readout → camera.frame_ready (4144×2822 sim, true sky)", {
    frames: overheads.length,
    p50_ms: percentile(overheads, 50),
    max_ms: overheads.at(-1) ?? NaN,
    target_ms: 100,
  });
  report("listed + idle → POST /camera/expose accepted", {
    frames: refusals.length,
    p50_409_ms: percentile(refusals, 50),
    max_409_ms: refusals.at(-1) ?? NaN,
    target_ms: 0,
  });
}

type Api = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> & { exposure?: unknown } }>;

async function takeFrame(api: Api, readyAt: Map<string, number>): Promise<string> {
  const started = await api("POST", "/camera/expose", { duration: EXPOSURE_S });
  if (started.status !== 202) throw new Error(`expose answered ${started.status}`);
  const id = started.body.frame_id as string;
  const deadline = Date.now() + 120_000;
  while (!readyAt.has(id)) {
    if (Date.now() > deadline) throw new Error(`frame ${id} never became ready`);
    await sleep(5);
  }
  return id;
}

/**
 * After the frame is listed and the status says idle: milliseconds of 409s before a new
 * exposure is accepted (0 when the first try is accepted).
 */
async function refusedAfterIdle(api: Api, frameId: string): Promise<number> {
  while (true) {
    const listed = await api("GET", "/camera/frames?limit=1");
    const first = (listed.body.frames as { id: string }[])[0];
    const status = await api("GET", "/camera/status");
    const state = (status.body.exposure as { state: string }).state;
    if (first?.id === frameId && state === "idle") break;
    await sleep(2);
  }
  const t0 = performance.now();
  while (true) {
    // Measured to when the accepted request was sent: its own latency is not a refusal.
    const sentMs = performance.now();
    const res = await api("POST", "/camera/expose", { duration: EXPOSURE_S });
    if (res.status === 202) return sentMs - t0;
    if (res.status !== 409) throw new Error(`expose answered ${res.status}`);
    if (performance.now() - t0 > 30_000) throw new Error("still 409 after 30 s");
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (import.meta.main) await frameDeliveryBench();
